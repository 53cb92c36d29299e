import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MadeSearch } from '../src/pipeline/make-record.js';
import { flagsReadBy, qualify, type PartialSettings, type RecordSettings } from '../src/pipeline/settings.js';
import type { Conditioning } from '../src/records/conditioning-prefix.js';
import type { ThreadFigures } from '../src/serializers/sequences.js';
import type { SolverName } from '../src/solver/registry.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The reference's golden records, kept unedited in the repository (see their README for provenance). */
export const goldenDir = join(repoRoot, 'test', 'fixtures', 'golden');

export function goldenPath(name: string): string {
  const path = join(goldenDir, name);
  if (!existsSync(path)) throw new Error(`golden file ${name} is missing from test/fixtures/golden`);
  return path;
}

/**
 * Default-mode record settings for tests, as `qualify` makes them for the flags: the
 * solver's defaults with those of `flags` it reads set, this window and conditioning.
 */
export function testSettings(
  solver: SolverName,
  window: number,
  flags: PartialSettings = {},
  condition: Conditioning = 'none',
  tokenFields = true,
): RecordSettings {
  // With no window, fit, depth and waves change nothing, and qualify refuses them.
  const { fit, maxDepth, wave, ...rest } = flagsReadBy(solver, flags);
  const planned = window > 0 ? { fit, maxDepth, wave } : {};
  return { ...qualify(solver, { ...rest, ...planned, window, condition }), tokenFields };
}

/** A record's figures: a test reads them of a record its settings counted tokens for (a window does). */
export function figuresOf(made: MadeSearch): ThreadFigures {
  if (!made.counted) throw new Error('the record was made without token counts, so without figures');
  return made.figures;
}

/** Every file under `dir`, as paths relative to it (sub-folders walked), sorted. */
export function treeFiles(dir: string, under = dir): string[] {
  return readdirSync(under, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? treeFiles(dir, join(under, e.name)) : [relative(dir, join(under, e.name))]))
    .sort();
}

/** Whether two files hold the same bytes, read in chunks (memory stays flat for large files). */
function sameBytes(a: string, b: string): boolean {
  if (statSync(a).size !== statSync(b).size) return false;
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  try {
    const ba = Buffer.alloc(1 << 20);
    const bb = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fa, ba, 0, ba.length, null);
      if (readSync(fb, bb, 0, bb.length, null) !== n || !ba.subarray(0, n).equals(bb.subarray(0, n))) return false;
      if (n === 0) return true;
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

/** Two folders hold the same files (names and sub-folders included), byte for byte; throws naming the first difference. */
export function expectSameTree(expected: string, actual: string): void {
  const names = treeFiles(expected);
  const got = treeFiles(actual);
  if (names.join('\n') !== got.join('\n')) {
    throw new Error(`${actual} holds [${got.join(', ')}], ${expected} holds [${names.join(', ')}]`);
  }
  for (const n of names) if (!sameBytes(join(expected, n), join(actual, n))) throw new Error(`${join(actual, n)} differs from ${join(expected, n)}`);
}
