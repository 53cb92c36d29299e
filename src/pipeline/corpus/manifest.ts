import { readdirSync, readFileSync } from 'node:fs';
import { judgedWindow } from '../settings.js';
import { UsageError } from '../../io/errors.js';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCard } from './card.js';
import { readRegularFile, writeAtomic } from './files.js';
import { isCount, isJsonObject } from '../../core/values.js';
import { runOptionFault, runOptionsFault, type RunOptionsJson, type Shard } from './options.js';
import type { Block, PartSummary } from './parts.js';
import { BLOCKS, CARD, loadedByGlob, MANIFEST, STATS, type DataSplit, type FilePlan } from './plan.js';
import type { Faults } from './faults.js';
import { sealed, unsealed } from './seal.js';

export interface ManifestFile {
  /** Path inside the corpus folder (`apr/train-00000-of-00003.jsonl`, `stats.json`). */
  readonly name: string;
  readonly kind: 'problems' | 'records' | 'sequences' | 'stats' | 'blocks' | 'card';
  /** Data files: the dataset config (the folder) and split they belong to. */
  readonly config?: string;
  readonly split?: DataSplit;
  /** Lines (data files; 0 for the others). */
  readonly records: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** The manifest's entry of a data file: a finished part of a stream, under the stream's config and split. */
export function dataFileEntry(f: FilePlan, p: PartSummary): ManifestFile {
  return { name: p.name, kind: f.kind, config: f.config, split: f.split, records: p.records, bytes: p.bytes, sha256: p.sha256 };
}

export interface Versions {
  readonly tool: { readonly name: string; readonly version: string };
  readonly runtime: { readonly node: string };
  readonly dependencies: Readonly<Record<string, string>>;
}

/** A manifest of this version's format, its options typed (parseManifest checks them). */
export interface Manifest extends Versions {
  readonly format: typeof MANIFEST_FORMAT;
  readonly options: RunOptionsJson;
  /** Only in a shard's folder; a merged or unsharded corpus has none. */
  readonly shard?: { readonly index: number; readonly count: number; readonly first_record: number; readonly records: number };
  readonly files: readonly ManifestFile[];
}

/** What every manifest's format begins with, whatever its version. */
const FORMAT_NAME = 'countdown-traces corpus';

/**
 * 4: sealed (`seal`, the SHA-256 of the rest, as the checkpoint is); 3: each solver's search
 * options list only the options it reads (2 listed every option for every solver).
 */
const MANIFEST_VERSION = 4;
export const MANIFEST_FORMAT = `${FORMAT_NAME} ${MANIFEST_VERSION}` as const;

/**
 * A manifest of an earlier format of this tool: its files are checked as a current one's and
 * its window read, but its options may have another shape, so they stay untyped. Only readers
 * (stats, report, verify) take one; resume and merge want the current format (isCurrent).
 */
export interface OlderManifest extends Omit<Manifest, 'format' | 'options'> {
  readonly format: string;
  readonly options: Readonly<Record<string, unknown>>;
}

export type AnyManifest = Manifest | OlderManifest;

export const isCurrent = (m: AnyManifest): m is Manifest => m.format === MANIFEST_FORMAT;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The installed version of a dependency: its package.json, found from where it resolves. */
function installedVersion(name: string): string {
  const require = createRequire(join(root, 'package.json'));
  try {
    let dir = dirname(require.resolve(name));
    for (let i = 0; i < 8; i++) {
      const pkg = readJson(join(dir, 'package.json'));
      if (pkg && pkg.name === name && typeof pkg.version === 'string') return pkg.version;
      dir = dirname(dir);
    }
  } catch {
    // fall through
  }
  const pkg = readJson(join(root, 'node_modules', name, 'package.json'));
  return typeof pkg?.version === 'string' ? pkg.version : 'unknown';
}

let cached: Versions | undefined;

/** This tool's version, Node's, and the installed version of every runtime dependency. */
export function versions(): Versions {
  if (cached) return cached;
  const pkg = readJson(join(root, 'package.json')) ?? {};
  const deps = Object.keys((pkg.dependencies as Record<string, string> | undefined) ?? {}).sort();
  const dependencies: Record<string, string> = {};
  for (const d of deps) dependencies[d] = installedVersion(d);
  cached = {
    tool: { name: String(pkg.name ?? 'countdown-traces'), version: String(pkg.version ?? 'unknown') },
    runtime: { node: process.version },
    dependencies,
  };
  return cached;
}

/** The manifest of a corpus (or of one shard of it: `shard` with more than one shard). */
export function manifestOf(
  v: Versions,
  options: RunOptionsJson,
  files: readonly ManifestFile[],
  shard?: { shard: Shard; start: number; end: number },
): Manifest {
  return {
    format: MANIFEST_FORMAT,
    tool: v.tool,
    runtime: v.runtime,
    dependencies: v.dependencies,
    options,
    ...(shard && shard.shard.count > 1
      ? { shard: { index: shard.shard.index, count: shard.shard.count, first_record: shard.start, records: shard.end - shard.start } }
      : {}),
    files,
  };
}

/** The manifest as written, sealed: an edit by hand (options, a file's hash) is refused when read back. */
function renderManifest(m: Manifest): string {
  return JSON.stringify(sealed(m), null, 2) + '\n';
}

/** blocks.json's format, the same since the first version. */
const BLOCKS_FORMAT = 1;

/** Whether parsed JSON is a shard's blocks.json as the tool writes it: one that is not is no file of the tool's to replace. */
export function isOwnBlocks(value: unknown): boolean {
  return isJsonObject(value) && value.format === BLOCKS_FORMAT && isJsonObject(value.streams);
}

/**
 * The last files of a corpus (or shard), after its data files: stats.json, a shard's
 * blocks.json, the dataset card (README.md, made from the manifest and the stats), and
 * manifest.json last: its presence means the corpus is complete. `corpus` and `merge` both
 * end here, so a merged corpus ends exactly as an unsharded run does. Returns every file.
 */
export async function writeCorpusEnd(
  dir: string,
  v: Versions,
  options: RunOptionsJson,
  data: readonly ManifestFile[],
  statsText: string,
  shard?: { shard: Shard; start: number; end: number; blocks: Readonly<Record<string, readonly Block[]>> },
  faults?: Faults,
): Promise<ManifestFile[]> {
  const files = [...data];
  const meta = async (name: string, kind: ManifestFile['kind'], text: string) => {
    const sum = await writeAtomic(join(dir, name), text);
    files.push({ name, kind, records: 0, bytes: sum.bytes, sha256: sum.sha256 });
  };
  await meta(STATS, 'stats', statsText);
  if (shard && shard.shard.count > 1) await meta(BLOCKS, 'blocks', JSON.stringify({ format: BLOCKS_FORMAT, streams: shard.blocks }) + '\n');
  await meta(CARD, 'card', renderCard(manifestOf(v, options, files, shard), statsText));
  faults?.at('manifest');
  await writeAtomic(join(dir, MANIFEST), renderManifest(manifestOf(v, options, files, shard)));
  return files;
}

/**
 * A folder's manifest when it is this tool's (a finished corpus folder), read once and checked
 * (manifestFault); undefined for a folder without one, or with another program's
 * manifest.json (valid JSON whose `format` is not this tool's). A manifest.json that is not
 * JSON, or this tool's with a fault, is refused naming it: the folder is never read as
 * something else in silence. So is a manifest.json that is not a regular file (readRegularFile).
 */
export function corpusManifest(dir: string): AnyManifest | undefined {
  const path = join(dir, MANIFEST);
  const bytes = readRegularFile(path);
  return bytes === undefined ? undefined : parseManifest(bytes.toString('utf8'), path);
}

/** Whether parsed JSON is a manifest of this tool's, by its `format`: one that is not is another program's, not the tool's to replace or read. */
export function isOwnManifest(m: unknown): m is { readonly format: string } {
  if (!isJsonObject(m)) return false;
  const format = m.format;
  return typeof format === 'string' && format.startsWith(FORMAT_NAME);
}

/**
 * The text of a manifest.json, parsed and checked (manifestFault): the one reader of manifests
 * read back (stats, report, verify, resume, merge). Undefined when it is valid JSON but another
 * program's (not an object, or its `format` is not this tool's); text that is not JSON, or a
 * fault in this tool's manifest, is refused naming `path`.
 */
export function parseManifest(text: string, path: string): AnyManifest | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON (${(err as Error).message}); the corpus folder's manifest is damaged`);
  }
  // Valid JSON that is not an object, or whose format is not this tool's, is another program's.
  if (!isOwnManifest(m)) return undefined;
  const format = m.format;
  // Only the formats this tool writes, `NAME N`: another (`NAME x`, `NAME -1`) would skip the seal as an earlier one.
  const written = /^ ([1-9]\d{0,8})$/.exec(format.slice(FORMAT_NAME.length));
  if (!written) throw new UsageError(`${path}: manifest format "${format}" is none that countdown-traces wrote; the corpus folder's manifest is damaged`);
  const version = Number(written[1]);
  // A later format may say what this version cannot read (as an earlier one may): named, not read by guess.
  if (version > MANIFEST_VERSION) throw new UsageError(`${path}: manifest format "${format}" is from a newer countdown-traces than this one (which reads up to "${MANIFEST_FORMAT}"); update countdown-traces`);
  const fault = manifestFault(m as Record<string, unknown>);
  if (fault !== undefined) throw new UsageError(`${path}: ${fault}; the corpus folder's manifest is damaged`);
  // Earlier formats had no seal; a current one is read without it, or refused when it does not match.
  if (format !== MANIFEST_FORMAT) return m as unknown as AnyManifest;
  const open = unsealed(m);
  if (open === undefined) throw new UsageError(`${path}: changed since it was written (its seal does not match its text); the corpus folder's manifest is damaged`);
  return open as unknown as AnyManifest;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** What is wrong with a manifest of this tool's format: its files (names inside the folder, each once; sizes, line counts, hashes) and its window. */
