import { join } from 'node:path';
import { isFolder, recordFilesIn } from '../records/files.js';
import { CHECKPOINT, LOCK, MANIFEST } from './corpus/plan.js';
import { SEARCH_KINDS, type SearchKind } from '../records/kind.js';
import type { Conditioning } from '../records/conditioning-prefix.js';
import { CONDITIONING_MODES } from './settings.js';
import { UsageError } from '../io/errors.js';
import { checkNamed, checkNotInside, checkOutputs, fileKey, sameFile, type NamedPath } from './paths.js';
import { corpusData, corpusManifest, ownWindow, type AnyManifest, type ManifestFile } from './corpus/manifest.js';
import { holdsOwn } from './corpus/own.js';

/**
 * What one input of stats, report or verify stands for, read once: a file; a corpus folder
 * (this tool's manifest) and the data files it lists, no other file a user left beside them;
 * or another folder and its record files at any depth. `reads` is every file it reads (a
 * corpus folder's manifest among them): what no output of the same command may be.
 */
export type Input =
  | { readonly kind: 'file'; readonly path: string; readonly files: readonly string[]; readonly reads: readonly string[]; readonly window: number }
  | {
      readonly kind: 'corpus';
      readonly path: string;
      readonly files: readonly string[];
      readonly reads: readonly string[];
      readonly window: number;
      readonly manifest: AnyManifest;
      /** Each data file's manifest entry (its size and SHA-256): one changed since is named. */
      readonly listed: ReadonlyMap<string, ManifestFile>;
      /** The conditioning prefix each search kind's sequences begin with (records carry none). */
      readonly conditions: Partial<Record<SearchKind, Conditioning>>;
    }
  | { readonly kind: 'folder'; readonly path: string; readonly files: readonly string[]; readonly reads: readonly string[]; readonly window: number };

/** Reads one input; `window` given on the command line wins over a corpus folder's own (ownWindow). */
export function readInput(path: string, window: number | undefined): Input {
  if (!isFolder(path)) return { kind: 'file', path, files: [path], reads: [path], window: window ?? ownWindow(undefined) };
  const manifest = corpusManifest(path);
  if (manifest === undefined) {
    // A run still going, stopped or killed: its figures would be of whatever files it has renamed so far.
    // Its checkpoint or lock is told by its content, as a run tells it: a file of another's
    // at such a name marks no run (and, hidden, is passed over as every hidden file is).
    const mark = [CHECKPOINT, LOCK].find((name) => holdsOwn(path, name));
    if (mark !== undefined) throw new UsageError(`${path} holds an unfinished corpus run (${mark}, no manifest.json): finish it (corpus --resume, or merge again with --force), or name its files`);
    const files = recordFilesIn(path);
    return { kind: 'folder', path, files, reads: files, window: window ?? ownWindow(undefined) };
  }
  const listed = corpusData(path, manifest);
  const files = listed.map((f) => f.path);
  return {
    kind: 'corpus',
    path,
    files,
    reads: [join(path, MANIFEST), ...files],
    window: window ?? ownWindow(manifest),
    manifest,
    listed: new Map(listed.map((f) => [f.path, f.entry])),
    conditions: conditionsOf(manifest),
  };
}

/** Each solver's `condition` in a manifest's options (`search.<solver>.condition`), where it is a mode. */
function conditionsOf(manifest: AnyManifest): Partial<Record<SearchKind, Conditioning>> {
  const search = (manifest.options.search ?? {}) as Record<string, { condition?: unknown } | undefined>;
  const out: Partial<Record<SearchKind, Conditioning>> = {};
  for (const kind of SEARCH_KINDS) {
    const c = search[kind]?.condition;
    if (CONDITIONING_MODES.includes(c as Conditioning)) out[kind] = c as Conditioning;
  }
  return out;
}

/** Reads every input; one named twice (`c` and `./c`, a link to it) is refused: it would be counted twice. */
export function readInputs(paths: readonly string[], window: number | undefined): Input[] {
  for (const path of paths) checkNamed({ option: 'an input', path }, 'a file or folder');
  for (const [k, path] of paths.entries()) {
    const earlier = paths.slice(0, k).find((p) => sameFile(p, path));
    if (earlier === path) throw new UsageError(`${path} is given twice: name each input once`);
    if (earlier !== undefined) throw new UsageError(`${path} is ${earlier} (the same file), given twice: name each input once`);
  }
  const inputs = paths.map((p) => readInput(p, window));
  // A file reached twice (a folder's file named again, two links in one folder) would count twice too.
  const seen = new Map<string, string>();
  for (const input of inputs) {
    for (const file of input.files) {
      const key = fileKey(file);
      if (key === undefined) continue;
      const first = seen.get(key);
      if (first === file) throw new UsageError(`${file} would be read twice (two inputs hold it): name each input once`);
      if (first !== undefined) throw new UsageError(`${file} is ${first} (the same file), read twice: name each input once`);
      seen.set(key, file);
    }
  }
  return inputs;
}

/**
 * Refuses an output of a command that reads `inputs`: it may be none of the files read (a
 * corpus folder's manifest and data files too), nor lie inside a corpus folder, which holds
 * only what its manifest lists (a file there could be loaded by the card's globs as data).
 */
export function checkOutputBeside(inputs: readonly Input[], out: NamedPath): void {
  checkOutputs(
    inputs.flatMap((i) => [i.path, ...i.reads]).map((path) => ({ option: 'the input', path })),
    [out],
  );
  checkNotInside(inputs.filter((i) => i.kind === 'corpus').map((i) => ({ option: 'the corpus folder', path: i.path })), out);
}
