import { mkdirSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Folders mkdirp made in this process, outermost first, for removeEmptyMadeFolders. */
const madeFolders: string[] = [];

/**
 * `mkdir -p` that fails instead of spinning: Node 20's recursive mkdirSync loops forever on
 * some paths it cannot create (under /proc, for one). The folders it makes are remembered, so
 * a write that then fails can take back those it left empty.
 */
export function mkdirp(dir: string): void {
  try {
    mkdirSync(dir);
    madeFolders.push(dir);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw err;
  }
  mkdirp(dirname(dir));
  try {
    mkdirSync(dir);
    madeFolders.push(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/**
 * Makes `dir` (mkdirp) and runs `make` there; once more when the folder went meanwhile: another
 * run's failed output may take back a folder both made at once (removeEmptyMadeFolders), between
 * this run's mkdir and its open.
 */
export function inFolder<T>(dir: string, make: () => T): T {
  mkdirp(dir);
  try {
    return make();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirp(dir);
    return make();
  }
}

/**
 * Removes the folders mkdirp made that are empty, innermost first: an output that failed leaves
 * no new folders behind. Never a folder it did not make, nor one that holds anything (another
 * output of the run, a file someone put there): rmdir refuses those, and they stay.
 */
export function removeEmptyMadeFolders(): void {
  for (let i = madeFolders.length - 1; i >= 0; i--) {
    try {
      rmdirSync(madeFolders[i]!);
      madeFolders.splice(i, 1);
    } catch {
      // Not empty, or not ours to judge any more: kept.
    }
  }
}
