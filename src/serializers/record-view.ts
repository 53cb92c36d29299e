import { parseStep, type Step } from '../core/countdown.js';
import { solutionExpression } from './expression.js';

/** One thread of a record as read back from its text: for `inspect` and reports. */
export interface ThreadView {
  /** `root`, `root.2`, `root.1.0` (child 2 of the root, ...). */
  readonly name: string;
  readonly level: number;
  /** The node the thread was handed (from its first `Moving to Node` line). */
  readonly startNode: string;
  /** Its sequences (the reference's main_calls); other searches have one. */
  readonly sequences: readonly string[];
  readonly solved: boolean;
  readonly children: readonly ThreadView[];
}

interface TraceDictLike {
  main_calls: string[];
  sub_calls: TraceDictLike[][];
}

/** The thread tree of a search record (APR trace_dict, or the single search_path). */
export function threadTree(record: Record<string, unknown>): ThreadView {
  const dict = record.trace_dict as TraceDictLike | undefined;
  if (dict && Array.isArray(dict.main_calls)) return fromDict(dict, 'root', 0);
  const path = typeof record.search_path === 'string' ? record.search_path : '';
  return { name: 'root', level: 0, startNode: '0', sequences: [path], solved: path.includes('Goal Reached'), children: [] };
}

function fromDict(d: TraceDictLike, name: string, level: number): ThreadView {
  const last = d.main_calls[d.main_calls.length - 1] ?? '';
  const first = /^Moving to Node #([\d,]+)/m.exec(d.main_calls[0] ?? '');
  const children: ThreadView[] = [];
  let k = 0;
  for (const group of d.sub_calls) for (const kid of group) children.push(fromDict(kid, `${name}.${k++}`, level + 1));
  return {
    name,
    level,
    startNode: first ? first[1]! : '?',
    sequences: d.main_calls,
    solved: /equal: Goal Reached/.test(last),
    children,
  };
}

export function allThreads(t: ThreadView): ThreadView[] {
  return [t, ...t.children.flatMap(allThreads)];
}

/**
 * The operations of the final solution in a trace: the last `Goal Reached` line closes it,
 * the `Exploring Operation` line just before it is the last one, and the nearest `Current
 * State` line above that (the node it expanded) lists the earlier ones. In SoS+ and APR that
 * line is right above; BFS and DFS print the node's other children between them.
 */
export function finalOperations(text: string): Step[] | undefined {
  const lines = text.split('\n');
  let goal = -1;
  for (let k = lines.length - 1; k >= 0; k--) {
    if (/ equal: Goal Reached$/.test(lines[k]!)) {
      goal = k;
      break;
    }
  }
  if (goal < 0) return undefined;
  const explore = /^Exploring Operation: (\S+), Resulting Numbers/.exec(lines[goal - 1] ?? '');
  let at = goal - 2;
  while (at >= 0 && !lines[at]!.startsWith('Current State: ')) at--;
  const state = /^Current State: \d+:\[[^\]]*\], Operations: \[(.*)\]$/.exec(lines[at] ?? '');
  if (!explore || !state) return undefined;
  const earlier = state[1] === '' ? [] : state[1]!.split(', ').map((s) => s.replace(/'/g, ''));
  const steps = [...earlier, explore[1]!].map(parseStep);
  return steps.every((s) => s !== undefined) ? (steps as Step[]) : undefined;
}

const lineCount = (text: string) => text.split('\n').filter((l) => l !== '').length;

/** A readable summary of a record: problem, outcome, the solution and the thread tree. */
export function describeRecord(record: Record<string, unknown>, full: boolean, tokens?: (text: string) => number): string {
  const nums = record.nums as number[];
  const target = record.target as number;
  const out: string[] = [];
  out.push(`problem   ${nums.join(', ')} -> ${target} (${nums.length} numbers)`);
  const kind = typeof record.search_type === 'string' ? record.search_type : 'problem';
  const params = [
    kind,
    record.beam_size !== undefined ? `beam ${record.beam_size}` : undefined,
    record.sub_call_beam_size !== undefined ? `child beam ${record.sub_call_beam_size}` : undefined,
    record.promising_threshold !== undefined ? `promising ${record.promising_threshold}` : undefined,
    record.heuristic !== undefined ? `heuristic ${record.heuristic}` : undefined,
  ].filter(Boolean);
  out.push(`search    ${params.join(', ')}`);
  if (kind === 'problem' && record.search_path === undefined && record.trace_dict === undefined) {
    const steps = Array.isArray(record.solution) ? record.solution.map((s) => (typeof s === 'string' ? parseStep(s) : undefined)) : [];
    const expr = steps.length > 0 && steps.every((s) => s !== undefined) ? solutionExpression(nums, steps as Step[]) : undefined;
    out.push(`solution  ${expr ?? '(none given)'}`);
    if (full && typeof record.optimal_path === 'string') out.push('', '=== optimal_path ===', record.optimal_path.trimEnd());
    return out.join('\n') + '\n';
  }
  const tree = threadTree(record);
  const path = tree.sequences[tree.sequences.length - 1] ?? '';
  const steps = record.search_path !== undefined ? finalOperations(path) : undefined;
  const expr = steps ? solutionExpression(nums, steps) : undefined;
  const rating = typeof record.rating === 'number' ? `, rating ${record.rating}` : '';
  out.push(`outcome   ${tree.solved ? `solved: ${expr ?? '(path unreadable)'}` : 'no solution found'}${rating}`);
  const threads = allThreads(tree);
  out.push(`threads   ${threads.length} (${threads.length - 1} child threads), ${threads.reduce((n, t) => n + t.sequences.length, 0)} sequences`);
  for (const t of threads) {
    const indent = '  '.repeat(t.level + 1);
    const seqs = `${t.sequences.length} sequence${t.sequences.length === 1 ? '' : 's'}`;
    const lines = t.sequences.reduce((n, s) => n + lineCount(s), 0);
    const tok = tokens ? `, longest ${Math.max(...t.sequences.map(tokens))} tokens` : '';
    out.push(`${indent}${t.name.padEnd(10)} from #${t.startNode.padEnd(8)} ${seqs}, ${lines} lines${tok}, ${t.solved ? 'solved' : 'no solution'}`);
  }
  if (full) {
    for (const t of threads) {
      t.sequences.forEach((s, k) => {
        const tok = tokens ? `, ${tokens(s)} tokens` : '';
        out.push('', `=== ${t.name}, sequence ${k + 1} of ${t.sequences.length} (${lineCount(s)} lines${tok}) ===`, s.trimEnd());
      });
    }
  }
  return out.join('\n') + '\n';
}
