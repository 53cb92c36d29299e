import { isJsonObject, shownValue } from '../core/values.js';
import { allSolvers, solverNamed, type SolverName } from '../solver/registry.js';
import { isTraceDict, MAX_TRACE_DEPTH, nestsTooDeep } from './trace-dict.js';
import { readPrefix } from './conditioning-prefix.js';

/** What a record is, told from its fields (never from the file name it came in). */
export type RecordKind = 'apr' | 'sosp' | 'dfs' | 'bfs' | 'problem' | 'sequence';

/** A search record's kind: the solver that made it. */
export type SearchKind = SolverName;

/** The search kinds, in the order reports show them; every solver, or this does not compile. */
export const SEARCH_KINDS = ['sosp', 'apr', 'dfs', 'bfs'] as const satisfies readonly SearchKind[];
const everySolverListed: Exclude<SearchKind, (typeof SEARCH_KINDS)[number]> extends never ? true : never = true;
void everySolverListed;

/** Whether a name (a key read from a file) is a search kind. */
export const isSearchKind = (name: string): name is SearchKind => (SEARCH_KINDS as readonly string[]).includes(name);

/**
 * Whether a kind's records hold a thread tree (`trace_dict`, a sequence per call of every
 * thread): its solver's shape says so, the one rule every reader asks, not the solver's name.
 */
export const isThreaded = (kind: RecordKind): kind is SearchKind => THREADED.has(kind);
const THREADED: ReadonlySet<RecordKind> = new Set(allSolvers().filter((s) => s.shape === 'threads').map((s) => s.name));

/** The search kinds whose records hold a thread tree, in SEARCH_KINDS' order. */
export const THREADED_KINDS: readonly SearchKind[] = SEARCH_KINDS.filter(isThreaded);

export type Classified = { kind: RecordKind; record: Record<string, unknown> } | { kind: undefined; reason: string };

export const isNumberList = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'number');

const EXPECTED =
  'expected a problem, SoS+, APR, DFS or BFS record, or a sequence line {"text": ...} or string';

/**
 * The beam a `search_type` names (`sosp_5`: 5, `sosp_0`: 0), written as a solver writes it;
 * undefined where it names none (`dfs`). searchKindOf holds the rest of the text to its solver's.
 */
export function searchTypeBeam(searchType: string): number | undefined {
  const beam = /_(0|[1-9]\d*)$/.exec(searchType);
  return beam ? Number(beam[1]) : undefined;
}

/**
 * The search a record's `search_type` names (`sosp_5`, `apr_10`, `dfs`, `bfs_3`), read by
 * each solver's own writer (Solver.searchType); undefined for any other.
 */
export function searchKindOf(searchType: unknown): SearchKind | undefined {
  if (typeof searchType !== 'string') return undefined;
  const named = searchTypeBeam(searchType) ?? 1;
  return allSolvers().find((s) => s.searchType(named) === searchType)?.name;
}

/** Each solver's search_type with `{beam}` where its beam goes (`sosp_{beam}`, `dfs`). */
const SEARCH_TYPE_FORMS = allSolvers()
  .map((s) => (s.searchType(1) === s.searchType(2) ? s.searchType(1) : s.searchType(1).replace(/1$/, '{beam}')))
  .join(', ');

export const searchTypeFault = (st: unknown): string => `search_type ${shownValue(st)} is none of ${SEARCH_TYPE_FORMS}`;
export const strayTraceDict = (kind: SearchKind): string =>
  `a ${kind} record with a "trace_dict" (only ${THREADED_KINDS.map((k) => solverNamed(k).label).join(' and ')} records have one)`;

/**
 * Whether a line has a field: a null is none, as a table of several kinds of rows writes the
 * columns a row lacks (SoS+ rows beside APR ones, records beside sequences).
 */
export const has = (value: Readonly<Record<string, unknown>>, field: string): boolean => value[field] !== undefined && value[field] !== null;

