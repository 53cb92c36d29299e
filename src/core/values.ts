/** Rules for values read back from a file or given as options: one place, so every reader judges them alike. */

/** A JSON object read from a file: not null, and not an array (which `typeof` calls an object too). */
export const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A count or index read from a file: a whole number from 0 up to 2^53. */
export const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * A field's value quoted in a one-line message: its JSON, cut short; a number JSON cannot hold
 * (`1e400` reads as Infinity) by its name, where JSON.stringify would say null.
 */
export function shownValue(value: unknown): string {
  const json = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