function manifestFault(m: Record<string, unknown>): string | undefined {
  if (m.format === MANIFEST_FORMAT) {
    const fault = runOptionsFault(m.options);
    if (fault !== undefined) return fault;
  } else {
    if (!isJsonObject(m.options)) return '"options" is not an object';
    const window = m.options.window;
    const fault = window === undefined ? undefined : runOptionFault('window', window);
    if (fault !== undefined) return `"options.window" ${fault}`;
  }
  if (m.shard !== undefined) {
    const sh = m.shard as Record<string, unknown> | null;
    if (typeof sh !== 'object' || sh === null || !['index', 'count', 'first_record', 'records'].every((k) => isCount(sh[k]))) return '"shard" is not {index, count, first_record, records}';
  }
  if (!Array.isArray(m.files)) return '"files" is not a list';
  const seen = new Set<string>();
  for (const [k, f] of (m.files as unknown[]).entries()) {
    const at = `"files"[${k}]`;
    if (!isJsonObject(f)) return `${at} is not an object`;
    const { name, bytes, records, sha256 } = f as Record<string, unknown>;
    if (typeof name !== 'string' || name === '' || isAbsolute(name) || normalize(name) !== name || name.split(sep)[0] === '..') return `${at}.name ${JSON.stringify(name)} is not a path inside the folder`;
    if (seen.has(name)) return `${at} lists ${name} a second time`;
    seen.add(name);
    if (!isCount(bytes)) return `${at}.bytes ${JSON.stringify(bytes)} is not a byte count`;
    if (!isCount(records)) return `${at}.records ${JSON.stringify(records)} is not a line count`;
    if (typeof sha256 !== 'string' || !SHA256.test(sha256)) return `${at}.sha256 ${JSON.stringify(sha256)} is not a SHA-256`;
  }
  // Every corpus holds problems at least: one that lists no data file would verify as 0 records, passed.
  if (!(m.files as Array<Pick<ManifestFile, 'config'>>).some(isDataFile)) return '"files" lists no data file (none has a "config")';
  return undefined;
}

