import { plural } from '../io/numbers.js';
import { basename, join, resolve } from 'node:path';
import { oneLine, UsageError } from '../io/errors.js';
import { CorpusStats, ISSUES_KEPT_PER_FILE, type FileSummary } from './collect.js';
import type { Input } from '../pipeline/inputs.js';
import { checkFile, covered, unreadable } from '../pipeline/corpus/integrity.js';
import { readRecordsTolerant, type ReadIssue } from '../records/read.js';
import { isSearchKind } from '../records/kind.js';
import { readRegularFile } from '../pipeline/corpus/files.js';
import { STATS } from '../pipeline/corpus/plan.js';
import { windowCutsOf, type WindowCuts } from '../pipeline/corpus/stats.js';
import { UNLISTED, unlistedFiles } from '../pipeline/corpus/manifest.js';

/** What a folder without a file to read holds none of. */
export const NO_RECORD_FILES = 'no record files (.jsonl, .json, either with .gz)';

/** One line for the terminal: `file:line: message`. */
export function formatIssue(i: ReadIssue): string {
  return i.line === undefined ? `${i.file}: ${i.message}` : `${i.file}:${i.line}: ${i.message}`;
}

/**
 * Where a corpus's warnings go, one line each. `noRecords` marks a file or folder found to hold
 * no record at all: the job holds such a line back until some input yields one, since a
 * command left with no record says so once, in its error (runStats, runReport).
 */
export type Warn = (line: string, noRecords?: boolean) => void;

/** The whole-file findings that say a file holds no record (an empty file, a JSON object). */
const holdsNoRecords = (issue: ReadIssue) => issue.code === 'empty' || issue.code === 'not-records';

/**
 * Reads one corpus: a record file, or the record files of a folder (readInput), judged
 * against the input's window. A folder's files are recognised by their records, so a file
 * whose first record is of no known kind (a stats file) is left out quietly; in a file named
 * on the command line every such line is skipped and reported.
 */
export async function gatherCorpus(input: Input, label: string, warn: Warn): Promise<CorpusStats> {
  const stats = new CorpusStats(label, input.window, input.kind === 'corpus' ? input.conditions : {});
  const folder = input.kind !== 'file';
  const files = input.files;
  if (folder && files.length === 0) {
    const issue = { file: input.path, message: `${NO_RECORD_FILES} in this folder` };
    stats.note(issue, undefined);
    warn(formatIssue(issue), true);
  }
  // A corpus's files as its manifest lists them: one changed since (cut short, a byte changed) is named.
  const listed = input.kind === 'corpus' ? input.listed : undefined;
  for (const file of files) {
    const summary: FileSummary = { path: file, lines: 0, skipped: 0, byKind: {} };
    stats.files.push(summary);
    const onIssue = (issue: ReadIssue) => {
      if (folder && issue.code === 'not-records') {
        summary.ignored = issue.message.replace(/; file skipped$/, '');
        return;
      }
      if (stats.note(issue, summary)) warn(formatIssue(issue), holdsNoRecords(issue));
    };
    const entry = listed?.get(file);
    // Its bytes against their SHA-256, as verify checks them (a digit changed in place kept the
    // size, and the figures changed without a word); a missing file or a pipe is refused below.
    const problem = entry === undefined ? undefined : await checkFile(file, covered(entry), 'the manifest');
    if (problem !== undefined && !unreadable(problem)) {
      onIssue({ file, message: `${problem}: the corpus changed since it was made, its figures are of what it holds now (verify names every such file)` });
    }
    // Every file must open, a folder's too: its records left out would make short figures look whole.
    for await (const { value, line } of readRecordsTolerant(file, onIssue)) {
      const reason = stats.add(value, summary);
      if (reason === undefined) continue;
      if (folder && summary.lines === 0 && summary.skipped === 0) {
        summary.ignored = `not a record file (line ${line}: ${reason})`;
        break;
      }
      onIssue({ file, line, message: `${reason}; line skipped` });
    }
    if (summary.skipped > ISSUES_KEPT_PER_FILE) warn(`${file}: ${plural(summary.skipped, 'line')} skipped in all`);
  }
  if (input.kind === 'corpus') {
    // What a trainer's load_dataset would load beside the listed files: these figures leave it out, and say so.
    for (const name of unlistedFiles(input.path, input.manifest)) warn(`${join(input.path, name)}: ${UNLISTED}; left out of these figures`);
    for (const [solver, cuts] of await readWindowCuts(input, warn)) if (isSearchKind(solver)) stats.search[solver].windowCuts = cuts;
  }
  return stats;
}

/**
 * What a corpus's stats.json says the window did to each solver's searches, read only when it
 * is as its manifest lists it (the figures come from nowhere else); otherwise named and left out.
 */
async function readWindowCuts(input: Extract<Input, { kind: 'corpus' }>, warn: (line: string) => void): Promise<Map<string, WindowCuts>> {
  const entry = input.manifest.files.find((f) => f.name === STATS);
  if (entry === undefined) return new Map();
  const path = join(input.path, STATS);
  const leftOut = (why: string) => {
    warn(`${path}: ${why}; the searches the window stopped are left out`);
    return new Map<string, WindowCuts>();
  };
  const problem = await checkFile(path, covered(entry), 'the manifest');
  if (problem !== undefined) return leftOut(problem);
  try {
    return windowCutsOf(JSON.parse(readRegularFile(path)?.toString('utf8') ?? ''));
  } catch (err) {
    if (err instanceof SyntaxError) return leftOut(`not valid JSON (${err.message})`);
    throw err;
  }
}

/** Names for the corpora: the given labels, else the shortest distinct tails of their paths. */
export function corpusLabels(paths: readonly string[], given: readonly string[] = []): string[] {
  if (given.length > 0 && given.length !== paths.length) {
    throw new UsageError(`--label: given ${plural(given.length, 'label')} for ${plural(paths.length, 'input')}`);
  }
  // A label goes to the terminal, the page and its charts: a control character is shown escaped
  // there, and labels are told apart as shown.
  const shown = given.map(oneLine);
  // Labels name the corpora side by side: an empty one or two alike would leave them unnamed.
  const empty = given.findIndex((l) => l.trim() === '');
  if (empty >= 0) throw new UsageError(`--label ${empty + 1} is empty: name each input`);
  const twice = shown.find((l, k) => shown.indexOf(l) !== k);
  if (twice !== undefined) throw new UsageError(`--label ${JSON.stringify(twice)} is given for two inputs (as shown): name each one apart`);
  if (shown.length > 0) return shown;
  const parts = paths.map((p) => (p === '-' ? ['stdin'] : resolve(p).split('/').filter(Boolean).map(oneLine)));
  for (let depth = 1; ; depth++) {
    const names = parts.map((ps) => ps.slice(-depth).join('/') || oneLine(basename(resolve('.'))));
    const longest = Math.max(...parts.map((ps) => ps.length));
    if (new Set(names).size === names.length || depth >= longest) return names;
  }
}
