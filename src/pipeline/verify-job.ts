import { fmtInt, percent, plural } from '../io/numbers.js';
import { isCount, shownValue } from '../core/values.js';
import { countTextTokens, sequenceLength } from '../tokens/llama.js';
import { issueText, sequenceName, verifyProblem, verifyRecord, verifySequences, type GivenProblem, type SequenceLine, type VerifyIssue } from '../verify/index.js';
import { failedOutputFault, hasTraceDict, isNumberList, isSearchRecord, withoutNullCells, type SearchKind } from '../records/kind.js';
import { recordSolved, searchText, sequenceOutcome } from '../records/outcome.js';
import { referenceGrade, type ReferenceGrade } from '../verify/reference-grade.js';
import { readPrefix } from '../records/conditioning-prefix.js';
import { checkFile, covered, unreadable } from './corpus/integrity.js';
import { isDataFile, UNLISTED, unlistedFiles } from './corpus/manifest.js';
import { MANIFEST, sequencesSolver, STATS } from './corpus/plan.js';
import { readRegularFile } from './corpus/files.js';
import { UsageError } from '../io/errors.js';
import { PyFloat, pyJson, type PyJson } from '../serializers/pyjson.js';
import { RecordSink } from './sink.js';
import { formatOf, STDIO } from '../io/formats.js';
import { checkOutputBeside, readInputs, type Input } from './inputs.js';
import { join } from 'node:path';
import { readRecords, readRecordsTolerant } from '../records/read.js';
import { recordTraceDict, threadsOf } from '../records/trace-dict.js';
import { opensBelowProblem } from '../records/trace-lines.js';
import { figureFieldFaults, recordFigures, tokenFieldDisagreements } from '../serializers/record-view.js';

export interface VerifyJob {
  readonly files: readonly string[];
  /**
   * Report sequences longer than this many tokens (`<s>` and `</s>` included); 0: no check;
   * undefined: each input's own (readInput).
   */
  readonly window: number | undefined;
  /** Print one line per finding here. */
  readonly report: (line: string) => void;
  /** Where each record's and sequence line's Grade goes, one JSON line each in the order read (`--grades`). */
  readonly grades?: string | undefined;
  /** The search every text alone must be a trace of (`--solver`); undefined: any. A record names its own, and a corpus's sequences file its config's. */
  readonly solver?: SearchKind | undefined;
}

/**
 * The verdict on one record or sequence line, for a program to read (grading a model's
 * outputs): `valid` when verify found nothing wrong with it, `solved` when it is valid and
 * its search ends at the goal (the rule `stats` counts by, src/records/outcome.ts).
 */
export interface Grade {
  readonly file: string;
  /** The line the reader names it by (for a JSON array: the element's line, or its number; see RecordAt). */
  readonly line: number;
  /** Its place among the file's records and sequence lines, from 0. */
  readonly index: number;
  /** `unreadable`: a line of a corpus file found changed that does not parse. */
  readonly kind: 'record' | 'sequence' | 'unreadable';
  readonly valid: boolean;
  readonly solved: boolean;
  readonly issues: readonly string[];
  /** Its sequences over the window (0 without one): what `--strict` fails on, which is no issue of its own. */
  readonly overWindow: number;
  /** What the reference's evaluation would say of its search's text; undefined for a problem record, a child thread's line or an unreadable line. */
  readonly reference: ReferenceGrade | undefined;
  /** A sequence line's own `record` and `thread` fields (what joins a record's lines), as given; undefined where it has none. */
  readonly record?: unknown;
  readonly thread?: unknown;
}

/**
 * Searches graded whole: `valid` when nothing in them is wrong, `solved` when also their
 * search ends at the goal (`Grade.solved` of a record, or of a root's last line).
 */
export interface SearchTally {
  searches: number;
  valid: number;
  solved: number;
}

