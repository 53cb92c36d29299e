import { plural } from '../io/numbers.js';
import { isUtf8 } from 'node:buffer';
import { duplicateKey, duplicateKeyFault } from './duplicate-key.js';
import type { IssueSink, RecordAt } from './read.js';

/** A text that starts with a byte-order mark (some editors save one): JSON.parse would show it invisibly. */
export const BYTE_ORDER_MARK = 'starts with a byte-order mark (U+FEFF), which JSON does not allow: save the file as UTF-8 without one';

/** Largest single record accepted from a JSON array before the file is judged corrupt. */
const MAX_ELEMENT_CHARS = 256 << 20;

/**
 * Text of JSON chunks, checked as UTF-8 (decoding alone would replace bad bytes silently). A
 * character cut by a chunk's end waits for the next chunk; text stops before the first line
 * that is not UTF-8, and `bad` names that line.
 */
class Utf8Chunks {
  private carry: Buffer | undefined;
  bad: number | undefined;

  /** The text of `raw` (after what the chunk before left), `line` being the line it starts on. */
  text(raw: Buffer, line: number): string {
    let bytes = this.carry ? Buffer.concat([this.carry, raw]) : raw;
    const end = completeChars(bytes);
    this.carry = end < bytes.length ? Buffer.from(bytes.subarray(end)) : undefined;
    bytes = bytes.subarray(0, end);
    if (isUtf8(bytes)) return bytes.toString('utf8');
    for (let at = 0; ; line++) {
      const nl = bytes.indexOf(0x0a, at);
      if (nl < 0 || !isUtf8(bytes.subarray(at, nl))) {
        this.bad = line;
        return bytes.toString('utf8', 0, at);
      }
      at = nl + 1;
    }
  }

  /** At the end of the input: a character left unfinished is not UTF-8 either. */
  end(line: number): void {
    if (this.carry) this.bad ??= line;
  }
}

/** Length of the longest prefix of `bytes` that does not end inside a UTF-8 character. */
function completeChars(bytes: Buffer): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/**
 * Splits a JSON array into its elements as the text streams in, so any size reads in bounded
 * memory. A missing, doubled or trailing comma between elements is reported (code `comma`)
 * and read past: a tolerant reader keeps the elements, a strict one refuses the file.
 */
export async function* arrayElements(input: AsyncIterable<Buffer>, file: string, issue: IssueSink, keepText = false): AsyncGenerator<RecordAt> {
  const utf8 = new Utf8Chunks();
  const notUtf8 = (at: number) => issue({ file, line: at, message: `not valid UTF-8; kept the ${plural(element, 'element')} before` });
  let state: 'start' | 'between' | 'element' | 'end' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** The element read is a bare number or literal (or something else that is no JSON). */
  let bare = false;
  let line = 1;
  let elementLine = 0;
  let element = 0;
  let pending = '';
  /** Between elements: whether the comma before the next one has been read. */
  let comma = true;
  const badComma = () => issue({ file, line, message: 'a comma missing or out of place between elements', code: 'comma' });
  const parse = (text: string): RecordAt | undefined => {
    element++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      issue({ file, line: elementLine, message: `element ${element} is not valid JSON (${(err as Error).message}); skipped` });
      return undefined;
    }
    const twice = duplicateKey(text);
    if (twice !== undefined) {
      issue({ file, line: elementLine, message: `element ${element}: ${duplicateKeyFault(twice)}; skipped` });
      return undefined;
    }
    return keepText ? { value, line: elementLine, text: text.trimEnd() } : { value, line: elementLine };
  };
  try {
    for await (const raw of input) {
      const chunk = utf8.text(raw, line);
      let from = state === 'element' ? 0 : -1;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i]!;
        if (c === '\n') line++;
        if (state === 'element' && bare) {
          // A bare value (never a record, but still one element) ends before whitespace, a
          // comma, the ']' or what opens another element: then read between elements, a comma
          // missing after it loses neither.
          if (!(c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === ',' || c === ']' || c === '"' || c === '{' || c === '[')) continue;
          const item = parse(pending + chunk.slice(from, i));
          pending = '';
          state = 'between';
          comma = false;
          if (item) yield item;
        } else if (state === 'element') {
          // Whether the element ends here: a string element where its quote closes, as a
          // container where its bracket does; what follows is between elements, so a comma
          // missing after either loses neither.
          let closed = false;
          if (inString) {
            if (escaped) escaped = false;
            else if (c === '\\') escaped = true;
            else if (c === '"') {
              inString = false;
              closed = depth === 0;
            }
          } else if (c === '"') inString = true;
          else if (c === '{' || c === '[') depth++;
          else if (c === '}' || c === ']') closed = --depth === 0;
          if (closed) {
            const item = parse(pending + chunk.slice(from, i + 1));
            pending = '';
            state = 'between';
            comma = false;
            if (item) yield item;
          }
          continue;
        }
        if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
        if (state === 'start') {
          if (c !== '[') {
            const what = c === '{' ? 'a single JSON object, not a list of records' : c === '\uFEFF' ? BYTE_ORDER_MARK : 'not JSON, not a list of records';
            issue({ file, message: `${what}; file skipped`, code: 'not-records' });
            return;
          }
          state = 'between';
        } else if (state === 'between') {
          if (c === ',') {
            if (comma) badComma();
            comma = true;
            continue;
          }
          if (c === ']') {
            if (comma && element > 0) badComma();
            state = 'end';
            continue;
          }
          if (!comma) badComma();
          state = 'element';
          from = i;
          elementLine = line;
          depth = c === '{' || c === '[' ? 1 : 0;
          inString = c === '"';
          bare = depth === 0 && !inString;
          escaped = false;
        } else {
          issue({ file, line, message: 'text after the closing "]" ignored' });
          return;
        }
      }
      if (state === 'element') {
        pending += chunk.slice(Math.max(from, 0));
        if (pending.length > MAX_ELEMENT_CHARS) {
          issue({ file, line: elementLine, message: `element ${element + 1} never ends (corrupt array?); stopped reading` });
          return;
        }
      }
      if (utf8.bad !== undefined) return notUtf8(utf8.bad);
    }
    utf8.end(line);
    if (utf8.bad !== undefined) return notUtf8(utf8.bad);
  } catch (err) {
    issue({ file, line, message: `cannot read further (${(err as Error).message}); kept the ${plural(element, 'element')} before` });
    return;
  }
  const ended = state as string; // widened: the checker loses the loop's assignments here
  if (ended === 'start') issue({ file, message: 'empty: no records', code: 'empty' });
  else if (ended !== 'end') issue({ file, line, message: `ends inside the array (truncated?); kept the ${plural(element, 'element')} before` });
  else if (element === 0) issue({ file, message: 'empty: no records', code: 'empty' });
}
