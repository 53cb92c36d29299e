import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeSystemError } from '../io/errors.js';
import { STDIO } from '../io/formats.js';

/** Which files of a folder hold records: by name, as the reader tells their forms apart. */

const RECORD_FILE = /\.(jsonl|json)(\.gz)?$/;

export const isRecordFileName = (name: string): boolean => RECORD_FILE.test(name);

/**
 * The record files of a folder (any depth, sorted), skipping hidden entries. Symbolic links are
 * followed, as a file or folder named on the command line is: a folder of links gathering
 * runs from elsewhere was read without them, its figures short with exit 0. A link to a
 * folder already being walked (a loop) is not walked again; a broken link with a record
 * file's name is kept, so that its reader names it.
 */
export function recordFilesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, walking: ReadonlySet<string>) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name.includes('.tmp-')) continue;
      const p = join(d, e.name);
      const kind = e.isSymbolicLink() ? linkedKind(p) : e.isDirectory() ? 'folder' : e.isFile() ? 'file' : 'other';
      if (kind === 'folder') {
        const key = folderKey(p);
        if (!walking.has(key)) walk(p, new Set([...walking, key]));
      } else if ((kind === 'file' || kind === 'broken') && isRecordFileName(e.name)) out.push(p);
    }
  };
  walk(dir, new Set([folderKey(dir)]));
  return out;
}

/** What a symbolic link leads to. */
function linkedKind(path: string): 'file' | 'folder' | 'other' | 'broken' {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'folder' : st.isFile() ? 'file' : 'other';
  } catch {
    return 'broken';
  }
}

/** A folder's identity whatever the path to it (device and inode). */
function folderKey(path: string): string {
  const st = statSync(path);
  return `${st.dev}:${st.ino}`;
}

export function isFolder(path: string): boolean {
  if (path === STDIO) return false;
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    throw describeSystemError(err, `cannot read ${path}`) ?? err;
  }
}

