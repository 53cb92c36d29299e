import { createHash } from 'node:crypto';

/**
 * The seal of the files a run trusts when it reads them back (the checkpoint, the manifest):
 * `seal`, the SHA-256 of the object's compact JSON without it, written as its last field. An
 * edit by hand then shows, whatever the file's layout; the data files have their own hashes.
 */
const sealOf = (value: object): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** The object with its seal (any seal it had replaced). */
export function sealed<T extends object>(value: T): Omit<T, 'seal'> & { readonly seal: string } {
  const { seal: _, ...rest } = value as T & { seal?: unknown };
  return { ...rest, seal: sealOf(rest) };
}

/** The object without its seal when the seal matches the rest; undefined when it does not, or is missing. */
export function unsealed<T extends object>(value: T): Omit<T, 'seal'> | undefined {
  const { seal, ...rest } = value as T & { seal?: unknown };
  return seal === sealOf(rest) ? rest : undefined;
}
