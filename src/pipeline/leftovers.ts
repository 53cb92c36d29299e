import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Removes the files of `dir` that `pick` names and that nothing touched for `untouchedMs`:
 * what killed runs left beside an output or a lock. Only regular files (never a link, a
 * folder or a pipe at such a name), and never one `spare` names; any error leaves a file as
 * it is (gone meanwhile, or not ours to remove). A folder that cannot be read is left to the
 * caller's own open to report.
 */
export function removeLeftovers(dir: string, pick: (name: string) => boolean, untouchedMs: number, spare: (file: string) => boolean = () => false): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!pick(name)) continue;
    const file = join(dir, name);
    try {
      const st = lstatSync(file);
      if (st.isFile() && Date.now() - st.mtimeMs > untouchedMs && !spare(file)) rmSync(file, { force: true });
    } catch {
      // Gone meanwhile, or not ours to remove: left as it is.
    }
  }
}
