import { tokenBudgetBin } from '../serializers/conditioning.js';
import { type ReadPrefix } from '../records/conditioning-prefix.js';

/*
 * What a conditioning prefix's number must be (docs/trace-format.md §10), for sequence lines and for a
 * record's texts alike. Which prefix a thread may carry at all is the walk's check
 * (verify/thread.ts).
 */

/** `Token Budget: n` names the smallest bin its sequence fits; `tokens` counts it with `<s>` and `</s>`, prefix left out. */
export function tokenBudgetFault(prefix: ReadPrefix, tokens: number): string | undefined {
  const bin = tokenBudgetBin(tokens);
  return prefix.n === bin ? undefined : `Token Budget: ${prefix.n} but the sequence takes ${tokens} tokens (bin ${bin})`;
}

/**
 * `Sub Call Budget: n` stands before every sequence of the root or none, n its child threads:
 * a finding per root sequence (by its place in `roots`) that breaks it.
 */
export function subCallBudgetFaults(roots: readonly (ReadPrefix | undefined)[], children: number): Array<{ readonly at: number; readonly message: string }> {
  const budgets = roots.map((p) => (p?.mode === 'sub-call-budget' ? p : undefined));
  if (budgets.every((p) => p === undefined)) return [];
  return budgets.flatMap((p, at) =>
    p === undefined
      ? [{ at, message: "no Sub Call Budget here, though the root's other sequences have one" }]
      : p.n !== children
        ? [{ at, message: `Sub Call Budget: ${p.n} but the root has ${children} child threads` }]
        : [],
  );
}
