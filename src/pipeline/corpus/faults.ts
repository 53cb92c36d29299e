/**
 * Fault injection for tests: a run given `Faults` calls `at(point)` at these points, so a
 * test can kill a real run at exact places (mid-block, between a stage's renames and its
 * checkpoint, before the manifest, ...) rather than at whatever moment a timer hits. The
 * command line never passes any (test/kill-at.mjs does).
 *
 *   saving:<n>                 after the n-th periodic checkpoint is begun (its files flushed)
 *   checkpoint:<n>             after the n-th periodic checkpoint is durable
 *   record:<stage>:<i>         after record i (counted from the stage's first) is handed to its files
 *   file:<config>/<split>:<n>  after file n of a split is opened, before a checkpoint knows it
 *   opened:<config>/<split>    after a split of a stage is opened (resuming: cut back to the
 *                              checkpoint, its renamed files taken back), before the stage's next split is
 *   sealed:<stage>             after the stage's files are all written and listed in the checkpoint,
 *                              before any is renamed
 *   renamed:<config>/<split>:<n>  after file n of a split gets its finished name (a stage's
 *                              first split is renamed whole before its second is begun)
 *   finish:<stage>             after the stage's files are renamed, before its checkpoint says so
 *   manifest                   after stats.json and the card, before manifest.json
 */
export type FaultPoint =
  | `saving:${number}`
  | `checkpoint:${number}`
  | `record:${string}:${number}`
  | `file:${string}:${number}`
  | `opened:${string}`
  | `sealed:${string}`
  | `renamed:${string}:${number}`
  | `finish:${string}`
  | 'manifest';

export interface Faults {
  at(point: FaultPoint): void;
  /**
   * After `at` at a record point: a promise given is awaited before the run goes on. Background
   * checkpoint saves need the event loop, so a test that waits for saves holds the run this way;
   * a synchronous pause in `at` would starve them.
   */
  hold?(point: `record:${string}:${number}`): Promise<void> | undefined;
}
