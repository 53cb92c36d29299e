import { replay, type Operator, type Step } from '../core/countdown.js';

interface Expr {
  readonly text: string;
  /** 3 for a number, 2 for * and /, 1 for + and -. */
  readonly prec: number;
}

const PREC: Record<Operator, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

/**
 * A solution as one arithmetic expression with the fewest parentheses, such as
 * `26 + (53 - 31) / 22 = 27`. Operands are matched by value, preferring the most recent
 * result, so equal numbers may swap places; the value is the same either way.
 */
export function solutionExpression(nums: readonly number[], steps: readonly Step[]): string | undefined {
  const check = replay(nums, steps);
  if (!check.ok || check.nums.length !== 1) return undefined;
  const pool: Array<{ value: number; expr: Expr }> = nums.map((n) => ({ value: n, expr: { text: String(n), prec: 3 } }));
  for (const s of steps) {
    const left = take(pool, s.left);
    const right = take(pool, s.right);
    if (!left || !right) return undefined;
    const p = PREC[s.op];
    const l = left.prec < p ? `(${left.text})` : left.text;
    const rightNeedsParens = right.prec < p || (right.prec === p && (s.op === '-' || s.op === '/'));
    const r = rightNeedsParens ? `(${right.text})` : right.text;
    pool.push({ value: s.result, expr: { text: `${l} ${s.op} ${r}`, prec: p } });
  }
  return `${pool[0]!.expr.text} = ${pool[0]!.value}`;
}

function take(pool: Array<{ value: number; expr: Expr }>, value: number): Expr | undefined {
  for (let k = pool.length - 1; k >= 0; k--) {
    if (pool[k]!.value === value) return pool.splice(k, 1)[0]!.expr;
  }
  return undefined;
}
