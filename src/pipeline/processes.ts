import { readFileSync, readlinkSync } from 'node:fs';

// Processes of this host, as the corpus lock and the temporary files of outputs judge them.

/** Whether a process runs: a zombie (killed, not yet reaped by its parent) answers signal 0 but holds nothing. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true; // no /proc: trust the signal
  }
}

/** When a process started (clock ticks since boot, from /proc), to tell a reused pid apart. */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * This process's pid namespace (Linux: `pid:[N]`), undefined where there is none to read. Two
 * containers can share a hostname (host networking) and not their processes: a pid is judged
 * alive or gone only within the namespace it was taken in.
 */
export function pidSpace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}
