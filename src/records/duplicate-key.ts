/**
 * A key given twice in one object (`{"nums": [1, 2], "nums": [3, 4], ...}`): JSON.parse keeps
 * the last in silence, other readers the first or either, so the record read is not the one
 * the file says. Every record read is checked so, after JSON.parse took its text.
 *
 * Cheap beside the parse: strings are passed over by indexOf, and only keys are taken out
 * (records are mostly long strings: their check took about a fifth of their JSON.parse;
 * short problem lines about twice theirs, a few milliseconds per 100,000).
 */
export function duplicateKey(text: string): string | undefined {
  // `text` is one JSON.parse has taken: every string in it closes.
  // No object, or one with a single key: nothing to repeat (a bare value, a list of numbers).
  if (text.indexOf(',') < 0 || text.indexOf('{') < 0) return undefined;
  /** Per open container: its keys so far for an object, undefined for an array. */
  const open: Array<Set<string> | undefined> = [];
  let keyNext = false;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (keyNext) {
        keyNext = false;
        const raw = text.slice(i + 1, end);
        // Escapes compared as what they stand for: "n\u0075ms" is "nums".
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        const keys = open[open.length - 1]!;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = end + 1;
      continue;
    }
    if (c === 0x7b) {
      open.push(new Set());
      keyNext = true;
    } else if (c === 0x5b) {
      open.push(undefined);
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
    } else if (c === 0x2c) {
      keyNext = open[open.length - 1] !== undefined;
    }
    i++;
  }
  return undefined;
}

/** Where the string opened by the quote at `start` closes: the next quote after an even run of backslashes. */
function stringEnd(text: string, start: number): number {
  for (let at = start + 1; ; at++) {
    at = text.indexOf('"', at);
    let back = at - 1;
    while (text.charCodeAt(back) === 0x5c) back--;
    if ((at - 1 - back) % 2 === 0) return at;
  }
}

/** How a duplicate key is named, after the file and line (a tolerant reader adds what it did). */
export function duplicateKeyFault(key: string): string {
  return `key ${JSON.stringify(key)} given twice in one object (JSON readers differ on which one counts): give it once`;
}
