import { plural } from '../io/numbers.js';
import { join } from 'node:path';
import { recordStreams } from '../random/streams.js';
import { corpusManifest } from './corpus/manifest.js';
import { problemRecord } from '../serializers/problem.js';
import { pyJson, type PyJson } from '../serializers/pyjson.js';
import { describeRecord, isProblemRecord, type TextView } from '../serializers/record-view.js';
import { solve } from '../solver/exact.js';
import { isJsonObject } from '../core/values.js';
import { countTextTokens } from '../tokens/llama.js';
import type { Problem } from '../solver/problems.js';
import { makeSearch, type MadeSearch } from './make-record.js';
import { DEFAULT_WINDOW, judgedWindow, windowTooSmallMessage, type RecordSettings } from './settings.js';
import { InputError, UsageError } from '../io/errors.js';
import { statOf } from '../io/stat.js';
import { WindowTooSmall } from '../solver/window.js';
import { toProblem } from './problems-file.js';
import { issueText, verifyRecord } from '../verify/index.js';
import { classify, failedOutputFault, hasTraceDict, withoutNullCells } from '../records/kind.js';
import { readRecords } from '../records/read.js';
import { STDIO } from '../io/formats.js';
import { checkOutputs } from './paths.js';

export type InspectSource =
  | { readonly kind: 'problem'; readonly nums: number[]; readonly target: number; readonly seed: number; readonly settings: RecordSettings }
  /** `window`: the one given to judge its sequences by (`--window`), if any. */
  | { readonly kind: 'record'; readonly file: string; readonly index: number; readonly window: number | undefined };

/**
 * The window a record's sequences are judged against: the search's own (judgedWindow: one
 * made with no window, reference mode's too, against the default, as stats and corpus judge
 * it), or the one given for a stored record (`--window`, 0: none, as verify takes it).
 */
export function judgedWindowOf(source: InspectSource): number {
  return source.kind === 'record' ? (source.window ?? DEFAULT_WINDOW) : judgedWindow(source.settings.window);
}

/** A stored problem record has no sequences: a window given to judge them by would change nothing. */
export function checkWindowUsed(source: InspectSource, record: Record<string, unknown>): void {
  if (source.kind === 'record' && source.window !== undefined && isProblemRecord(record)) {
    throw new UsageError('--window judges a search\'s sequences, and a problem record has none: --window would change nothing; leave it out');
  }
}

/**
 * A stored record's JSON on one line: a pretty-printed array element loses its line breaks and
 * indentation (JSON text holds a line break only as white space between tokens), as Python's
 * `json.dumps` writes it; everything else as stored.
 */
function oneLineJson(text: string): string {
  return text.includes('\n') ? text.replace(/([[{])\s*\n\s*/g, '$1').replace(/\s*\n\s*([\]}])/g, '$1').replace(/,\s*\n\s*/g, ', ').replace(/\s*\n\s*/g, ' ') : text;
}

/** A record to show: its fields, and its JSON as written (the stored line, or what `search` writes). */
export interface LoadedRecord {
  readonly record: Record<string, unknown>;
  readonly json: string;
  /** Where a stored record stands in its file. */
  readonly line?: number;
}

/** A corpus folder's first record file, as a hint (`, such as c/apr/train-00000-of-00001.jsonl`); '' for any other folder. */
function recordFileOf(folder: string): string {
  try {
    const first = corpusManifest(folder)?.files.find((f) => f.kind === 'records');
    return first ? `, such as ${join(folder, first.name)}` : '';
  } catch (err) {
    if (err instanceof UsageError) return ''; // a damaged manifest is no hint; the folder is the fault
    throw err;
  }
}

// Where it cannot be read, the reader names what is wrong with it.
const isFolder = (path: string): boolean => statOf(path)?.isDirectory() === true;

