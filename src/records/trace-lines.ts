/**
 * The one reader of trace lines (docs/trace-format.md §5, §6 and the reference's optimal_path lines) and its
 * inverse. A line parses only when rendering the result gives the line back byte for byte,
 * so every accepted line is in the reference's canonical form. The verifier, inspect's
 * drawing and its summary all read lines here.
 */
import { parseStep, pyIntList, pyStrList, stepString, type Step } from '../core/countdown.js';

export type TraceLine =
  | { kind: 'state'; target: number; nums: number[]; ops: string[] }
  | { kind: 'explore'; step: Step; nums: number[] }
  | { kind: 'generated'; id: string; target: number; nums: number[]; step: Step }
  /** optimal_path's own node line: `Generated Node #2: [..] from Operation: ..` */
  | { kind: 'pathNode'; k: number; nums: number[]; step: Step }
  | { kind: 'move'; id: string }
  | { kind: 'goal'; value: number; target: number }
  | { kind: 'dead'; value: number; target: number }
  | { kind: 'subStart'; level: number; id: string }
  | { kind: 'subExit'; level: number }
  | { kind: 'subFailed' }
  | { kind: 'noSolution' }
  | { kind: 'callStart' }
  | { kind: 'spawn'; index: number; level: number; id: string }
  | { kind: 'callEnd' }
  | { kind: 'joinStart' }
  | { kind: 'joinGoal'; index: number; level: number; id: string }
  | { kind: 'joinNone'; index: number; level: number; id: string }
  | { kind: 'joinEnd' };

export type LineKind = TraceLine['kind'];

/** The line as the reference prints it (without its newline). */
export function renderLine(l: TraceLine): string {
  switch (l.kind) {
    case 'state':
      return `Current State: ${l.target}:${pyIntList(l.nums)}, Operations: ${pyStrList(l.ops)}`;
    case 'explore':
      return `Exploring Operation: ${stepString(l.step)}, Resulting Numbers: ${pyIntList(l.nums)}`;
    case 'generated':
      return `Generated Node #${l.id}: ${l.target}:${pyIntList(l.nums)} Operation: ${stepString(l.step)}`;
    case 'pathNode':
      return `Generated Node #${l.k}: ${pyIntList(l.nums)} from Operation: ${stepString(l.step)}`;
    case 'move':
      return `Moving to Node #${l.id}`;
    case 'goal':
      return `${l.value},${l.target} equal: Goal Reached`;
    case 'dead':
      return `${l.value},${l.target} unequal: No Solution`;
    case 'subStart':
      return `Start Sub Search at level ${l.level}: Moving to Node #${l.id}`;
    case 'subExit':
      return `Exit Sub Search at level ${l.level}`;
    case 'subFailed':
      return 'No solution found in sub search';
    case 'noSolution':
      return 'No solution found.';
    case 'callStart':
      return '<Calling Sub Searches>';
    case 'spawn':
      return `<Start Sub Search ${l.index} at level ${l.level}> Moving to Node #${l.id}`;
    case 'callEnd':
      return '<End Calling Sub Searches>';
    case 'joinStart':
      return '<Sub Searches>';
    case 'joinGoal':
      return `<Goal Reached in Sub Search ${l.index} at level ${l.level} at Node #${l.id}>`;
    case 'joinNone':
      return `<No Solution in Sub Search ${l.index} at level ${l.level} at Node #${l.id}>`;
    case 'joinEnd':
      return '<End Sub Searches>';
  }
}

const LIST = String.raw`(\[[^\]]*\])`;
const INDEX = '(?:0|[1-9]\\d*)';
const ID = `(${INDEX}(?:,${INDEX})*)`;
const STEP = String.raw`(\S+)`;