export interface VerifySummary {
  /** Records (problem and search records) read. */
  records: number;
  /** Lines of sequences files read (each one sequence). */
  sequenceLines: number;
  /** Records and sequence lines with findings. */
  badRecords: number;
  issues: number;
  /** Sequences measured: every sequence of a record, and every sequence line's. */
  sequences: number;
  /** Of them, the records' (a corpus holds each sequence twice: in its record and as a line). */
  recordSequences: number;
  overflows: number;
  /** Files read (a corpus folder counts its data files). */
  files: number;
  /** Files of a corpus folder that are not as its manifest says (missing, another size, other bytes). */
  changedFiles: number;
  /** Files that hold no record at all (named in the summary; --fit drop can leave one). */
  emptyFiles: number;
  /** Figures of a corpus's stats.json its files do not hold (records, solved, sequences). */
  statsFaults: number;
  /** The windows sequences were measured against (0: not measured). */
  windows: Set<number>;
  /** Search records (a problem record is none). */
  recordSearches: SearchTally;
  /**
   * Searches read as sequence lines: a text alone, or the lines of one record (`record` and
   * `thread`) together, which count as one search (valid when every line is, solved when also
   * its root's last line is, as a search record). Lines of child threads without their root are none.
   */
  lineSearches: SearchTally;
}

const newTally = (): SearchTally => ({ searches: 0, valid: 0, solved: 0 });

/**
 * Whether a text without thread names is a search of its own: a model's output (it names its
 * problem), or a whole search: one that neither opens below its problem (a child thread) nor ends
 * in a spawn (a root's sequence before its last), as a `.json` array of sequences holds them. A
 * text whose opening does not parse, or lists operations at the problem, counts, so a malformed
 * output is graded, not left out.
 */
function wholeSearch(g: SequenceItem): boolean {
  if (g.seq.problem !== undefined) return true;
  const text = g.seq.text.slice(readPrefix(g.seq.text)?.length ?? 0);
  return !opensBelowProblem(text) && sequenceOutcome(text) !== 'spawned children';
}

const tally = (t: SearchTally, valid: boolean, solved: boolean): void => {
  t.searches++;
  if (valid) t.valid++;
  if (valid && solved) t.solved++;
};

/** One line of a sequences file: a `{"text", "record", "thread", "tokens"}` object, or a bare string (`.json` array). */
interface SequenceItem {
  readonly where: string;
  readonly line: number;
  readonly index: number;
  readonly seq: SequenceLine;
  readonly record: unknown;
  readonly claimed: unknown;
  /** The line's `thread` field as given. */
  readonly threadField: unknown;
  /** Faults of the line's own fields. */
  readonly findings: string[];
  /** Why a model's output has no text to check (`"text": null`, a number): a failed generation. */
  readonly failed?: string;
}

/** The sequence a parsed line holds, if it is a sequences-file line. */
function sequenceItem(value: unknown, where: string, line: number, index: number): SequenceItem | undefined {
  if (typeof value === 'string') return { where, line, index, seq: { text: value }, record: undefined, claimed: undefined, threadField: undefined, findings: [] };
  // A model's output with no text (a bare null, a "text" that is not a string) is a sequence line whose output failed.
  const failed = failedOutputFault(value);
  if (value === null) return { where, line, index, seq: { text: '' }, record: undefined, claimed: undefined, threadField: undefined, findings: [], failed: failed! };
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const rec = withoutNullCells(value as Record<string, unknown>);
  if (isSearchRecord(rec)) return undefined;
  if (typeof rec.text !== 'string' && failed === undefined) return undefined;
  const findings: string[] = [];
  // A text beside its problem (a model's output kept with its prompt) is checked against it.
  let problem: GivenProblem | undefined;
  if ('nums' in rec || 'target' in rec) {
    const issues: VerifyIssue[] = [];
    problem = verifyProblem(rec, issues);
    for (const i of issues) findings.push(issueText({ ...i, thread: i.thread || 'problem' }));
  }
  if (rec.record !== undefined && !isCount(rec.record)) findings.push(`"record" ${shownValue(rec.record)} is not a record number`);
  // A thread name means nothing without the record it is a thread of.
  if (rec.record === undefined && rec.thread !== undefined) findings.push('"thread" without "record": the line does not say which record it belongs to');
  let seq: SequenceLine = { text: typeof rec.text === 'string' ? rec.text : '', problem };
  if (rec.thread !== undefined) {
    const m = typeof rec.thread === 'string' ? /^(.*)#(0|[1-9]\d*)$/.exec(rec.thread) : null;
    seq = m ? { ...seq, thread: m[1]!, index: Number(m[2]) } : { ...seq, thread: String(rec.thread), index: undefined };
  }
  // Named by the record it says it belongs to (its `record` field), not by its line.
  const of = Number.isSafeInteger(rec.record) ? ` record ${String(rec.record)}` : '';
  return { where: `${where}${of}`, line, index, seq, record: rec.record, claimed: rec.tokens, threadField: rec.thread, findings, ...(failed !== undefined && { failed }) };
}

