import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Shard } from './options.js';

export interface ManifestFile {
  readonly name: string;
  readonly kind: 'problems' | 'records' | 'sequences' | 'stats';
  readonly records: number;
  readonly bytes: number;
  readonly sha256: string;
}

export interface Versions {
  readonly tool: { readonly name: string; readonly version: string };
  readonly runtime: { readonly node: string };
  readonly dependencies: Readonly<Record<string, string>>;
}

export interface Manifest extends Versions {
  readonly format: string;
  readonly options: Record<string, unknown>;
  /** Only in a shard's folder; a merged or unsharded corpus has none. */
  readonly shard?: { readonly index: number; readonly count: number; readonly first_record: number; readonly records: number };
  readonly files: readonly ManifestFile[];
}

export const MANIFEST_FORMAT = 'countdown-traces corpus 1';

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

export function buildManifest(
  v: Versions,
  options: Record<string, unknown>,
  files: readonly ManifestFile[],
  shard?: { shard: Shard; start: number; end: number },
): string {
  const m: Manifest = {
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
  return JSON.stringify(m, null, 2) + '\n';
}
