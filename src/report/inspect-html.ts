import { judgedWindowOf, loadRecord, recordFaults, type InspectSource } from '../pipeline/inspect-job.js';
import { InputError, oneLine, warn } from '../io/errors.js';
import { checkOutputs } from '../pipeline/paths.js';
import { DEFAULT_WINDOW } from '../pipeline/settings.js';
import { solutionExpression } from '../serializers/expression.js';
import { fieldWarnings, finalOperations, isProblemRecord, minMedianMax, overWindow, recordFigures, searchFacts, unverified } from '../serializers/record-view.js';
import { countTextTokens, textTokensOf } from '../tokens/llama.js';
import { escapeHtml as esc, jsonForScript, pageOpening, writePage } from './page-text.js';
import { allLanes, recordLanes, type LaneItem, type NodeBox, type ThreadLane } from './thread-lanes.js';
import { fmtInt, plural } from '../io/numbers.js';

/**
 * `inspect --html`: one problem's search drawn as in the APR paper's first figure. The root
 * thread is a column of the nodes it expanded; where it spawns, its child threads stand side
 * by side, then the join gathers their results and the parent goes on. Each node shows its
 * numbers and the operation that made it; the solution path is highlighted; clicking a
 * thread shows its sequences with their token counts. One self-contained file.
 */

const STYLE = `
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 16px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; }
.facts { margin: 0 0 12px; color: #444; }
.facts b { color: #222; }
.warning { margin: 0 0 12px; color: #8a4b00; }
.legend { font-size: 12px; color: #555; margin-bottom: 12px; }
.legend span { display: inline-block; padding: 1px 6px; margin-right: 8px; border-radius: 3px; }
main { display: flex; align-items: flex-start; gap: 16px; }
#drawing { overflow-x: auto; flex: 1 1 auto; padding-bottom: 12px; }
.lane { border: 1px solid #b9c6d6; border-radius: 6px; background: #f7f9fc; padding: 6px; min-width: 150px; cursor: pointer; }
.lane.level-1 { background: #fbf8f1; border-color: #d8c9a5; }
.lane.level-2 { background: #f5fbf4; border-color: #b5d3ad; }
.lane.level-3 { background: #f3f6fb; border-color: #a9bcd8; }
.lane.selected { box-shadow: 0 0 0 3px #6b8fd6; }
.lane-head { font-weight: 600; font-size: 12px; margin-bottom: 6px; display: flex; justify-content: space-between; gap: 8px; }
.lane-head .meta { font-weight: 400; color: #666; }
.items { display: flex; flex-direction: column; align-items: flex-start; gap: 4px; }
.node { border: 1px solid #9aa7b8; border-radius: 4px; background: #fff; padding: 3px 6px; min-width: 120px; }
.node .id { color: #888; font-size: 10px; }
.node .nums { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600; }
.node .op { font-family: ui-monospace, Menlo, Consolas, monospace; color: #345; font-size: 12px; }
.node .more { color: #777; font-size: 11px; }
.node .ends { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px; color: #999; }
.node .ends .goal { color: #1a7f2b; font-weight: 700; }
.on-path { border: 2px solid #e08a00 !important; background: #fff4df !important; }
.spawn { border-left: 3px solid #6b8fd6; padding: 4px 0 4px 8px; margin: 4px 0; }
.spawn > .label, .join > .label { font-size: 11px; font-weight: 700; color: #3d5fa8; text-transform: uppercase; letter-spacing: .04em; }
.kids { display: flex; align-items: flex-start; gap: 8px; margin-top: 4px; }
.join { border-left: 3px solid #3d5fa8; padding: 2px 8px; background: #eef2fb; border-radius: 0 4px 4px 0; }
.join .res { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px; }
.join .res.ok { color: #1a7f2b; }
.join .res.no { color: #888; }
.outcome { font-weight: 700; padding: 2px 6px; border-radius: 4px; }
.outcome.solved { color: #1a7f2b; background: #e5f5e8; }
.outcome.failed { color: #8a1f1f; background: #f8e6e6; }
.depth-1 { margin-left: 14px; } .depth-2 { margin-left: 28px; } .depth-3 { margin-left: 42px; } .depth-4 { margin-left: 56px; }
#thread-text { flex: 0 0 42%; max-width: 42%; position: sticky; top: 8px; max-height: calc(100vh - 24px); overflow: auto; border: 1px solid #ccc; border-radius: 6px; padding: 8px 12px; background: #fff; }
#thread-text[hidden] { display: none; }
#thread-text h2 { font-size: 15px; margin: 0 0 6px; }
#thread-text .seq-head { font-weight: 600; margin-top: 10px; }
#thread-text .over { color: #b00020; }
#thread-text pre { white-space: pre-wrap; font-size: 11px; background: #f6f6f6; padding: 6px; border-radius: 4px; margin: 4px 0; }
#close-text { float: right; cursor: pointer; }
`;