/**
 * The window the sequences of a corpus are judged against when none is given: its `--window`
 * (0, none, counts as DEFAULT_WINDOW: judgedWindow); DEFAULT_WINDOW for an input that is not
 * a corpus folder (no manifest). stats, report and verify all read it here.
 */
export function ownWindow(manifest: AnyManifest | undefined): number {
  const w = manifest?.options.window;
  return judgedWindow(typeof w === 'number' ? w : 0);
}

/** Whether a manifest entry is a data file (problems, records or sequences of a config), not stats, blocks or the card. */
export const isDataFile = (f: Pick<ManifestFile, 'config'>): boolean => f.config !== undefined;

/** What such a file is (unlistedFiles), as `verify`, `stats` and `report` name it. */
export const UNLISTED = "not in the manifest, yet where the dataset card's globs would load it";

/**
 * Files in a corpus's config folders that its manifest does not list, yet that the dataset
 * card's globs (`sosp/train-*.jsonl`: a listed file's split and extension) would load with the
 * rest: refused or reported. Anything else there (`.DS_Store`, notes) is left alone.
 */
export function unlistedFiles(dir: string, manifest: AnyManifest): string[] {
  const streams = manifest.files.filter(isDataFile).map((f) => ({
    config: dirname(f.name),
    split: f.split!,
    ext: f.name.endsWith('.jsonl.gz') ? '.jsonl.gz' : f.name.slice(f.name.lastIndexOf('.')),
  }));
  return loadedUnlisted(dir, streams, new Set(manifest.files.map((f) => f.name)));
}

/** Files of `dir`'s config folders that the globs of `streams` (the card's) load and `listed` does not name. */
export function loadedUnlisted(dir: string, streams: ReadonlyArray<Pick<FilePlan, 'config' | 'split' | 'ext'>>, listed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const folder of [...new Set(streams.map((s) => s.config))].sort()) {
    let names: string[];
    try {
      // Files only: the Hub's globs load no folder.
      names = readdirSync(join(dir, folder), { withFileTypes: true }).filter((e) => !e.isDirectory()).map((e) => e.name).sort();
    } catch {
      continue; // a missing config folder: its files are reported missing
    }
    const globs = streams.filter((s) => s.config === folder);
    for (const name of names) if (!listed.has(join(folder, name)) && globs.some((g) => loadedByGlob(g, name))) out.push(join(folder, name));
  }
  return out;
}

/** The data files of a corpus folder, in the manifest's order (problems, records, sequences), each with its manifest entry. */
export function corpusData(dir: string, manifest: AnyManifest): Array<{ readonly path: string; readonly entry: ManifestFile }> {
  return manifest.files.filter(isDataFile).map((entry) => ({ path: join(dir, entry.name), entry }));
}