/** A line's fields without the null cells of such a table (the rule `has` reads), for readers that ask `in`. */
export function withoutNullCells(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/** Whether a record carries a trace_dict. */
export const hasTraceDict = (value: Readonly<Record<string, unknown>>): boolean => has(value, 'trace_dict');

/** Whether an object has a search record's fields (a trace or a search type), whatever else it holds. */
export function isSearchRecord(value: Readonly<Record<string, unknown>>): boolean {
  // A search_type of any type: one that is not a string is a search record's fault, not a problem's extra field.
  return hasTraceDict(value) || has(value, 'search_type') || has(value, 'search_path');
}

/**
 * Whether a line says it holds a text, a null one included: a null text is a grader's failed
 * generation, not a table's empty cell (a table of problem rows beside sequence rows is the only
 * one where it would be, and this tool writes none).
 */
export const hasTextField = (value: Readonly<Record<string, unknown>>): boolean => 'text' in value;

/** Why a line's text cannot be read: a failed generation's `null`, or another value that is no string. */
const textFault = (text: unknown): string => `"text" ${shownValue(text)} is not a string`;

/**
 * Why a line is a model's output with no text to read (a failed generation: `"text": null`, a
 * number, or the line a bare `null`, as a list of outputs holds one); undefined for any other line.
 */
export function failedOutputFault(value: unknown): string | undefined {
  if (value === null) return 'null, not a text (a failed generation)';
  if (!isJsonObject(value) || isSearchRecord(value) || !hasTextField(value) || typeof value.text === 'string') return undefined;
  return textFault(value.text);
}

/** How every search text starts, after any conditioning prefix: its Current State, or an APR thread's move to its node. */
const SEARCH_START = /^(?:Current State: |Moving to Node #)/;

/**
 * Fields that name a model's output, as generation harnesses write them (vLLM's and Hugging
 * Face's `generated_text`, `completion`, `response`, ...), in lower case: whatever such a field
 * holds, an empty or garbled output included, it is an output to grade, not a problem's note.
 */
const OUTPUT_FIELDS: ReadonlySet<string> = new Set(
  ['output', 'completion', 'response', 'generation', 'prediction', 'generated_text', 'model_output'].flatMap((f) => [f, `${f}s`]),
);

/**
 * Why a problem line is a model's output under another name than "text", which every reader
 * would take for the problem alone, valid; undefined for any other. An output is told by its
 * field's name (OUTPUT_FIELDS, any value but a table's null cell), or under any other name by
 * its text being a search's: more than its first line, as a prompt holds the problem's
 * Current State alone (a prompt, a note or tags are a problem's extra fields).
 */
export function misnamedTextFault(value: Readonly<Record<string, unknown>>): string | undefined {
  const isSearchText = (v: unknown) => typeof v === 'string' && /\n./.test(v) && SEARCH_START.test(v.slice(readPrefix(v)?.length ?? 0));
  for (const [field, v] of Object.entries(value)) {
    if (field === 'optimal_path' || field === 'text') continue;
    if (isSearchText(v)) return `field "${field}" holds a search text, but only "text" is read as one (a model's output: {"nums", "target", "text"})`;
    // Several samples of one prompt (vLLM's n > 1) kept as a list.
    if (Array.isArray(v) && v.some(isSearchText)) {
      return `field "${field}" holds a list of search texts, but only "text" is read as one (a line per output: {"nums", "target", "text"})`;
    }
    if (OUTPUT_FIELDS.has(field.toLowerCase()) && has(value, field)) {
      return Array.isArray(v)
        ? `field "${field}" is a list of model outputs by its name, but only "text" is read as one (a line per output: {"nums", "target", "text"})`
        : `field "${field}" is a model's output by its name, but only "text" is read as one (a model's output: {"nums", "target", "text"})`;
    }
  }
  return undefined;
}

/** Sorts a parsed line into a kind, or says why it is none of them. */
export function classify(value: unknown): Classified {
  // A bare string is a sequence of a `.json` sequences file (what the reference's trainer reads).
  if (typeof value === 'string') return { kind: 'sequence', record: { text: value } };
  if (!isJsonObject(value)) return { kind: undefined, reason: `not a JSON object (${EXPECTED})` };
  const st = value.search_type;
  if (isSearchRecord(value)) {
    if (!isNumberList(value.nums) || typeof value.target !== 'number') {
      return { kind: undefined, reason: 'search record without numeric "nums" and "target"' };
    }
    const kind = searchKindOf(st);
    if (kind === undefined) return { kind: undefined, reason: searchTypeFault(st) };
    if (isThreaded(kind)) {
      const label = solverNamed(kind).label;
      if (!hasTraceDict(value)) return { kind: undefined, reason: `${label} record without "trace_dict"` };
      if (isTraceDict(value.trace_dict)) return { kind, record: value };
      if (nestsTooDeep(value.trace_dict)) return { kind: undefined, reason: `${label} record whose "trace_dict" nests deeper than ${MAX_TRACE_DEPTH} levels` };
      return { kind: undefined, reason: `${label} record whose "trace_dict" is not {main_calls: [text, ...], sub_calls: [[...], ...]}` };
    }
    if (hasTraceDict(value)) return { kind: undefined, reason: strayTraceDict(kind) };
    if (typeof value.search_path !== 'string') return { kind: undefined, reason: 'search record without a text "search_path"' };
    return { kind, record: value };
  }
  // A text with its problem beside it (a model's output kept with its prompt) is a sequence.
  if (typeof value.text === 'string') return { kind: 'sequence', record: value };
  // A "text" of another type, null included, is a model output gone wrong, not a problem record with an extra field.
  if (hasTextField(value)) return { kind: undefined, reason: textFault(value.text) };
  if (isNumberList(value.nums) && typeof value.target === 'number') {
    const misnamed = misnamedTextFault(value);
    return misnamed === undefined ? { kind: 'problem', record: value } : { kind: undefined, reason: misnamed };
  }
  const keys = Object.keys(value).slice(0, 4).join(', ');
  return { kind: undefined, reason: `unrecognised record (fields: ${keys || 'none'}); ${EXPECTED}` };
}
