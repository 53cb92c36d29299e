/**
 * A field's value quoted in a one-line message: its JSON, cut short; a number JSON cannot hold
 * (`1e400` reads as Infinity) by its name, where JSON.stringify would say null.
 */
export function shownValue(value: unknown): string {
  const json = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
