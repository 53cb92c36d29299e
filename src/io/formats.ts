/** How a record file is laid out, from its name: `.jsonl`, `.json` (one array), `.gz` on either. */
export interface FileFormat {
  readonly array: boolean;
  readonly gzip: boolean;
}

export const STDIO = '-';

export function formatOf(path: string): FileFormat {
  const gzip = path.endsWith('.gz');
  const base = gzip ? path.slice(0, -3) : path;
  return { gzip, array: base.endsWith('.json') };
}
