import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeSystemError } from '../io/errors.js';
import { STDIO } from '../io/formats.js';

/** Which files of a folder hold records: by name, as the reader tells their forms apart. */

const RECORD_FILE = /\.(jsonl|json)(\.gz)?$/;

export const isRecordFileName = (name: string): boolean => RECORD_FILE.test(name);

/** The record files of a folder (any depth, sorted), skipping hidden entries. */
export function recordFilesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name.includes('.tmp-')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && isRecordFileName(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function isFolder(path: string): boolean {
  if (path === STDIO) return false;
  try {
    return statSync(path).isDirectory();
  } catch (err) {
    throw describeSystemError(err, `cannot read ${path}`) ?? err;
  }
}

