/**
 * What a closed standard output (`| head`) means for the command running: for most, only that
 * the reader has read enough (exit 0); for one whose exit code is its verdict (`verify`), that
 * the verdict was never reached, which may not pass for a clean run.
 */
export const stdoutRole: { verdictPending: string | undefined } = { verdictPending: undefined };
