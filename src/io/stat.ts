import { statSync, type Stats } from 'node:fs';

/**
 * What a path names (links followed); undefined when it names nothing, or nothing that can be
 * read: the caller decides what that means, and a later open names what is wrong.
 */
export function statOf(path: string | Buffer): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
