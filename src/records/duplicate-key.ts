/**
 * A key given twice in one object (`{"nums": [1, 2], "nums": [3, 4], ...}`): JSON.parse keeps
 * the last in silence, other readers the first or either, so the record read is not the one
 * the file says. Every record read is checked so, after JSON.parse took its text.
 *
 * Cheap beside the parse: strings are passed over by indexOf, and only keys are taken out
 * (records are mostly long strings: their check took about a fifth of their JSON.parse; the
 * problem lines `problems` writes about two fifths, 10 ms per 20,000 lines against 24 ms).
 */
export function duplicateKey(text: string): string | undefined {
  // `text` is one JSON.parse has taken: every string in it closes.
  // No object, or one with a single key: nothing to repeat (a bare value, a list of numbers).
  if (text.indexOf(',') < 0 || text.indexOf('{') < 0) return undefined;
  // The keys of every open object in one list, each object's from its mark on (an array's mark
  // is -1): a Set per object cost a third more on problem lines, whose objects hold a few keys.
  const keys: string[] = [];
  const marks: number[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (keyNext) {
        keyNext = false;
        const raw = text.slice(i + 1, end);
        // Escapes compared as what they stand for: "n\u0075ms" is "nums".
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        for (let k = marks[marks.length - 1]!; k < keys.length; k++) if (keys[k] === key) return key;
        keys.push(key);
      }
      i = end;
    } else if (c === 0x7b) {
      marks.push(keys.length);
      keyNext = true;
    } else if (c === 0x5b) {
      marks.push(-1);
    } else if (c === 0x7d) {
      keys.length = marks.pop()!;
    } else if (c === 0x5d) {
      marks.pop();
    } else if (c === 0x2c) {
      keyNext = marks[marks.length - 1]! >= 0;
    }
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
