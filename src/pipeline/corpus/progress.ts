import { fmtInt } from '../../io/numbers.js';

/**
 * Progress on stderr (never stdout): a bar per stage on a terminal, redrawn in place; a plain
 * status line every few seconds otherwise (logs, CI, Slurm output files); nothing at all
 * with `--quiet`.
 */
export interface StageProgress {
  update(done: number): void;
  finish(): void;
}

const REDRAW_MS = 100;
const STATUS_MS = 5000;
const BAR = 24;

export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (d > 0) return `${fmtInt(d)}d${String(h).padStart(2, '0')}h`;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

export class Progress {
  private readonly tty: boolean;

  constructor(
    private readonly quiet: boolean,
    private readonly out: NodeJS.WriteStream = process.stderr,
    /** The command that status lines start with. */
    private readonly command = 'corpus',
  ) {
    this.tty = Boolean(out.isTTY);
  }

  /** A line of its own (clears a bar being drawn). */
  note(text: string): void {
    if (this.quiet) return;
    this.always(text);
  }

  /** A line said even with --quiet (why a run stopped), over any progress bar. */
  always(text: string): void {
    this.out.write(this.tty ? `\r\x1b[K${text}\n` : `${text}\n`);
  }

  /**
   * Progress of one stage: `total` items (records, or what `unit` names per second), of which
   * `already` were done by an earlier run.
   */
  stage(label: string, total: number, already: number, unit = 'rec'): StageProgress {
    if (this.quiet) return { update: () => undefined, finish: () => undefined };
    const started = performance.now();
    let last = 0;
    let done = already;
    const line = (final: boolean): string => {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? (done - already) / seconds : 0;
      const eta = rate > 0 ? (total - done) / rate : Infinity;
      const pct = total === 0 ? 100 : (100 * done) / total;
      const tail = final ? `in ${fmtDuration(seconds)}` : `ETA ${fmtDuration(eta)}`;
      const counts = `${fmtInt(done)}/${fmtInt(total)}  ${fmtInt(rate)} ${unit}/s  ${tail}`;
      if (!this.tty) return `${this.command}: ${label} ${counts} (${pct.toFixed(1)}%)`;
      const fill = Math.round((BAR * pct) / 100);
      return `${label.padEnd(8)} [${'#'.repeat(fill)}${'-'.repeat(BAR - fill)}] ${counts}`;
    };
    return {
      update: (n: number) => {
        done = n;
        const now = performance.now();
        if (now - last < (this.tty ? REDRAW_MS : STATUS_MS)) return;
        last = now;
        this.out.write(this.tty ? `\r\x1b[K${line(false)}` : `${line(false)}\n`);
      },
      finish: () => {
        this.out.write(this.tty ? `\r\x1b[K${line(true)}\n` : `${line(true)}\n`);
      },
    };
  }
}

/** How long a job runs before lateStage shows its progress. */
const LATE_MS = 3000;

/**
 * Progress of a job that is usually over in seconds (`problems`): nothing until it has run
 * LATE_MS, then the stage's bar or status lines with the rate and the time left, so a count
 * that takes hours says so instead of running silently.
 */
export function lateStage(command: string, label: string, total: number): StageProgress {
  const started = performance.now();
  let stage: StageProgress | undefined;
  return {
    update: (done: number) => {
      if (stage === undefined) {
        if (performance.now() - started < LATE_MS) return;
        stage = new Progress(false, process.stderr, command).stage(label, total, done);
      }
      stage.update(done);
    },
    finish: () => stage?.finish(),
  };
}
