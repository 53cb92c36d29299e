import { constants } from 'node:os';

/**
 * The signals that stop a command cleanly, its unfinished outputs removed or checkpointed:
 * Ctrl-C, a scheduler's stop (Slurm, Kubernetes) and a closed terminal.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The exit code a shell reports for a signal: 128 plus its number (SIGINT 130, SIGTERM 143, SIGHUP 129). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/** Calls `handler` on each stop signal until the function it returns is called. */
export function onStopSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return () => {
    for (const s of STOP_SIGNALS) process.off(s, handler);
  };
}
