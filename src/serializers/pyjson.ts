/**
 * JSON exactly as Python's `json.dumps(obj)` writes it with default settings: `", "` and
 * `": "` separators, ASCII-only strings, and floats in Python's repr (`1.0`, `2.5e-05`).
 * JavaScript numbers do not say whether they were ints or floats, so a float whose value
 * is integral is marked with `PyFloat`; any non-integral number prints as a float.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Text that is already JSON (for example a string literal escaped once and reused). */
export class PyRaw {
  constructor(readonly json: string) {}
}

export type PyJson =
  | string
  | PyRaw
  | number
  | boolean
  | null
  | PyFloat
  | readonly PyJson[]
  | { readonly [key: string]: PyJson | undefined };

export function pyJson(value: PyJson): string {
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number') return Number.isInteger(value) ? pyInt(value) : pyFloatRepr(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (value instanceof PyRaw) return value.json;
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ', ' : '') + pyJson(value[i] as PyJson);
    return out + ']';
  }
  let out = '{';
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out += (first ? '' : ', ') + pyString(k) + ': ' + pyJson(v);
    first = false;
  }
  return out + '}';
}

function pyInt(n: number): string {
  // Integral values beyond 2^53 are not exact anyway; print them without exponent.
  return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
}

const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;

/** A JSON string literal with Python's escapes (ensure_ascii). */
export function pyString(s: string): string {
  const json = JSON.stringify(s);
  return NON_ASCII.test(json)
    ? json.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16) {
    // Both languages print the shortest digits that round-trip; in this range neither uses
    // an exponent, and Python marks an integral float with `.0`.
    const s = String(x);
    return Number.isInteger(x) ? `${s}.0` : s;
  }
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac.length ? frac : '0'}`;
}
