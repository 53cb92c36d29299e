import { expect, it } from 'vitest';
import { counterAgreesOnRealTexts } from './counter-corpus.js';

it('the fast counter equals the full tokenizer on 25,000 real dfs thread texts', () => {
  const { checked, disagreement } = counterAgreesOnRealTexts('dfs', 25_000);
  expect(checked).toBeGreaterThanOrEqual(25_000);
  expect(disagreement).toBeUndefined();
}, 900_000);
