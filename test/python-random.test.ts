import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PythonRandom } from '../src/random/python.js';
import { choiceInRange, randint, shuffle } from '../src/random/rng.js';
import { goldenPath } from './helpers.js';

interface Vector {
  seed: number;
  random_x5: number[];
  randint_1_99_x10: number[];
  shuffle_range12: number[];
  choice_range_10_101_x5: number[];
  randint_1_10_x5: number[];
  getrandbits_5_x3: number[];
}

const vectors = (JSON.parse(readFileSync(goldenPath('python-random-vectors.json'), 'utf8')) as { vectors: Vector[] })
  .vectors;

describe('PythonRandom reproduces CPython 3.11 random.Random', () => {
  for (const v of vectors) {
    it(`seed ${v.seed}`, () => {
      const r = new PythonRandom(v.seed);
      expect(Array.from({ length: 5 }, () => r.random())).toEqual(v.random_x5);
      expect(Array.from({ length: 10 }, () => randint(r, 1, 99))).toEqual(v.randint_1_99_x10);
      const xs = Array.from({ length: 12 }, (_, i) => i);
      shuffle(r, xs);
      expect(xs).toEqual(v.shuffle_range12);
      expect(Array.from({ length: 5 }, () => choiceInRange(r, 10, 100))).toEqual(v.choice_range_10_101_x5);
      expect(Array.from({ length: 5 }, () => randint(r, 1, 10))).toEqual(v.randint_1_10_x5);
      expect(Array.from({ length: 3 }, () => r.getrandbits(5))).toEqual(v.getrandbits_5_x3);
    });
  }
});
