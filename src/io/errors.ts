/**
 * Errors the user can act on. The CLI prints their message as one line and exits 2; any
 * other error is a bug and keeps its stack.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A problem with an input file, located by file and (1-based) line when known. */
export class InputError extends UsageError {
  constructor(file: string, line: number | undefined, message: string) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
  }
}

/** One line naming what went wrong with a system call (ENOENT, EACCES, ENOSPC, ...). */
export function describeSystemError(err: unknown, what: string): UsageError | undefined {
  const e = err as NodeJS.ErrnoException;
  if (!e || typeof e.code !== 'string') return undefined;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EISDIR: 'is a folder',
    ERR_FS_EISDIR: 'is a folder', // Node's own code for rm on a folder
    ENOTDIR: 'a parent is not a folder',
    EROFS: 'read-only file system',
    EMFILE: 'too many open files',
    EBUSY: 'busy (in use, or a mount point)',
    ENAMETOOLONG: 'a name or path too long',
    ELOOP: 'too many levels of symbolic links',
    ENOTEMPTY: 'a folder that is not empty',
  };
  return new UsageError(`${what}: ${reasons[e.code] ?? e.message}`);
}

/** `--min-x a --max-x b` must not be inverted. */
export function ordered(minOption: string, min: number, maxOption: string, max: number): void {
  if (min > max) throw new UsageError(`${minOption} ${min} is larger than ${maxOption} ${max}`);
}

/**
 * A message as one line: line breaks and other control characters that a value, a file name
 * or a parser's quote of the input brought in are written as escapes (`\n`), so that every
 * error, warning and finding stays one line, as scripts reading the output expect.
 */
export function oneLine(text: string): string {
  return escapedControls(text, '');
}

/** Writes a line on stderr: what `say` and `warn` write with unless told otherwise. */
function toStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * Says a line as the tool: `countdown-traces: ` and the text, as it is, on stderr; every error,
 * warning and note the tool writes there begins so. `write` puts the line where something else
 * owns stderr (a progress bar clears itself first; commander's error output).
 */
export function say(text: string, write: (line: string) => void = toStderr): void {
  write(`countdown-traces: ${text}`);
}

/** Says a warning: `warning: ` and the text as one line (oneLine), as `say` says it. */
export function warn(text: string, write: (line: string) => void = toStderr): void {
  say(`warning: ${oneLine(text)}`, write);
}

/**
 * Control characters (C0, DEL and C1, whose CSI a terminal acts on) written as escapes
 * (`\n`, `\u001b`), but for those in `keep`: the one rule for showing them, on a terminal and
 * in a page (which keeps HTML's whitespace).
 */
export function escapedControls(text: string, keep: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    keep.includes(c) ? c : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
