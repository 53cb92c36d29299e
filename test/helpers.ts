import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordSettings } from '../src/pipeline/make-record.js';
import type { Conditioning } from '../src/serializers/token-costs.js';
import { defaultSearchOptions, type SearchOptions, type SolverName } from '../src/solver/strategies.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The reference's golden records, kept unedited in the repository (see their README for provenance). */
export const goldenDir = join(repoRoot, 'test', 'fixtures', 'golden');

export function goldenPath(name: string): string {
  const path = join(goldenDir, name);
  if (!existsSync(path)) throw new Error(`golden file ${name} is missing from test/fixtures/golden`);
  return path;
}

/**
 * Default-mode record settings for tests: the reference scripts' beams for the solver,
 * mult heuristic, root-only spawning, with `options` overrides.
 */
export function testSettings(
  solver: SolverName,
  window: number,
  options: Partial<SearchOptions> = {},
  condition: Conditioning = 'none',
  tokenFields = true,
): RecordSettings {
  return {
    options: { ...defaultSearchOptions(solver), ...options },
    window,
    condition,
    tokenFields,
  };
}