/** One problem searched afresh (as record 0 of a run with this seed), or a stored record. */
export async function loadRecord(source: InspectSource): Promise<LoadedRecord> {
  if (source.kind === 'record') {
    if (isFolder(source.file)) throw new UsageError(`--record ${source.file}:${source.index}: ${source.file} is a folder; name a record file in it${recordFileOf(source.file)}`);
    let k = 0;
    for await (const { value, line, text } of readRecords(source.file, true)) {
      if (k++ === source.index) {
        // A problem or search record: nums and target it must have; other faults (a solution
        // that misses the target) are shown as the warnings verify would give.
        const c = classify(value);
        // A model output with no text (a failed generation) is a sequence line too, as verify grades it.
        const failed = failedOutputFault(value);
        if (c.kind === 'sequence' || failed !== undefined) {
          throw new InputError(source.file, line, `${failed ? `${failed}: ` : ''}a sequence line, not a record (inspect shows problem and search records; verify checks sequences)`);
        }
        // A table's null cells are absent fields, as every reader takes them (records/kind.ts).
        const rec = isJsonObject(value) ? withoutNullCells(value) : {};
        toProblem(isJsonObject(value) ? { nums: rec.nums, target: rec.target } : value, source.file, line);
        // A trace that cannot be walked (a broken trace_dict, a search_path that is no text) is
        // refused, not shown as something else; other oddities (a search_type) are shown as before.
        const unwalkable = (hasTraceDict(rec) || (rec.search_path !== undefined && typeof rec.search_path !== 'string')) && c.kind === undefined;
        if (unwalkable) throw new InputError(source.file, line, `${c.reason}; verify names what is wrong`);
        return { record: rec, json: text === undefined ? pyJson(value as PyJson) : oneLineJson(text), line };
      }
    }
    throw new InputError(
      source.file,
      undefined,
      k === 0 ? `holds no records, so index ${source.index} names none` : `has ${plural(k, 'record')}; index ${source.index} is out of range (0 to ${k - 1})`,
    );
  }
  const { nums, target, seed, settings } = source;
  const options = settings.options;
  const solution = solve(nums, target);
  const problem: Problem = { nums, target, solution: solution ?? [], startSize: nums.length };
  const rng = recordStreams(seed, options.solver, options.reference)(0);
  const full = problemRecord(problem, options.reference ? 'reference' : 'default');
  // An unreachable target has no solution to state: the record leaves both fields out, so that
  // verify, search --problems and inspect --record read back what inspect --json writes.
  const { solution: _s, optimal_path: _o, ...bare } = full as Record<string, unknown>;
  const base = solution ? full : bare;
  let made: MadeSearch;
  try {
    made = makeSearch(problem, base, rng, settings);
  } catch (err) {
    if (err instanceof WindowTooSmall) throw new UsageError(windowTooSmallMessage(settings, false));
    throw err;
  }
  // Dropped (--fit drop): search writes no record for it, and there is none to show. Why says
  // what helps: a first expansion too wide (the same search with --fit stop refuses it), or a
  // search the window cut short (--fit stop shows it cut).
  if (made.dropped && options.shape === 'sequence') {
    const stop: RecordSettings = { ...settings, options: { ...options, fit: 'stop' } };
    // Streams made afresh: the first search has moved its own (reference mode shares one).
    try {
      makeSearch(problem, base, recordStreams(seed, options.solver, options.reference)(0), stop);
    } catch (err) {
      if (err instanceof WindowTooSmall) throw new UsageError(`--fit drop leaves this problem out, so there is no record to show: ${windowTooSmallMessage(settings, false)}`);
      throw err;
    }
    throw new UsageError(`--window ${settings.window} cannot hold this problem's whole search, and --fit drop leaves it out: no record to show; raise --window, or use --fit stop to see it cut at the window`);
  }
  const json = Buffer.from(made.json).toString('latin1');
  return { record: JSON.parse(json) as Record<string, unknown>, json };
}

export async function inspect(source: InspectSource, view: TextView & { readonly json: boolean }): Promise<string> {
  // Standard output sent onto the file read (`inspect --record r.jsonl:0 >> r.jsonl`) would damage it.
  if (source.kind === 'record') checkOutputs([{ option: '--record', path: source.file }], [{ option: 'standard output', path: STDIO }]);
  const { record, json } = await loadRecord(source);
  checkWindowUsed(source, record);
  if (view.levels !== undefined && isProblemRecord(record)) throw new UsageError('--levels folds a search\'s thread tree, and a problem record has none: --levels would change nothing; leave it out');
  // The record itself, as stored or as search writes it (its floats too: `16.0`, not `16`).
  if (view.json) return json + '\n';
  return describeRecord(record, view, countTextTokens, recordFaults(source, record), judgedWindowOf(source));
}

/**
 * What verify finds in a stored record (a record searched here is sound by construction):
 * a stored one may be anything a model wrote, so what it claims is shown, and whether it holds.
 */
export function recordFaults(source: InspectSource, record: Record<string, unknown>): string[] {
  return source.kind === 'record' ? verifyRecord(record).map(issueText) : [];
}
