import { describe, expect, it } from 'vitest';
import { PyFloat, pyFloatRepr, pyJson } from '../src/serializers/pyjson.js';

describe('Python-compatible JSON', () => {
  it('prints floats as Python repr does', () => {
    const cases: Array<[number, string]> = [
      [1, '1.0'],
      [0, '0.0'],
      [0.5, '0.5'],
      [0.9991319444444444, '0.9991319444444444'],
      [1e-5, '1e-05'],
      [2.170138888889106e-5, '2.170138888889106e-05'],
      [0.0001, '0.0001'],
      [123456789012345.6, '123456789012345.6'],
      [1e16, '1e+16'],
      [1.5e300, '1.5e+300'],
      [-0.25, '-0.25'],
      [3421.5, '3421.5'],
    ];
    for (const [x, s] of cases) expect(pyFloatRepr(x)).toBe(s);
  });

  it('uses Python separators and escapes', () => {
    expect(pyJson({ a: [1, 2], b: 'x\ny"', c: new PyFloat(0), d: [] })).toBe(
      '{"a": [1, 2], "b": "x\\ny\\"", "c": 0.0, "d": []}',
    );
    expect(pyJson('é')).toBe('"\\u00e9"');
  });
});