/** Shows the thread's sequences in the side panel; the data is embedded as JSON below. */
const SCRIPT = `
(() => {
  const threads = JSON.parse(document.getElementById('thread-data').textContent);
  const panel = document.getElementById('thread-text');
  const fmt = (n) => n.toLocaleString('en-US');
  function show(name) {
    const t = threads[name];
    if (!t) return;
    document.querySelectorAll('.lane.selected').forEach((el) => el.classList.remove('selected'));
    const lane = document.querySelector('.lane[data-thread="' + CSS.escape(name) + '"]');
    if (lane) lane.classList.add('selected');
    panel.replaceChildren();
    const close = document.createElement('button');
    close.id = 'close-text';
    close.textContent = 'close';
    close.addEventListener('click', (e) => { e.stopPropagation(); panel.hidden = true; });
    const h = document.createElement('h2');
    h.textContent = 'Thread ' + name + ' (from node #' + t.startNode + ')';
    const total = t.textTokens;
    const sum = document.createElement('p');
    sum.className = 'thread-summary';
    sum.textContent = t.sequences.length + ' sequence' + (t.sequences.length === 1 ? '' : 's') + ', ' + fmt(total) + ' text tokens in all; ' + (t.solved ? 'solved' : 'no solution');
    panel.append(close, h, sum);
    t.sequences.forEach((q, k) => {
      const head = document.createElement('div');
      head.className = 'seq-head';
      head.dataset.tokens = String(q.tokens);
      const fits = !window.INSPECT_WINDOW || q.tokens <= window.INSPECT_WINDOW;
      head.innerHTML = 'Sequence ' + (k + 1) + ' of ' + t.sequences.length + ': <span class="tokens">' + fmt(q.tokens) + ' tokens</span> with &lt;s&gt; and &lt;/s&gt;' + (fits ? '' : ' <span class="over">(over the ' + fmt(window.INSPECT_WINDOW) + '-token window)</span>');
      const pre = document.createElement('pre');
      pre.textContent = q.text;
      panel.append(head, pre);
    });
    panel.hidden = false;
    panel.scrollTop = 0;
  }
  document.getElementById('drawing').addEventListener('click', (e) => {
    const lane = e.target.closest('.lane');
    if (lane) show(lane.dataset.thread);
  });
})();
`;

export interface InspectPageOptions {
  /** Sequences over it are marked (0: none). */
  readonly window?: number;
  /** What verify finds in the record (a stored one), its first said as the text view's `warning` line says it. */
  readonly faults?: readonly string[];
}

/** The page, and what it says besides (its warnings, its thread count) for the terminal. */
interface InspectPage {
  readonly html: string;
  readonly warnings: readonly string[];
  readonly threads: number;
}

function inspectPage(record: Record<string, unknown>, opts: InspectPageOptions = {}): InspectPage {
  const window = opts.window ?? DEFAULT_WINDOW;
  const faults = opts.faults ?? [];
  const root = recordLanes(record);
  const lanes = allLanes(root);
  const onPath = new Set(root.solved ? root.path : []);
  const nums = Array.isArray(record.nums) ? (record.nums as number[]) : [];
  const target = record.target;
  const last = root.sequences[root.sequences.length - 1]?.text ?? '';
  const steps = root.solved ? finalOperations(last) : undefined;
  const expr = steps ? solutionExpression(nums, steps) : undefined;
  const figures = recordFigures(record, countTextTokens);
  // The text view's warnings: the record's first fault as verify finds it, and its figure and token fields against its text.
  const warnings = [...(faults.length > 0 ? [oneLine(unverified(faults))] : []), ...fieldWarnings(record, figures, countTextTokens)];
  const lengths = lanes.flatMap((l) => l.sequences.map((q) => q.tokens));
  const m = minMedianMax(lengths);
  const over = overWindow(lengths, window);
  const { searchType, settings: params } = searchFacts(record);
  const data = Object.fromEntries(lanes.map((l) => [l.name, { startNode: l.startNode, solved: l.solved, sequences: l.sequences, textTokens: laneTextTokens(l) }]));
  const title = `${nums.join(', ')} → ${String(target)}`;
  const html = `${pageOpening(`Search: ${title}`, STYLE)}
<h1>${esc(title)}</h1>
<p class="facts"><b>${esc(searchType)}</b>${params.length ? ` (${esc(params.join(', '))})` : ''} ·
<b id="outcome">${root.solved ? `solved: ${esc(expr ?? '(path unreadable)')}` : 'no solution found'}</b> ·
<span id="thread-count">${plural(lanes.length, 'thread')}</span> (${plural(lanes.length - 1, 'child thread')}), depth used <span id="depth">${figures.depth}</span> ·
<span id="tokens">${fmtInt(figures.totalTokens)} tokens in all, ${fmtInt(figures.sequentialTokens)} sequential</span> (text tokens; sequential: the longest path when child threads run in parallel) ·
<span id="sequences">${plural(lengths.length, 'sequence')} of ${fmtInt(m.min)} / ${fmtInt(m.median)} / ${fmtInt(m.max)} tokens</span> (min / median / max, with &lt;s&gt; and &lt;/s&gt;)${over > 0 ? ` (${fmtInt(over)} over the ${fmtInt(window)}-token window)` : ''}</p>
${warnings.map((w) => `<p class="warning">warning: ${esc(w)}</p>`).join('\n')}
<p class="legend"><span class="on-path">solution path</span>click a thread to read its text and token counts</p>
<main>
<div id="drawing">${laneHtml(root, onPath)}</div>
<aside id="thread-text" hidden></aside>
</main>
<script type="application/json" id="thread-data">${jsonForScript(data)}</script>
<script>window.INSPECT_WINDOW = ${window};${SCRIPT}</script>
</body>
</html>
`;
  return { html, warnings, threads: lanes.length };
}


