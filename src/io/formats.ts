/** How a record file is laid out, from its name: `.jsonl`, `.json` (one array), `.gz` on either. */
export interface FileFormat {
  readonly array: boolean;
  readonly gzip: boolean;
}

export const STDIO = '-';

/** By the name's ending, whatever its case (`A.JSON` is an array, as `a.json`: a name is not to mean two things). */
export function formatOf(path: string): FileFormat {
  const name = path.toLowerCase();
  const gzip = name.endsWith('.gz');
  const base = gzip ? name.slice(0, -3) : name;
  return { gzip, array: base.endsWith('.json') };
}

/** Whether a name is a record file's (`.jsonl`, `.json`, either with `.gz`), in any case as formatOf reads it: a folder walk reads these. */
export function isRecordFileName(name: string): boolean {
  return /\.jsonl?(\.gz)?$/i.test(name);
}
