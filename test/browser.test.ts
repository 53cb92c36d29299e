import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threadTokens } from '../src/tokens/llama.js';
import { goldenPath, repoRoot } from './helpers.js';

/**
 * The report and the inspect page as a person sees them: opened in headless Chromium
 * (Debian's `chromium`), with no console error and no request leaving the file, the charts
 * and the thread drawing present with the expected counts. Screenshots go to
 * test-output/screenshots/ (not committed) for a human look.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const shots = join(repoRoot, 'test-output', 'screenshots');
const cli = join(repoRoot, 'dist', 'cli', 'main.js');
const hasChromium = existsSync(CHROMIUM);

if (!hasChromium && !process.env.CI) {
  console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);
}

interface Dict {
  main_calls: string[];
  sub_calls: Dict[][];
}

const threads = (d: Dict): number => 1 + d.sub_calls.flat().reduce((n, k) => n + threads(k), 0);

describe.skipIf(!hasChromium && !process.env.CI)('pages in headless Chromium', () => {
  let dir: string;
  let browser: Browser;

  function run(...args: string[]) {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`countdown-traces ${args.join(' ')} failed: ${r.stderr}`);
    return r;
  }

  /** Opens a page and collects everything that would make it look broken or leave the file. */
  async function open(file: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? ''})`));
    page.on('request', (r) => {
      if (!/^(file|data|about):/.test(r.url())) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(join(dir, file)).href, { waitUntil: 'load' });
    return { page, problems };
  }

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI is set but ${CHROMIUM} is missing: .ci/run must install Debian's chromium`);
    if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    dir = mkdtempSync(join(tmpdir(), 'ct-browser-'));
    mkdirSync(shots, { recursive: true });
    run('problems', '--count', '300', '--min-numbers', '3', '--max-numbers', '5', '--out', 'corpus/problems.jsonl');
    run('search', 'apr', '--problems', 'corpus/problems.jsonl', '--out', 'corpus/apr.jsonl');
    run('search', 'sosp', '--problems', 'corpus/problems.jsonl', '--out', 'corpus/sosp.jsonl');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('report: every chart drawn, the headline figures, nothing fetched', async () => {
    run('report', 'corpus', goldenPath('apr_s42_beam10_sub15_p0.9_on_problems_s42.jsonl'), '--label', 'fresh', '--label', 'golden', '--out', 'report.html');
    const { page, problems } = await open('report.html');
    const charts = await page.locator('figure.chart').evaluateAll((figs) => figs.map((f) => f.getAttribute('data-chart')));
    expect(charts).toEqual([
      'tokens-sosp',
      'tokens-apr',
      'problem-start-sizes',
      'problem-tokens-sosp',
      'problem-tokens-apr',
      'threads-apr',
      'solve-by-start-size',
      'tokens-by-start-size',
      'sequential-by-start-size',
      'solve-by-beam',
      'outcomes',
    ]);
    for (const id of charts) {
      const fig = page.locator(`figure[data-chart="${id}"]`);
      expect(await fig.locator('svg').count(), id).toBe(1);
      expect(await fig.locator('.mark-rect.role-mark path').count(), `${id} bars`).toBeGreaterThan(0);
      const box = await fig.locator('svg').boundingBox();
      expect(box!.width, `${id} drawn`).toBeGreaterThan(200);
    }
    // The window is marked once per corpus panel: both corpora hold APR, only one SoS+.
    for (const [id, panels] of [['tokens-sosp', 1], ['tokens-apr', 2]] as const) {
      expect(await page.locator(`figure[data-chart="${id}"] .mark-rule.role-mark line`).count(), id).toBe(panels);
    }
    // Two corpora side by side: one panel title each in the histograms, two columns in the table.
    expect(await page.locator('#headline thead th').allTextContents()).toEqual(['', 'fresh', 'golden']);
    const cell = async (section: string, label: string) =>
      page.locator(`#headline tbody[data-section="${section}"] tr`).filter({ has: page.locator('td', { hasText: new RegExp(`^${label}$`) }) }).locator('td.num').allTextContents();
    expect(await cell('Input', 'records')).toEqual(['900', '200']);
    expect(await cell('APR', 'records')).toEqual(['300', '200']);
    expect(await cell('Problems', 'problem records')).toEqual(['300', '0']);
    const aprSequences = readFileSync(join(dir, 'corpus', 'apr.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .reduce((n, l) => {
        const count = (d: Dict): number => d.main_calls.length + d.sub_calls.flat().reduce((k, c) => k + count(c), 0);
        return n + count((JSON.parse(l) as { trace_dict: Dict }).trace_dict);
      }, 0);
    expect((await cell('APR', 'sequences'))[0]).toBe(aprSequences.toLocaleString('en-US'));
    expect(await page.locator('#skipped').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'report.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('report with bad lines says how many were skipped', async () => {
    const good = readFileSync(join(dir, 'corpus', 'sosp.jsonl'), 'utf8').split('\n').slice(0, 20);
    writeFileSync(join(dir, 'bad.jsonl'), [...good.slice(0, 10), '{"broken": ', ...good.slice(10)].join('\n'));
    run('report', 'bad.jsonl', '--out', 'bad.html');
    const { page, problems } = await open('bad.html');
    await expect(page.locator('#skipped').getAttribute('data-skipped')).resolves.toBe('1');
    expect(await page.locator('#skipped').textContent()).toContain('bad.jsonl:11: not valid JSON');
    await page.screenshot({ path: join(shots, 'report-skipped.png') });
    expect(problems).toEqual([]);
  });

  it('inspect: threads side by side, the solution path, and a thread text on click', async () => {
    // A solved record whose root spawned children: the drawing the issue asks for.
    const lines = readFileSync(join(dir, 'corpus', 'apr.jsonl'), 'utf8').split('\n').filter(Boolean);
    const index = lines.findIndex((l) => {
      const r = JSON.parse(l) as { trace_dict: Dict; search_path: string };
      return r.trace_dict.sub_calls.length >= 2 && /equal: Goal Reached\n$/.test(r.search_path) && threads(r.trace_dict) <= 20;
    });
    expect(index).toBeGreaterThanOrEqual(0);
    const record = JSON.parse(lines[index]!) as { trace_dict: Dict; nums: number[] };
    run('inspect', '--record', `corpus/apr.jsonl:${index}`, '--html', 'inspect.html');
    const { page, problems } = await open('inspect.html');
    const d = record.trace_dict;
    expect(await page.locator('section.lane').count()).toBe(threads(d));
    expect(await page.locator('.spawn').count()).toBe(d.sub_calls.length);
    expect(await page.locator('.join').count()).toBe(d.sub_calls.length);
    // The path runs through one node per intermediate state: start size - 1 of them.
    expect(await page.locator('.node.on-path').count()).toBe(record.nums.length - 1);
    expect(await page.locator('#outcome').textContent()).toMatch(/^solved: .* = \d+$/);
    // Child threads of one spawn stand side by side.
    const kids = page.locator('.spawn').first().locator(':scope > .kids > section.lane');
    const boxes = await Promise.all((await kids.all()).slice(0, 2).map((k) => k.boundingBox()));
    if (boxes.length === 2) {
      expect(boxes[1]!.x).toBeGreaterThan(boxes[0]!.x);
      expect(Math.abs(boxes[1]!.y - boxes[0]!.y)).toBeLessThan(2);
    }
    await page.screenshot({ path: join(shots, 'inspect.png'), fullPage: true });

    expect(await page.locator('#thread-text').isVisible()).toBe(false);
    await page.locator('section.lane[data-thread="root.0"] > .lane-head').click();
    const panel = page.locator('#thread-text');
    expect(await panel.isVisible()).toBe(true);
    const child = d.sub_calls[0]![0]!;
    expect(await panel.locator('.seq-head').count()).toBe(child.main_calls.length);
    expect(await panel.locator('.seq-head').first().getAttribute('data-tokens')).toBe(String(threadTokens(child.main_calls[0]!)));
    expect(await panel.locator('.seq-head .tokens').first().textContent()).toBe(`${threadTokens(child.main_calls[0]!).toLocaleString('en-US')} tokens`);
    expect(await panel.locator('pre').first().textContent()).toBe(child.main_calls[0]);
    await page.screenshot({ path: join(shots, 'inspect-thread-text.png'), fullPage: true });

    await page.locator('section.lane[data-thread="root"] > .lane-head').click();
    expect(await panel.locator('.seq-head').count()).toBe(d.main_calls.length);
    expect(problems).toEqual([]);
  });
});
