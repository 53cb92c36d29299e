import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The golden records live in shared/golden beside the checkout (never copied into it). */
export function goldenPath(name: string): string {
  const candidates = [join(repoRoot, '..', 'shared', 'golden', name), join(repoRoot, 'shared', 'golden', name)];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`golden file ${name} not found beside the checkout (shared/golden)`);
  return found;
}
