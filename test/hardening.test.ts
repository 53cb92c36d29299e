import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, linkSync, openSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { goldenPath, repoRoot } from './helpers.js';

/**
 * Issue 13 (hardening), through the built CLI: no input destroyed, no silent wrong output,
 * every fault one line and exit code 2.
 */

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
let dir: string;

/** Runs the CLI; `stdin`: a file to open as its standard input. */
function run(args: string[], stdin?: string) {
  const fd = stdin === undefined ? 'pipe' : openSync(p(stdin), 'r');
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, timeout: 45_000, stdio: [fd, 'pipe', 'pipe'] });
  if (typeof fd === 'number') closeSync(fd);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const p = (name: string) => join(dir, name);
const text = (name: string) => readFileSync(p(name), 'utf8');

/** A refused command: exit 2, exactly one line on stderr, no temporary file left. */
function expectRefused(r: ReturnType<typeof run>, mention: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^countdown-traces: /);
  expect(lines[0]).toMatch(mention);
  expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
}

const golden42 = () => goldenPath('problems_s42_n200_k4_t100.jsonl');

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  dir = mkdtempSync(join(tmpdir(), 'ct-hard-'));
  writeFileSync(p('in.jsonl'), readFileSync(golden42(), 'utf8').split('\n').slice(0, 20).join('\n') + '\n');
});

describe('nothing destroys an input', () => {
  beforeAll(() => {
    symlinkSync('in.jsonl', p('link.jsonl'));
    linkSync(p('in.jsonl'), p('hard.jsonl'));
    mkdirSync(p('shard'));
  });

  it.each([
    [['search', 'sosp', '--problems', 'in.jsonl', '--out', 'in.jsonl'], /--out in.jsonl is the same file as --problems in.jsonl/],
    [['search', 'apr', '--problems', 'in.jsonl', '--out', './in.jsonl'], /--out .\/in.jsonl is the same file as --problems in.jsonl/],
    [['search', 'apr', '--problems', 'in.jsonl', '--out', 'link.jsonl'], /--out link.jsonl is the same file as --problems/],
    [['search', 'apr', '--problems', 'link.jsonl', '--sequences-out', 'hard.jsonl', '--out', 'o.jsonl'], /--sequences-out hard.jsonl is the same file as --problems/],
    [['search', 'apr', '--problems', 'in.jsonl', '--out', 'x.jsonl', '--sequences-out', 'x.jsonl'], /--sequences-out x.jsonl and --out x.jsonl are the same file/],
    [['problems', '--exclude', 'in.jsonl', '--out', 'hard.jsonl'], /--out hard.jsonl is the same file as --exclude in.jsonl/],
    [['report', 'in.jsonl', '--out', 'in.jsonl'], /--out in.jsonl is the same file as input in.jsonl/],
    [['inspect', '--record', 'in.jsonl:0', '--html', 'link.jsonl'], /--html link.jsonl is the same file as --record in.jsonl/],
    [['merge', 'shard', '--out', './shard/'], /--out .\/shard\/ is the same file as shard folder shard/],
  ])('%j is refused before any work', (args, message) => {
    const before = text('in.jsonl');
    expectRefused(run(args), message);
    expect(text('in.jsonl')).toBe(before);
    expect(existsSync(p('x.jsonl'))).toBe(false);
    expect(existsSync(p('o.jsonl'))).toBe(false);
  });

  it('standard input is compared too, and devices may be named twice', () => {
    expectRefused(run(['search', 'sosp', '--problems', '-', '--out', 'hard.jsonl'], 'in.jsonl'), /--out hard.jsonl is the same file as --problems -/);
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', '/dev/null', '--sequences-out', '/dev/null']).code).toBe(0);
  });
});
