/**
 * A thread's text cut into parsed lines (with the conditioning prefixes allowed before line
 * 1), for the verifier. Lines are read by records/trace-lines.ts.
 */
import { parseTraceLine, type TraceLine } from '../records/trace-lines.js';
import { readPrefix, type ReadPrefix } from '../records/conditioning-prefix.js';

/** One line of a thread's text with where it sits. */
export interface ThreadLine {
  /** 1-based line number. */
  readonly no: number;
  /** Offset of the line's first character in the text (line 1: 0, its prefix's, while `text` leaves the prefix out). */
  readonly start: number;
  /** Offset just after the line's newline (or the text's end for an unterminated line). */
  readonly end: number;
  /** The line without its newline. */
  readonly text: string;
  readonly parsed: TraceLine | undefined;
}

export interface ThreadText {
  readonly text: string;
  /** The conditioning prefix before line 1, if any. */
  readonly prefix: ReadPrefix | undefined;
  readonly lines: readonly ThreadLine[];
  /** True when the text's last line has no newline. */
  readonly unterminated: boolean;
}

/**
 * Splits a thread into parsed lines; a conditioning prefix before line 1 (one at most: a model's
 * output kept with its prompt) is taken off and returned, for the walk to check against its search.
 */
export function splitThread(text: string): ThreadText {
  const prefix = readPrefix(text);
  const lines: ThreadLine[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const stop = nl < 0 ? text.length : nl;
    const body = text.slice(lines.length === 0 && prefix ? prefix.length : start, stop);
    lines.push({ no: lines.length + 1, start, end: nl < 0 ? stop : nl + 1, text: body, parsed: parseTraceLine(body) });
    start = nl < 0 ? text.length : nl + 1;
  }
  return { text, prefix, lines, unterminated: text.length > 0 && !text.endsWith('\n') };
}

/** 1-based line of `text` where it first departs from `other`. */
export function firstDifferentLine(text: string, other: string): number {
  let at = 0;
  while (at < text.length && at < other.length && text[at] === other[at]) at++;
  return text.slice(0, at).split('\n').length;
}
