/**
 * A test hook: with `COUNTDOWN_TRACES_TEST_KILL=<point>` in the environment, the run sends
 * itself SIGKILL at that point, so tests can `kill -9` a real run at exact places (mid-block,
 * between a stage's renames and its checkpoint, before the manifest, ...) rather than at
 * whatever moment a timer hits. Points:
 *   checkpoint:<n>          after the n-th periodic checkpoint is durable
 *   record:<stage>:<i>      after record i (counted from the stage's first) is handed to its files
 *   file:<config>/<split>:<n>  after file n of a split is opened, before a checkpoint knows it
 *   finish:<stage>          after the stage's files are renamed, before its checkpoint says so
 *   manifest                after stats.json and the card, before manifest.json
 */
const POINT = process.env.COUNTDOWN_TRACES_TEST_KILL;

export const killArmed = POINT !== undefined && POINT !== '';

export function killPoint(point: string): void {
  if (point === POINT) process.kill(process.pid, 'SIGKILL');
}