type Groups = ReadonlyArray<string | undefined>;
const RULES: ReadonlyArray<readonly [RegExp, (g: Groups) => TraceLine | undefined]> = [
  [new RegExp(String.raw`^Current State: (\d+):${LIST}, Operations: (\[.*\])$`), (g) => {
    const nums = intList(g[2]);
    const ops = opList(g[3]);
    return nums && ops && { kind: 'state', target: Number(g[1]), nums, ops };
  }],
  [new RegExp(`^Exploring Operation: ${STEP}, Resulting Numbers: ${LIST}$`), (g) => {
    const step = parseStep(g[1] ?? '');
    const nums = intList(g[2]);
    return step && nums && { kind: 'explore', step, nums };
  }],
  [new RegExp(String.raw`^Generated Node #${ID}: (\d+):${LIST} Operation: ${STEP}$`), (g) => {
    const nums = intList(g[3]);
    const step = parseStep(g[4] ?? '');
    return nums && step && { kind: 'generated', id: g[1] ?? '', target: Number(g[2]), nums, step };
  }],
  [new RegExp(String.raw`^Generated Node #(\d+): ${LIST} from Operation: ${STEP}$`), (g) => {
    const nums = intList(g[2]);
    const step = parseStep(g[3] ?? '');
    return nums && step && { kind: 'pathNode', k: Number(g[1]), nums, step };
  }],
  [new RegExp(`^Moving to Node #${ID}$`), (g) => ({ kind: 'move', id: g[1] ?? '' })],
  [/^(\d+),(\d+) equal: Goal Reached$/, (g) => ({ kind: 'goal', value: Number(g[1]), target: Number(g[2]) })],
  [/^(\d+),(\d+) unequal: No Solution$/, (g) => ({ kind: 'dead', value: Number(g[1]), target: Number(g[2]) })],
  [new RegExp(String.raw`^Start Sub Search at level (\d+): Moving to Node #${ID}$`), (g) =>
    ({ kind: 'subStart', level: Number(g[1]), id: g[2] ?? '' })],
  [/^Exit Sub Search at level (\d+)$/, (g) => ({ kind: 'subExit', level: Number(g[1]) })],
  [/^No solution found in sub search$/, () => ({ kind: 'subFailed' })],
  [/^No solution found\.$/, () => ({ kind: 'noSolution' })],
  [/^<Calling Sub Searches>$/, () => ({ kind: 'callStart' })],
  [new RegExp(String.raw`^<Start Sub Search (\d+) at level (\d+)> Moving to Node #${ID}$`), (g) =>
    ({ kind: 'spawn', index: Number(g[1]), level: Number(g[2]), id: g[3] ?? '' })],
  [/^<End Calling Sub Searches>$/, () => ({ kind: 'callEnd' })],
  [/^<Sub Searches>$/, () => ({ kind: 'joinStart' })],
  [new RegExp(String.raw`^<Goal Reached in Sub Search (\d+) at level (\d+) at Node #${ID}>$`), (g) =>
    ({ kind: 'joinGoal', index: Number(g[1]), level: Number(g[2]), id: g[3] ?? '' })],
  [new RegExp(String.raw`^<No Solution in Sub Search (\d+) at level (\d+) at Node #${ID}>$`), (g) =>
    ({ kind: 'joinNone', index: Number(g[1]), level: Number(g[2]), id: g[3] ?? '' })],
  [/^<End Sub Searches>$/, () => ({ kind: 'joinEnd' })],
];

/** Parses one line (without its newline); undefined unless it is a canonical trace line. */
export function parseTraceLine(text: string): TraceLine | undefined {
  for (const [re, build] of RULES) {
    const m = re.exec(text);
    if (!m) continue;
    const line = build(m);
    return line !== undefined && renderLine(line) === text ? line : undefined;
  }
  return undefined;
}

/**
 * How a thread's text opens: an APR thread's `Moving to Node` line, if it starts with one, then
 * its first `Current State` line (`at`: that line's 0-based index; `state`: it parsed, when it
 * is one). Every thread starts so.
 */
export interface Opening {
  move: Extract<TraceLine, { kind: 'move' }> | undefined;
  at: 0 | 1;
  text: string | undefined;
  state: Extract<TraceLine, { kind: 'state' }> | undefined;
}

export function openingOf(text: string): Opening {
  const lines = text.split('\n', 2);
  const first = parseTraceLine(lines[0]!);
  const move = first?.kind === 'move' ? first : undefined;
  const at = move ? 1 : 0;
  const line = at === 1 ? parseTraceLine(lines[1] ?? '') : first;
  return { move, at, text: lines[at], state: line?.kind === 'state' ? line : undefined };
}

/**
 * Whether a text opens below its problem, as an APR child thread does: by moving to a node
 * other than #0 (every child thread opens so). A text that opens otherwise does not, whatever
 * its Current State lists: operations at the root are its fault, not a child's start.
 */
export function opensBelowProblem(text: string): boolean {
  const { move } = openingOf(text);
  return move !== undefined && move.id !== '0';
}

/** `[25, 36, 2]` → numbers (canonical spacing is enforced by the render check). */
function intList(text: string | undefined): number[] | undefined {
  if (text === undefined || text.length < 2) return undefined;
  const inner = text.slice(1, -1);
  if (inner === '') return [];
  const parts = inner.split(', ');
  return parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : undefined;
}

/** `['51-49=2', '25*2=50']` → the operation strings, each a valid step. */
function opList(text: string | undefined): string[] | undefined {
  if (text === undefined || text.length < 2) return undefined;
  const inner = text.slice(1, -1);
  if (inner === '') return [];
  if (!inner.startsWith("'") || !inner.endsWith("'") || inner.length < 2) return undefined;
  const ops = inner.slice(1, -1).split("', '");
  const steps = ops.map(parseStep);
  return steps.every((s) => s !== undefined) ? steps.map((s) => stepString(s!)) : undefined;
}
