import { ByteText } from './bytes.js';

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

/** Python's `json.dumps(value)`. */
export function pyJson(value: PyJson): string {
  scratch.clear();
  writePyJson(scratch, value);
  return scratch.toString();
}

const scratch = new ByteText(1 << 12);

/** Appends `json.dumps(value)`: ASCII, so one byte a character. */
export function writePyJson(out: ByteText, value: PyJson): void {
  if (typeof value === 'string') return writePyString(out, value);
  if (typeof value === 'number') return out.text(Number.isInteger(value) ? pyInt(value) : pyFloatRepr(value));
  if (typeof value === 'boolean') return out.text(value ? 'true' : 'false');
  if (value === null) return out.text('null');
  if (value instanceof PyFloat) return out.text(pyFloatRepr(value.value));
  if (value instanceof PyRaw) return out.text(value.json);
  if (Array.isArray(value)) {
    out.text('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.text(', ');
      writePyJson(out, value[i] as PyJson);
    }
    return out.text(']');
  }
  out.text('{');
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (!first) out.text(', ');
    first = false;
    writePyString(out, k);
    out.text(': ');
    writePyJson(out, v);
  }
  out.text('}');
}

function pyInt(n: number): string {
  // Integral values beyond 2^53 are not exact anyway; print them without exponent.
  return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
}

/** Python's short escapes; every other control character is `\u00xx`. */
const SHORT_ESCAPES: Readonly<Record<number, number>> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72, 0x22: 0x22, 0x5c: 0x5c };
const HEX = '0123456789abcdef';

/**
 * Appends a JSON string literal with Python's escapes (ensure_ascii): short ones for the quote,
 * the backslash and five controls; every other UTF-16 code unit outside space..tilde as
 * `\uxxxx`, DEL included, and so a non-BMP character as its two surrogates.
 */
export function writePyString(out: ByteText, s: string): void {
  const n = s.length;
  out.reserve(6 * n + 2);
  let at = out.unsafeByteAt(out.length, 0x22);
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) {
      at = out.unsafeByteAt(at, c);
      continue;
    }
    at = out.unsafeByteAt(at, 0x5c);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) {
      at = out.unsafeByteAt(at, short);
      continue;
    }
    at = out.unsafeByteAt(at, 0x75);
    for (let shift = 12; shift >= 0; shift -= 4) at = out.unsafeByteAt(at, HEX.charCodeAt((c >> shift) & 15));
  }
  out.unsafeEnd(out.unsafeByteAt(at, 0x22));
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
