/** Rules for values read back from a file or given as options: one place, so every reader judges them alike. */

import { UsageError } from '../io/errors.js';

/** A JSON object read from a file: not null, and not an array (which `typeof` calls an object too). */
export const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A count or index read from a file: a whole number from 0 up to 2^53. */
export const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * An integer as an option's value (or a `FILE:N` reference) writes it: plain decimal digits,
 * `0` or a first digit from 1 to 9, a minus before them for a negative one. Each reader's own
 * range refuses a minus where negatives mean nothing (`--seed -3: must be at least 0`).
 * Refused: a `+` sign and blanks (not how the number prints back), and a leading zero (`010`
 * is 8 to some tools, 10 to others, and `-0` is not the 0 it would print as).
 */
const INTEGER_TEXT = /^(0|-?[1-9]\d*)$/;

/**
 * How `text` breaks INTEGER_TEXT, as words after "expected an integer" (`without a leading
 * zero`); '' where it is no integer at all; undefined where it keeps the rule.
 */
export function integerTextFault(text: string): string | undefined {
  if (INTEGER_TEXT.test(text)) return undefined;
  if (text.trim() !== text && INTEGER_TEXT.test(text.trim())) return 'without blanks around it';
  if (/^\+\d+$/.test(text)) return 'without a + sign';
  if (/^-?0\d+$/.test(text)) return 'without a leading zero';
  if (text === '-0') return 'without a sign on 0';
  return '';
}

/** An integer option's value (the CLI's, a bench script's): its text as integerTextFault has it, then within min..max. */
export function integer(option: string, min = -Infinity, max = Infinity) {
  return (text: string): number => {
    const fault = integerTextFault(text);
    if (fault !== undefined) throw new UsageError(`${option}: expected an integer${fault && ` ${fault}`}, got "${text}"`);
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new UsageError(`${option}: ${text} is too large`);
    if (n < min) throw new UsageError(`${option}: must be at least ${min}, got ${n}`);
    if (n > max) throw new UsageError(`${option}: must be at most ${max}, got ${n}`);
    return n;
  };
}

/**
 * A decimal number as an option's value writes it (`0.5`, `12`, `1e-7` as JavaScript prints
 * small ones): JSON's number grammar, its whole part by INTEGER_TEXT. Refused as an integer
 * is: a `+` sign, blanks, a leading zero (`00.5`, `05`), a sign on 0 (`-0.0`); and a point
 * without a digit on each side (`.5`, `5.`), which neither JavaScript, Python nor JSON
 * prints. The fraction's digits are free (`0.50`), as is an exponent's sign and zeros
 * (`1e+21` is how JavaScript prints it, `1e-07` how Python does). Hex, `Infinity`, `1_000`:
 * no decimal at all.
 */
const DECIMAL_PARTS = /^([+-]?\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * How `text` breaks the decimal rule (DECIMAL_PARTS), as words after what was expected
 * (`without a leading zero`); '' where it is no decimal number at all; undefined where it keeps
 * the rule. A minus is part of the form, as an integer's: each reader's range refuses it.
 */
export function decimalTextFault(text: string): string | undefined {
  const parts = DECIMAL_PARTS.exec(text);
  if (!parts) return text.trim() !== text && decimalTextFault(text.trim()) === undefined ? 'without blanks around it' : '';
  const [, whole = '', fraction] = parts;
  if (!/\d/.test(whole)) return fraction ? 'with a 0 before its point' : '';
  // The whole part is an integer's text, but for a minus on 0 before a nonzero fraction (-0.5 is not 0).
  const wholeFault = whole === '-0' ? (/[1-9]/.test(fraction ?? '') ? undefined : 'without a sign on 0') : integerTextFault(whole);
  if (wholeFault !== undefined) return wholeFault;
  return fraction === '' ? 'with a digit after its point' : undefined;
}

/**
 * A size as an option writes it (`500MB`, `1.5 KiB`, `1234`): a number by the decimal rule
 * without a minus or an exponent, then a unit's letters after at most one space (`1.5 KiB`,
 * as `467 MB` is written), or none. The unit itself is the reader's to know.
 */
const SIZE_TEXT = /^([^\sA-Za-z]*)(?: ?([A-Za-z]+))?$/;

/** How `text` breaks SIZE_TEXT, as decimalTextFault words; '' where it is no size at all; undefined where it keeps the rule. */
export function sizeTextFault(text: string): string | undefined {
  const parts = SIZE_TEXT.exec(text);
  if (!parts) return text.trim() !== text && sizeTextFault(text.trim()) === undefined ? 'without blanks around it' : '';
  const [, number = ''] = parts;
  return number.includes('-') ? '' : decimalTextFault(number);
}

/**
 * A field's value quoted in a one-line message: its JSON, cut short; a number JSON cannot hold
 * (`1e400` reads as Infinity) by its name, where JSON.stringify would say null.
 */
export function shownValue(value: unknown): string {
  const json = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
