/*
 * The conditioning prefixes' text (docs/trace-format.md §10): the forms the writers print (src/serializers/
 * conditioning.ts says when and with which number) and their one reader. They live on the
 * read side so the record reader and verify can read a prefix without the writers.
 */

/** Conditioning prefixes the reference's models were trained with (docs/trace-format.md §10). */
export type Conditioning = 'none' | 'token-budget' | 'sub-call-budget';

/** `N` stands for the number where a document shows a prefix's form (prefixForm). */
export function tokenBudgetPrefix(bin: number | 'N'): string {
  return `Token Budget: ${bin} `;
}

export function subCallBudgetPrefix(children: number | 'N'): string {
  return `Sub Call Budget: ${children} `;
}

/** A mode's prefix with `N` for its number (`Token Budget: N `), for the dataset card. */
export function prefixForm(mode: Exclude<Conditioning, 'none'>): string {
  return mode === 'token-budget' ? tokenBudgetPrefix('N') : subCallBudgetPrefix('N');
}

/** A mode's prefix by its words (`Token Budget`), for messages. */
export const prefixName = (mode: Exclude<Conditioning, 'none'>): string => prefixForm(mode).replace(/: N $/, '');

/** A conditioning prefix read back from the front of a sequence. */
export interface ReadPrefix {
  readonly mode: Exclude<Conditioning, 'none'>;
  readonly n: number;
  /** Its characters, the space that ends it included. */
  readonly length: number;
}

/** Each mode's prefix as a pattern, made from the form the writers above print. */
const PREFIX_PATTERNS = (['token-budget', 'sub-call-budget'] as const).map((mode) => ({
  mode,
  pattern: new RegExp(`^${prefixForm(mode).replace(/N $/, '(0|[1-9]\\d*) ')}`),
}));

/** The conditioning prefix a sequence starts with (one at most: a second is text), or undefined. */
export function readPrefix(text: string): ReadPrefix | undefined {
  for (const { mode, pattern } of PREFIX_PATTERNS) {
    const m = pattern.exec(text);
    if (m) return { mode, n: Number(m[1]), length: m[0].length };
  }
  return undefined;
}
