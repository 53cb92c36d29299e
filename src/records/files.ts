import { isUtf8 } from 'node:buffer';
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { describeSystemError, UsageError } from '../io/errors.js';
import { statOf } from '../io/stat.js';
import { isRecordFileName, STDIO } from '../io/formats.js';

/**
 * The record files of a folder (any depth, each folder's entries sorted; folders behind links
 * after those reached by their own names), skipping hidden entries. Symbolic links are
 * followed, as a file or folder named on the command line is: a folder of links gathering
 * runs from elsewhere was read without them, its figures short with exit 0. A link is an
 * alias: one to a file or folder the walk reaches anyway (`latest.jsonl -> run-3.jsonl`, a
 * loop) is not read again. A broken link with a record file's name is kept, so that its
 * reader names it. (Two hard links reached by their own names are two names of equal
 * standing: the caller refuses them.) Entries go in byte order, whatever the locale. A folder
 * that cannot be listed, a record file or folder whose name is not UTF-8 (a path string
 * cannot reach it) and a record file's name on a pipe or device stop the walk with one line
 * naming them: their records would be missing from figures that look whole.
 */
export function recordFilesIn(dir: string): string[] {
  const files: Array<{ readonly path: string; readonly key: string | undefined; readonly linked: boolean }> = [];
  const walked = new Set<string>([identity(dir)!]);
  // Folders behind links wait until every folder reached by its own name is walked, so that a
  // file is read under its own name where it has one.
  const linkedFolders: string[] = [];
  const walk = (d: string, viaLink: boolean) => {
    for (const e of folderEntries(d)) {
      if (e.name[0] === 0x2e) continue; // hidden
      const name = e.name.toString('utf8');
      const link = e.isSymbolicLink();
      const kind = link ? linkedKind(Buffer.concat([Buffer.from(`${d}/`), e.name])) : e.isDirectory() ? 'folder' : e.isFile() ? 'file' : 'other';
      if (!isUtf8(e.name)) {
        // A record file or a folder (a link to one too) of such a name: its records cannot be read under it.
        if (isRecordFileName(name) || kind === 'folder') {
          throw new UsageError(`${join(d, name)}: a name that is not UTF-8 (U+FFFD shows its bytes), under which its records cannot be read; rename it`);
        }
        continue;
      }
      const p = join(d, name);
      if (kind === 'folder') {
        if (link) linkedFolders.push(p);
        else enter(p, viaLink);
      } else if ((kind === 'file' || kind === 'broken') && isRecordFileName(name)) {
        files.push({ path: p, key: kind === 'file' ? identity(p) : undefined, linked: link || viaLink });
      } else if (kind === 'other' && isRecordFileName(name)) {
        // A pipe or device could block the walk, or never end; a pipe named on the command line is read.
        throw new UsageError(`${p}: a record file's name on a pipe, socket or device, which a folder walk does not read; move it away (a pipe may be named on the command line)`);
      }
    }
  };
  const enter = (folder: string, viaLink: boolean) => {
    const key = identity(folder)!;
    if (walked.has(key)) return; // reached before (a loop, or a second way in)
    walked.add(key);
    walk(folder, viaLink);
  };
  walk(dir, false);
  for (let k = 0; k < linkedFolders.length; k++) enter(linkedFolders[k]!, true);
  // Files by their own names first; a link only when it leads to a file none of those is.
  const reached = new Set(files.filter((f) => !f.linked).map((f) => f.key));
  return files
    .filter((f) => {
      if (!f.linked || f.key === undefined) return true;
      if (reached.has(f.key)) return false;
      reached.add(f.key);
      return true;
    })
    .map((f) => f.path);
}

/** A folder's entries with their names' own bytes, in byte order. */
function folderEntries(d: string): Dirent<Buffer>[] {
  try {
    return readdirSync(d, { withFileTypes: true, encoding: 'buffer' }).sort((a, b) => Buffer.compare(a.name, b.name));
  } catch (err) {
    throw describeSystemError(err, `cannot read the folder ${d}`) ?? err;
  }
}

/** What a symbolic link leads to (its path as its own bytes). */
function linkedKind(path: Buffer): 'file' | 'folder' | 'other' | 'broken' {
  const st = statOf(path);
  return st === undefined ? 'broken' : st.isDirectory() ? 'folder' : st.isFile() ? 'file' : 'other';
}

/** A file's or folder's identity whatever the path to it (device and inode); undefined when it cannot be read. */
function identity(path: string): string | undefined {
  const st = statOf(path);
  return st && `${st.dev}:${st.ino}`;
}

export function isFolder(path: string): boolean {
  if (path === STDIO) return false;
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    throw describeSystemError(err, `cannot read ${path}`) ?? err;
  }
}

