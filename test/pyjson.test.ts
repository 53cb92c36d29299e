import fc from 'fast-check';
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
      [1234, '1234.0'],
      [0.00012, '0.00012'],
      [0.1 + 0.2, '0.30000000000000004'],
      [1e15, '1000000000000000.0'],
      [9999999999999998, '9999999999999998.0'],
      [-7.25e-5, '-7.25e-05'],
    ];
    for (const [x, s] of cases) expect(pyFloatRepr(x)).toBe(s);
  });

  it('uses Python separators and escapes', () => {
    expect(pyJson({ a: [1, 2], b: 'x\ny"', c: new PyFloat(0), d: [] })).toBe(
      '{"a": [1, 2], "b": "x\\ny\\"", "c": 0.0, "d": []}',
    );
    expect(pyJson('é')).toBe('"\\u00e9"');
  });

  it('escapes strings as json.dumps does (ensure_ascii), DEL and surrogates included', () => {
    // json.dumps("a\x7fb\x01\x08\u00e9\U0001F600\ud800\t\"\\/") in Python 3:
    expect(pyJson('a\x7fb\x01\x08\u00e9\u{1F600}\ud800\t"\\/')).toBe(String.raw`"a\u007fb\u0001\b\u00e9\ud83d\ude00\ud800\t\"\\/"`);
    // Any string: JSON.stringify's escapes, then every code unit from DEL up as \uxxxx.
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const model = JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        expect(pyJson(s)).toBe(model);
      }),
      { numRuns: 2000 },
    );
  });
});
