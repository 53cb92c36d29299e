import { hasTraceDict } from './kind.js';
import { isTraceDictLevel, lastSequence, type TraceDict, type TraceDictTree } from './trace-dict.js';

/**
 * How searches end, read from their text's last lines, not verified (`verify` checks the
 * trace): the one rule `stats`, `report` and `verify --grades` count solved by.
 */

/** How a sequence ends: it found the goal, handed work to child threads, or gave up. */
export const OUTCOMES = ['solved', 'spawned children', 'no solution'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * How a sequence line of a model's outputs ends: as a sequence does, or with no text at all (a
 * failed generation, failedOutputFault). It counts among the lines, so a solve rate over them
 * is over every generation, not over the ones that produced a text.
 */
export const LINE_OUTCOMES = [...OUTCOMES, 'failed output'] as const;
export type LineOutcome = (typeof LINE_OUTCOMES)[number];

/** A SoS+ sequence that found the goal inside sub searches ends with their `Exit Sub Search` lines after it. */
const TRAILING_SUB_EXITS = /(?:\nExit Sub Search at level \d+)+$/;

export function sequenceOutcome(text: string): Outcome {
  const end = text.trimEnd().replace(TRAILING_SUB_EXITS, '');
  if (end.endsWith('<End Calling Sub Searches>')) return 'spawned children';
  const lastLine = end.slice(end.lastIndexOf('\n') + 1);
  return / equal: Goal Reached$/.test(lastLine) ? 'solved' : 'no solution';
}

/** Whether one thread of an APR trace_dict found its goal: its last sequence ends solved. */
export const threadSolved = (thread: TraceDict<unknown>): boolean => sequenceOutcome(lastSequence(thread)) === 'solved';

/**
 * Whether a search record found the goal: its search ends solved (sequenceOutcome), an APR
 * record's in its root's last sequence, another's in its `search_path`. (A goal line anywhere
 * once counted for the latter; the two never differ on a trace either mode writes.)
 */
export function recordSolved(record: Readonly<Record<string, unknown>>): boolean {
  if (hasTraceDict(record)) return threadSolved(record.trace_dict as TraceDictTree);
  return typeof record.search_path === 'string' && sequenceOutcome(record.search_path) === 'solved';
}

/**
 * The text a search record's search ends with, as an evaluation reads it: an APR root's last
 * sequence, or the single sequence (`search_path`) of the others; undefined when the record
 * holds neither in its expected shape.
 */
export function searchText(record: Readonly<Record<string, unknown>>): string | undefined {
  if (hasTraceDict(record)) return isTraceDictLevel(record.trace_dict) ? lastSequence(record.trace_dict) : undefined;
  return typeof record.search_path === 'string' ? record.search_path : undefined;
}