/**
 * Re-reads records of any kind and checks every trace as a machine would consume it (see
 * src/verify); also measures every training sequence against the window. Sequences files
 * (`{"text": ...}` lines, or a `.json` array of strings) are checked as text: each sequence
 * in its thread's grammar, the sequences of one record together as their search, and their
 * `record`, `thread` and `tokens` fields.
 */
export async function runVerify(job: VerifyJob): Promise<VerifySummary> {
  const inputs = readInputs(job.files, job.window);
  // The findings go to standard output (unless the grades do): not into a file read (`verify a.jsonl >> a.jsonl`).
  if (job.grades !== STDIO) checkOutputBeside(inputs, { option: 'standard output', path: STDIO });
  if (job.grades === undefined) return verifyInto(job, inputs, undefined);
  // Every file read is an input (a corpus folder's manifest and data files too), and a corpus
  // folder holds only what its manifest lists: the grades go elsewhere.
  checkOutputBeside(inputs, { option: '--grades', path: job.grades });
  const sink = RecordSink.open(job.grades, job.files);
  try {
    const sum = await verifyInto(job, inputs, orderedBy((g) => sink.write(pyJson(gradeJson(g)))));
    await RecordSink.closeAll([sink]);
    return sum;
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

/** A grade as its line says it (the JSON of records: Python's separators, keys in this order). */
function gradeJson(g: Grade): PyJson {
  const r = g.reference;
  const reference = r ? { rating: r.rating === null ? null : new PyFloat(r.rating), verdict: r.verdict, apr_solved: r.aprSolved } : null;
  const joins = g.kind === 'sequence' ? { record: (g.record ?? null) as PyJson, thread: (g.thread ?? null) as PyJson } : {};
  return { file: g.file, line: g.line, index: g.index, kind: g.kind, ...joins, valid: g.valid, solved: g.solved, issues: [...g.issues], over_window: g.overWindow, reference };
}

/**
 * Hands grades on in their files' order: a record's sequence lines are graded together once
 * the last is read, after an unreadable line among them that was graded at once.
 */
function orderedBy(write: (g: Grade) => Promise<void> | undefined): (g: Grade) => Promise<void> | undefined {
  let file: string | undefined;
  let next = 0;
  const waiting = new Map<number, Grade>();
  return (g) => {
    if (g.file !== file) {
      file = g.file; // a file's grades are all handed on before the next file's
      next = 0;
    }
    waiting.set(g.index, g);
    let room: Promise<void> | undefined;
    for (let w = waiting.get(next); w !== undefined; w = waiting.get(next)) {
      waiting.delete(next++);
      room = write(w) ?? room;
    }
    return room;
  };
}

/** runVerify's work; `grade` takes each Grade and may ask to be waited for. */
async function verifyInto(job: VerifyJob, inputs: readonly Input[], grade: ((g: Grade) => Promise<void> | undefined) | undefined): Promise<VerifySummary> {
  const sum: VerifySummary = {
    records: 0, sequenceLines: 0, badRecords: 0, issues: 0, sequences: 0, recordSequences: 0, overflows: 0,
    files: 0, changedFiles: 0, emptyFiles: 0, statsFaults: 0, windows: new Set(), recordSearches: newTally(), lineSearches: newTally(),
  };
  /** The window of the file being read, and the file. */
  let window = 0;
  let file = '';
  /** The grades sink's last wait, if it asked for one. */
  let room: Promise<void> | undefined;
  /** Reports a record's or line's findings, and grades it; `solved`: its text ends at the goal. Whether it is valid. */
  const finish = (where: string, findings: readonly string[], at: Pick<Grade, 'line' | 'index' | 'kind' | 'reference' | 'overWindow' | 'record' | 'thread'> | undefined, solved: boolean): boolean => {
    if (grade && at) room = grade({ file, ...at, valid: findings.length === 0, solved: findings.length === 0 && solved, issues: findings }) ?? room;
    if (findings.length === 0) return true;
    sum.badRecords++;
    sum.issues += findings.length;
    for (const f of findings) job.report(`${where} ${f}`);
    return false;
  };
  /** Text tokens of a sequence, counted once per record (the window, the figures and the token fields all read them). */
  let counted = new Map<string, number>();
  const textTokens = (text: string): number => {
    let n = counted.get(text);
    if (n === undefined) counted.set(text, (n = countTextTokens(text)));
    return n;
  };
  /** Measures one sequence: its tokens against the window and against what its line claims; 1 when it is over the window, else 0. */
  const measure = (where: string, thread: string, text: string, claimed: unknown, findings: string[]): number => {
    sum.sequences++;
    if (window <= 0 && claimed === undefined) return 0;
    const tokens = sequenceLength(textTokens(text));
    if (claimed !== undefined && typeof claimed !== 'number') findings.push(`${thread}: "tokens" ${shownValue(claimed)} is not a number`);
    else if (claimed !== undefined && claimed !== tokens) findings.push(`${thread}: "tokens" says ${String(claimed)}, the text has ${tokens}`);
    if (window > 0 && tokens > window) {
      sum.overflows++;
      job.report(`${where} ${thread}: sequence of ${tokens} tokens is over the ${window}-token window`);
      return 1;
    }
    return 0;
  };

  /** The files to read: a corpus folder's data files, each first checked against its manifest (a missing one is not read). */
  const toRead = async (input: Input): Promise<FileToRead[]> => {
    if (input.kind === 'file') return input.files.map((file) => ({ file, changed: false }));
    if (input.kind === 'folder') throw new UsageError(`${input.path}: a folder without this tool's ${MANIFEST}: not a finished corpus (name its files instead)`);
    const files: FileToRead[] = [];
    const counts = new Map<string, StreamCount>();
    corpora.push({ path: input.path, counts });
    for (const f of input.manifest.files) {
      const path = join(input.path, f.name);
      const problem = await checkFile(path, covered(f), 'the manifest');
      if (problem) {
        sum.changedFiles++;
        job.report(`${path}: ${problem}`);
      }
      // Neither a missing file nor a pipe in a data file's place is read (a pipe would block for ever).
      if (!isDataFile(f) || unreadable(problem)) continue;
      const key = `${f.config}/${f.split}`;
      if (!counts.has(key)) counts.set(key, { records: 0, solved: 0, lines: 0 });
      // A config of training sequences names the solver its texts are traces of (`--solver` for a file of one's own).
      const solver = f.config === undefined ? undefined : sequencesSolver(f.config);
      files.push({ file: path, changed: problem !== undefined, stream: counts.get(key)!, ...(solver && { solver }) });
    }
    for (const name of unlistedFiles(input.path, input.manifest)) {
      sum.changedFiles++;
      job.report(`${join(input.path, name)}: ${UNLISTED}`);
    }
    return files;
  };
  /** Each corpus folder read, with what its data files hold per stream (`config/split`), for stats.json. */
  const corpora: Array<{ path: string; counts: Map<string, StreamCount> }> = [];
  const files: Array<FileToRead & { window: number }> = [];
  for (const input of inputs) {
    sum.windows.add(input.window);
    for (const file of await toRead(input)) files.push({ ...file, window: input.window });
  }

  for (const { file: path, window: w, changed, stream, solver: ofFile } of files) {
    window = w;
    const solver = ofFile ?? job.solver;
    file = path;
    sum.files++;
    let index = 0;
    /** Grades given in this file (records, sequence lines and unreadable lines). */
    let place = 0;
    const recordsBefore = sum.records;
    const array = file !== '-' && formatOf(file).array;
    // The sequences of one record, checked together when the record's last one has been read.
    let group: SequenceItem[] = [];
    /** Where the record of the group resumes after another line: its lines are not together, so not checked as one search. */
    let resumed: string | undefined;
    /**
     * The records of the groups of thread lines checked so far in this file, each with how it
     * was counted as a search (one number each: 0 not counted, as its lines so far hold no root;
     * 1 invalid; 2 valid; 3 valid and solved). One of them again is a record split by other lines,
     * and the same search: valid only when every part of it is. Records may come in any order (a
     * shuffled training set, a model's outputs written as they finish); only a record's own lines
     * must come together.
     */
    const seen = new Map<number, 0 | 1 | 2 | 3>();
    const flush = () => {
      if (group.length === 0) return;
      // A record's threads are checked together; one with no text leaves the others unchecked, each said so.
      const failed = group.find((g) => g.failed !== undefined);
      const unchecked = failed ? `${failed.where} has no text` : resumed;
      const issues = unchecked !== undefined ? [] : verifySequences(group.map((g) => g.seq), { countTokens: countTextTokens, solver });
      // The group is one search when it holds its root (a text alone is its own root): valid when every line is, solved when also the root's last line is.
      let allValid = true;
      let root: { solved: boolean } | undefined;
      for (const [k, g] of group.entries()) {
        const findings = [...g.findings];
        const joins = { record: g.record, thread: g.threadField };
        // The reference grades a search from its start: a line of the root thread, or a text alone.
        const top = g.seq.thread === undefined || g.seq.thread === 'root';
        if (g.failed !== undefined) {
          allValid = finish(g.where, [...findings, g.failed], { line: g.line, index: g.index, kind: 'sequence', reference: undefined, overWindow: 0, ...joins }, false) && allValid;
          if (top) root = { solved: false };
          continue;
        }
        if (unchecked !== undefined) findings.push(`not checked with its record's other sequences: ${unchecked}`);
        for (const i of issues) if (i.entry === k) findings.push(`${i.thread}${i.line ? ` line ${i.line}` : ''}: ${i.message}`);
        const name = sequenceName(g.seq);
        const overWindow = measure(g.where, name, g.seq.text, g.claimed, findings);
        const reference = grade && top ? referenceGrade(g.seq.text, g.seq.problem) : undefined;
        const solved = sequenceOutcome(g.seq.text) === 'solved';
        const valid = finish(g.where, findings, { line: g.line, index: g.index, kind: 'sequence', reference, overWindow, ...joins }, solved);
        allValid &&= valid;
        if (top && (g.seq.thread !== undefined || wholeSearch(g))) root = { solved: valid && solved };
      }
      const first = group[0]!;
      const record = typeof first.record === 'number' && first.seq.thread !== undefined ? first.record : undefined;
      const before = record === undefined ? 0 : (seen.get(record) ?? 0);
      if (before > 0) {
        // A later part of a search already counted: it stays one search, valid only when every part is.
        if (!allValid && before > 1) {
          sum.lineSearches.valid--;
          if (before === 3) sum.lineSearches.solved--;
          seen.set(record!, 1);
        }
      } else {
        if (root) tally(sum.lineSearches, allValid, root.solved);
        if (record !== undefined) seen.set(record, !root ? 0 : !allValid ? 1 : root.solved ? 3 : 2);
      }
      group = [];
      resumed = undefined;
      counted = new Map(); // memory stays flat over a sequences file
    };

    // A corpus file already found changed is read on past lines it cannot parse (one cut short
    // ends mid-line): each is a finding, and the rest of the corpus is still checked.
    const lines = changed
      ? readRecordsTolerant(file, (i) => {
          if (i.line === undefined) return;
          // A line skipped has a place (and a grade); a comma out of place in an array costs no record.
          const at = i.code === undefined ? { line: i.line, index: place++, kind: 'unreadable' as const, reference: undefined, overWindow: 0 } : undefined;
          finish(`${file}:${i.line}`, [i.message], at, false);
        })
      : readRecords(file);
    for await (const { value, line } of lines) {
      if (room) await room;
      room = undefined;
      index++;
      const at = place++;
      // In a JSON array (often one line) an element is also named by its place.
      // Numbered from 0, as a record is (`record 0`) and as its grade's `index` is.
      const item = sequenceItem(value, array ? `${file}:${line} element ${index - 1}` : `${file}:${line}`, line, at);
      if (item) {
        sum.sequenceLines++;
        if (stream) stream.lines++;
        const last = group[group.length - 1];
        const together = last !== undefined && item.seq.thread !== undefined && last.seq.thread !== undefined && item.record === last.record;
        if (!together) flush();
        // Lines with thread names are one record's threads; a line without is a search of its own,
        // whose `record` (several outputs of one problem, say) joins nothing.
        if (!together && item.seq.thread !== undefined && typeof item.record === 'number' && seen.has(item.record)) {
          // What came between, as it is: another record's thread line, or a line that is no record's thread.
          const between = last?.seq.thread === undefined ? 'a line without thread names' : last.record === undefined ? 'a line without "record"' : `record ${shownValue(last.record)}`;
          item.findings.push(`"record" ${item.record} after ${between}: a record's sequences come together`);
          // The record's earlier lines were checked as a search of their own (their spawns' children
          // missing); these are not (they would lack their root).
          resumed = `record ${item.record}'s lines are not together (another line comes between them)`;
        }
        group.push(item);
        continue;
      }
      flush();
      const where = `${file}:${line} record ${sum.records - recordsBefore}`;
      sum.records++;
      counted = new Map();
      const findings: string[] = [];
      let overWindow = 0;
      for (const i of verifyRecord(value, { countTokens: textTokens })) findings.push(issueText(i));
      const traceOk = findings.length === 0;
      const rec = value as Record<string, unknown>;
      if (rec && typeof rec === 'object' && (typeof rec.search_path === 'string' || hasTraceDict(rec))) {
        for (const t of threadsOf(recordTraceDict(rec))) t.dict.main_calls.forEach((text, k) => {
          sum.recordSequences++;
          overWindow += measure(where, `${t.name}#${k}`, text, undefined, findings);
        });
        // Default-mode records carry thread figures: they must be the text's (as stats counts
        // them). Recounted only from a sound trace: a broken trace_dict has its findings already.
        const wrong = (traceOk && figureFieldFaults(rec, () => recordFigures(rec, textTokens))) || [];
        if (wrong.length > 0) findings.push(`record: figure fields disagree with the text: ${wrong.join(', ')}`);
        const tokens = traceOk ? tokenFieldDisagreements(rec, textTokens) : [];
        if (tokens.length > 0) findings.push(`record: token fields disagree with the text: ${tokens.join(', ')}`);
      }
      const searched = rec !== null && typeof rec === 'object' && isSearchRecord(rec);
      // Solved is read from a sound record only: a broken trace has its findings, and no text to read.
      const solved = searched && findings.length === 0 && recordSolved(rec);
      if (stream) {
        stream.records++;
        if (solved) stream.solved++;
      }
      const text = grade && searched ? searchText(rec) : undefined;
      const reference = text === undefined ? undefined : referenceGrade(text, isNumberList(rec.nums) && typeof rec.target === 'number' ? { nums: rec.nums, target: rec.target } : undefined);
      const valid = finish(where, findings, { line, index: at, kind: 'record', reference, overWindow }, solved);
      if (searched) tally(sum.recordSearches, valid, solved);
    }
    flush();
    if (room) await room;
    room = undefined;
    // Said, not failed: --fit drop can leave a file empty (a corpus's manifest vouches for its files).
    if (index === 0) {
      sum.emptyFiles++;
      job.report(`${file}: no records`);
    }
  }
  // A finished corpus's stats.json (its card's figures) against what its files hold.
  for (const c of corpora) {
    for (const fault of statsFaults(c.path, c.counts)) {
      sum.statsFaults++;
      job.report(fault);
    }
  }
  return sum;
}

/** The summary `verify` ends with: what was read, what was found, against which windows. */
export function verifySummaryLine(sum: VerifySummary): string {
  const measured = [...sum.windows].filter((w) => w > 0);
  const window =
    measured.length === 0 ? '' : `, ${fmtInt(sum.overflows)} over the ${measured.length === 1 ? `${fmtInt(measured[0]!)}-token window` : `windows of their inputs (${measured.map(fmtInt).join(', ')} tokens)`}`;
  const nFiles = (n: number) => plural(n, 'file');
  const changed =
    (sum.changedFiles > 0 ? `; ${nFiles(sum.changedFiles)} not as the manifest says` : '') +
    (sum.statsFaults > 0 ? `; ${plural(sum.statsFaults, 'figure')} of stats.json not as the files hold` : '') +
    (sum.emptyFiles > 0 ? `; ${nFiles(sum.emptyFiles)} without records` : '');
  // Read from records and from sequence lines alike (a corpus's), a sequence is measured once in each.
  const lineSequences = sum.sequences - sum.recordSequences;
  const both = sum.recordSequences > 0 && lineSequences > 0 ? ` (${fmtInt(sum.recordSequences)} in records, ${fmtInt(lineSequences)} as lines)` : '';
  return (
    `verified ${plural(sum.records, 'record')}${sum.sequenceLines > 0 ? ` and ${plural(sum.sequenceLines, 'sequence line')}` : ''} in ${nFiles(sum.files)}: ` +
    `${fmtInt(sum.badRecords)} with issues (${plural(sum.issues, 'issue')}), ${plural(sum.sequences, 'sequence')}${both}${window}${changed}`
  );
}

/**
 * What a grader quotes, printed before the summary: of the searches read, how many are valid
 * and how many solved (a search record; a text alone, or a record's sequence lines together).
 * Undefined when no search was read.
 */
export function verifySearchesLine(sum: VerifySummary): string | undefined {
  const share = (n: number, of: number) => `${fmtInt(n)} (${percent(n, of)}%)`;
  const part = (t: SearchTally, what: string, whats?: string, after = '') => `${plural(t.searches, what, whats)}${after}: ${share(t.valid, t.searches)} valid, ${share(t.solved, t.searches)} solved`;
  const parts: string[] = [];
  if (sum.recordSearches.searches > 0) parts.push(part(sum.recordSearches, 'search record'));
  if (sum.lineSearches.searches > 0) parts.push(part(sum.lineSearches, 'search', 'searches', ' as sequence lines'));
  return parts.length > 0 ? `graded ${parts.join('; ')}` : undefined;
}

/** Whether `verify` fails (exit 1): a record with issues, a corpus file not as its manifest says or a figure of its stats.json not as its files hold, or with `strict` a sequence over the window. */
export function verifyFailed(sum: VerifySummary, strict: boolean): boolean {
  return sum.badRecords > 0 || sum.changedFiles > 0 || sum.statsFaults > 0 || (strict && sum.overflows > 0);
}

/** A file verify reads: whether its manifest found it changed, and the stream of a corpus it counts toward. */
interface FileToRead {
  readonly file: string;
  readonly changed: boolean;
  readonly stream?: StreamCount;
  /** A corpus's sequences file: the solver its config names, whose grammar its texts are held to. */
  readonly solver?: SearchKind;
}

/** What a corpus's data files hold of one stream (`config/split`): records, solved search records, lines of a sequences file. */
interface StreamCount {
  records: number;
  solved: number;
  lines: number;
}

/**
 * The headline figures of a corpus's stats.json (what its card shows) against what its data
 * files hold: problems per split, records, solved records and sequences per solver. A
 * stats.json missing, changed or not a regular file is named already (the manifest lists it);
 * one that does not parse is left to that. A pipe in its place is never opened (it would block).
 */
function statsFaults(dir: string, counts: ReadonlyMap<string, StreamCount>): string[] {
  const path = join(dir, STATS);
  let doc: { records?: Record<string, unknown>; sequences?: Record<string, unknown>; solve_rate?: Record<string, { solved?: unknown }> };
  try {
    doc = JSON.parse(readRegularFile(path)?.toString('utf8') ?? '') as typeof doc;
  } catch {
    return [];
  }
  const held = (key: string, what: keyof StreamCount) => counts.get(key)?.[what] ?? 0;
  const checks: Array<[string, unknown, number]> = [];
  for (const [name, split] of [['train', 'train'], ['val', 'validation']] as const) {
    if (doc.records?.[name] !== undefined) checks.push([`${name} problems`, doc.records[name], held(`problems/${split}`, 'records')]);
  }
  for (const [solver, rate] of Object.entries(doc.solve_rate ?? {})) {
    checks.push([`${solver} records`, doc.records?.[solver], held(`${solver}/train`, 'records')]);
    checks.push([`${solver} solved`, rate?.solved, held(`${solver}/train`, 'solved')]);
    checks.push([`${solver} sequences`, doc.sequences?.[solver], held(`${solver}_sequences/train`, 'lines')]);
  }
  return checks.filter(([, says, holds]) => says !== holds).map(([what, says, holds]) => `${path}: says ${what} ${shownValue(says)}; its files hold ${holds}`);
}
