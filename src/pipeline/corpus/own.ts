import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zlib, gunzipSync } from 'node:zlib';
import { CARD_START, isCard } from './card.js';
import { isOwnCheckpoint, LOCK_LEAD } from './checkpoint.js';
import { UsageError } from '../../io/errors.js';
import { formatOf } from '../../io/formats.js';
import { headOf, leads, readRegularFile } from './files.js';
import { isOwnBlocks, isOwnManifest } from './manifest.js';
import { BLOCKS, CARD, CHECKPOINT, LOCK, MANIFEST, PARTIAL, sequencesSolver, STATS } from './plan.js';
import { isOwnStats } from './stats.js';

/**
 * Whether a file at a name a run writes is this tool's, told by what it holds, never by its
 * name alone: `stats.json` and `blocks.json` are common names, and a run removes (`--force`)
 * or replaces what it takes for its own. A whole top file is the tool's when its content is
 * of the tool's shape, as every version wrote it (Judge.whole); a file being written
 * (`NAME.partial`, a data file) when it begins with the first bytes the tool writes there
 * (`lead`), or is cut short within them: an empty file among them, which holds nothing to lose.
 */
interface Judge {
  /** What the tool writes there, for a refusal. */
  readonly what: string;
  /** The first bytes every version of the tool wrote there. */
  readonly lead: string;
  /** Whether a whole file's text is the tool's. */
  readonly whole?: (text: string) => boolean;
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // not JSON: nothing tells whose it is
  }
}

const TOP: ReadonlyMap<string, Required<Judge>> = new Map([
  [MANIFEST, { what: 'a countdown-traces manifest', lead: '{\n  "format": "countdown-traces corpus ', whole: (t: string) => isOwnManifest(json(t)) }],
  [CHECKPOINT, { what: 'a countdown-traces checkpoint', lead: '{"format":', whole: (t: string) => isOwnCheckpoint(json(t)) }],
  [STATS, { what: "a countdown-traces corpus's stats", lead: '{\n  "records": {', whole: (t: string) => isOwnStats(json(t)) }],
  [BLOCKS, { what: "a countdown-traces shard's blocks", lead: '{"format":1,"streams":', whole: (t: string) => isOwnBlocks(json(t)) }],
  [CARD, { what: 'a countdown-traces card', lead: CARD_START, whole: isCard }],
]);

/** Every line of a records file (problems, search records) begins so; of a sequences file, SEQUENCES. */
const RECORDS: Judge = { what: 'a countdown-traces data file', lead: '{"nums": ' };
const SEQUENCES: Judge = { ...RECORDS, lead: '{"text": ' };
/** A lock: written whole (linked into place), or torn as an older version that wrote it in place left it. */
const LOCK_JUDGE: Judge = { what: 'a countdown-traces lock', lead: LOCK_LEAD };
/** Compressed bytes read of a gzip data file: enough for its first member's first line to show (its Huffman tables come first). */
const GZIP_HEAD = 1024;

/** A gzip file's first bytes; zlib takes a header cut short within them for one. */
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** What a gzip file's first bytes inflate to, as far as they go; undefined when they are no gzip. */
function inflated(bytes: Buffer): Buffer | undefined {
  if (!leads(bytes, GZIP_MAGIC)) return undefined;
  try {
    return gunzipSync(bytes, { finishFlush: zlib.Z_SYNC_FLUSH });
  } catch {
    return undefined;
  }
}

/** The judge of a name a run writes in its folder (a top file, or `config/...` a data file's), and whether it is a file being written. */
function judgeOf(rel: string): { judge: Judge; written: boolean } | undefined {
  if (rel === LOCK) return { judge: LOCK_JUDGE, written: true };
  const slash = rel.indexOf('/');
  if (slash >= 0) return { judge: sequencesSolver(rel.slice(0, slash)) ? SEQUENCES : RECORDS, written: true };
  const partial = rel.endsWith(PARTIAL);
  const judge = TOP.get(partial ? rel.slice(0, -PARTIAL.length) : rel);
  return judge && { judge, written: partial };
}

/**
 * Why the regular file `rel` of the folder `dir`, at a name a run writes, is not this tool's
 * (`which is not a countdown-traces checkpoint`); undefined when it is, or is gone.
 */
export function notOwn(dir: string, rel: string): string | undefined {
  const j = judgeOf(rel);
  if (!j) return undefined;
  const path = join(dir, rel);
  const { judge } = j;
  const own = (): boolean => {
    if (!j.written) {
      const bytes = readRegularFile(path);
      return bytes === undefined || judge.whole!(bytes.toString('utf8'));
    }
    const gz = rel !== LOCK && formatOf(rel.endsWith(PARTIAL) ? rel.slice(0, -PARTIAL.length) : rel).gzip;
    const head = headOf(path, gz ? GZIP_HEAD : Buffer.byteLength(judge.lead));
    if (head === undefined) return true;
    const text = gz ? inflated(head) : head;
    return text !== undefined && leads(text, judge.lead);
  };
  return own() ? undefined : `which is not ${judge.what}`;
}

/** Why a file in a run's way that is in the tool's form (notOwn finds no fault) is not the run's all the same. */
const NOT_WRITTEN = 'which this run did not write';

/**
 * The refusal of a file of the folder `dir` that is in a run's way and is not the run's, as
 * every such refusal words it: `DIR already holds REL, WHY, WHERE; move it away, or use
 * another --out`. WHY (unless given: `a link`) is what its content says (notOwn: `which is not
 * a countdown-traces data file`), or, a file in the tool's form, that this run did not write
 * it; WHERE is why it is in the way (`at a path a run writes`).
 */
export function notTheRuns(dir: string, rel: string, where: string, why?: string): UsageError {
  return new UsageError(`${dir} already holds ${rel}, ${why ?? notOwn(dir, rel) ?? NOT_WRITTEN}, ${where}; move it away, or use another --out`);
}

/**
 * Whether `dir` holds at `name` (a name a run writes, or its lock) a regular file that is this
 * tool's by its content (notOwn): so stats and report tell a run's checkpoint or lock from a
 * file of another's that has its name, as a run does.
 */
export function holdsOwn(dir: string, name: string): boolean {
  let st;
  try {
    st = lstatSync(join(dir, name));
  } catch {
    return false; // nothing there
  }
  return st.isFile() && notOwn(dir, name) === undefined;
}