/** A thread's text tokens, as the header counts them (each sequence's <s> and </s> left out), so the lanes add up to it. */
function laneTextTokens(lane: ThreadLane): number {
  return lane.sequences.reduce((s, q) => s + textTokensOf(q.tokens), 0);
}

function laneHtml(lane: ThreadLane, onPath: ReadonlySet<string>): string {
  const seqTokens = laneTextTokens(lane);
  const highlighted = lane.level > 0 && lane.solved && onPath.has(lane.startNode);
  // Three colours below the root, in turn: a thread never has its parent's.
  const cls = `lane level-${lane.level === 0 ? 0 : ((lane.level - 1) % 3) + 1}${highlighted ? ' on-path' : ''}`;
  const meta = `${lane.sequences.length} seq · ${fmtInt(seqTokens)} text tok`;
  return `<section class="${cls}" data-thread="${esc(lane.name)}" data-solved="${lane.solved}"><div class="lane-head"><span>${esc(lane.name)} <span class="meta">#${esc(lane.startNode)}</span></span><span class="meta">${meta}</span></div><div class="items">${lane.items.map((i) => itemHtml(i, onPath, lane)).join('')}</div></section>`;
}

function itemHtml(item: LaneItem, onPath: ReadonlySet<string>, lane: ThreadLane): string {
  switch (item.type) {
    case 'node':
      return nodeHtml(item.node, onPath);
    case 'spawn':
      return `<div class="spawn" data-children="${item.children.length}"><div class="label">spawn ${plural(item.children.length, 'thread')}</div><div class="kids">${item.children.map((c) => laneHtml(c, onPath)).join('')}</div></div>`;
    case 'join':
      return `<div class="join"><div class="label">join</div>${item.results
        .map((r) => `<div class="res ${r.solved ? 'ok' : 'no'}${r.solved && onPath.has(r.node) ? ' on-path' : ''}">${r.solved ? '✓' : '✗'} sub ${r.index} at #${esc(r.node)}</div>`)
        .join('')}</div>`;
    case 'outcome':
      return `<div class="outcome ${item.solved ? 'solved' : 'failed'}${item.solved && lane.level === 0 ? ' on-path' : ''}">${item.solved ? 'Goal reached' : 'No solution'}</div>`;
  }
}

function nodeHtml(node: NodeBox, onPath: ReadonlySet<string>): string {
  const cls = `node${onPath.has(node.id) ? ' on-path' : ''}${node.depth > 0 ? ` depth-${Math.min(node.depth, 4)}` : ''}`;
  const ends = node.ends.map((e) => (e.goal ? `<span class="goal">${esc(e.op)} ✓</span>` : `${esc(e.result)} ✗`)).join(' ');
  const more = node.generated.length > 0 ? `<div class="more">→ ${node.generated.length} kept</div>` : '';
  return `<div class="${cls}" data-node="${esc(node.id)}"><div class="id">#${esc(node.id)}</div><div class="nums">${esc(node.nums)}</div><div class="op">${esc(node.op ?? 'start')}</div>${more}${ends ? `<div class="ends">${ends}</div>` : ''}</div>`;
}

/** Loads the record `inspect` would show, writes its drawing to `out` and says so on stderr. */
export async function writeInspectPage(source: InspectSource, out: string): Promise<void> {
  checkOutputs(source.kind === 'record' ? [{ option: '--record', path: source.file }] : [], [{ option: '--html', path: out }]);
  const { record, line } = await loadRecord(source);
  // A problem record's search is yet to be made: the text view shows its solution.
  if (source.kind === 'record' && isProblemRecord(record)) {
    throw new InputError(source.file, line, 'a problem record holds no search to draw: inspect it without --html to see its solution, or draw its search with --nums and --target');
  }
  const page = inspectPage(record, { window: judgedWindowOf(source), faults: recordFaults(source, record) });
  writePage(out, page.html);
  if (out !== '-') process.stderr.write(`wrote ${out}: ${plural(page.threads, 'thread')}\n`);
  for (const w of page.warnings) warn(w);
}
