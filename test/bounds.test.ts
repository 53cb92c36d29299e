import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers.js';

const bounds = join(repoRoot, 'dist', 'bench', 'bounds.js');

function run(...args: string[]) {
  if (!existsSync(bounds)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  const r = spawnSync(process.execPath, [bounds, ...args], { encoding: 'utf8', timeout: 45_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run bounds', () => {
  it("refuses a bad value in one line, exit 2, by the rule the CLI's flag of that name keeps", () => {
    for (const [args, message] of [
      [['--numbers', '5'], 'bounds: --window is required'],
      [['--numbers', '9', '--window', '1024'], 'bounds: --numbers: must be at most 6, got 9'],
      [['--numbers', '5', '--window', '1024', '--count', '0'], 'bounds: --count: must be at least 1, got 0'],
      [['--numbers', '5', '--window', '1024', '--depth', '99'], 'bounds: --depth: must be at most 8, got 99'],
      [['--numbers', '5', '--window', ' 1024'], 'bounds: --window: expected an integer without blanks around it, got " 1024"'],
      [['--numbers', '5', '--window', '5'], 'bounds: --window 5 is too small: the shortest complete thread needs 31 tokens'],
      [['--numbers', '5', '--window', '0'], 'bounds: --window 0: the planner plans only within a window; give one'],
      [['--numbers', '5', '--window', '1024', '--bogus', '1'], "bounds: Unknown option '--bogus'"],
    ] as const) {
      const r = run(...args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 2, stderr: `${message}\n` });
    }
  });

  it("leaves the planner's depth and wave to its defaults, and says them; its figures as io/numbers writes them", () => {
    const r = run('--numbers', '3', '--window', '1024', '--count', '2');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('3 numbers, seed 77, 2 problems, window 1,024, depth 3, wave 8');
    expect(run('--numbers', '3', '--window', '1024', '--count', '1').stdout.split('\n')[0]).toBe('3 numbers, seed 77, 1 problem, window 1,024, depth 3, wave 8');
  });
});
