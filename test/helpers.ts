import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordSettings } from '../src/pipeline/make-record.js';
import type { Conditioning } from '../src/serializers/token-costs.js';
import { defaultSearchOptions, type SearchOptions, type SolverName } from '../src/solver/strategies.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The golden records live in shared/golden beside the checkout (never copied into it). */
export function goldenPath(name: string): string {
  const candidates = [join(repoRoot, '..', 'shared', 'golden', name), join(repoRoot, 'shared', 'golden', name)];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`golden file ${name} not found beside the checkout (shared/golden)`);
  return found;
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
