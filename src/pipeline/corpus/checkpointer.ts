import { writeCheckpoint, type Checkpoint, type StageState } from './checkpoint.js';
import type { Faults } from './faults.js';
import type { PartedFile } from './parts.js';
import type { StageName } from './plan.js';

/**
 * The checkpoint of a running corpus as it moves forward. A stage that stops or finishes
 * saves it at once (`save`); while a stage writes, `maybeSave` saves it in the background
 * every `--checkpoint-interval` seconds: the stage's files are flushed, then synced, then the
 * checkpoint replaced atomically, so it never describes bytes that are not durable. One
 * background save runs at a time, and its failure is thrown at the next call.
 */
export class Checkpointer {
  private cp: Checkpoint;
  private last = performance.now();
  /** Background saves so far (for the test fault points). */
  private saves = 0;
  private busy: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly dir: string,
    cp: Checkpoint,
    private readonly intervalMs: number,
    private readonly faults: Faults | undefined,
  ) {
    this.cp = cp;
  }

  /** The stages as last saved (or being saved). */
  get stages(): Checkpoint['stages'] {
    return this.cp.stages;
  }

  /** Saves the checkpoint with stage `name` as `state`; the caller has made its bytes durable. */
  async save(name: StageName, state: StageState): Promise<void> {
    await this.write({ ...this.cp.stages, [name]: state });
  }

  private async write(stages: Checkpoint['stages']): Promise<void> {
    this.cp = { ...this.cp, stages };
    await writeCheckpoint(this.dir, this.cp);
  }

  /** Waits for the background save, if one runs; throws its failure. */
  async settle(): Promise<void> {
    if (this.busy) await this.busy;
    if (this.failure) throw this.failure;
  }

  /**
   * Starts a background save of stage `name` if the interval has passed and none runs: its
   * files are flushed now (so `state()` describes them) and synced in the background.
   */
  async maybeSave(name: StageName, files: readonly PartedFile[], state: () => StageState): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.busy || performance.now() - this.last < this.intervalMs) return;
    for (const f of files) await f.flush();
    const stages = { ...this.cp.stages, [name]: state() };
    this.last = performance.now();
    this.faults?.at(`saving:${this.saves + 1}`);
    this.busy = (async () => {
      for (const f of files) await f.sync();
      await this.write(stages);
      this.faults?.at(`checkpoint:${++this.saves}`);
    })()
      .catch((err: unknown) => {
        this.failure = err;
      })
      .finally(() => {
        this.busy = undefined;
      });
  }
}
