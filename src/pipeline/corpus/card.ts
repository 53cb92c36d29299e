import { isWindowOnly, SETTING_FLAGS } from '../settings.js';
import { recordFields, type Feature, type Field } from '../../serializers/features.js';
import { SOLVERS, solverNamed, type SolverName } from '../../solver/registry.js';
import { isThreaded } from '../../records/kind.js';
import { isJsonObject } from '../../core/values.js';
import { asFlagValue, flagAndValue, formatSize, PROBLEM_KEYS, SEARCH_OPTION_SETTINGS, type RunOptionsJson } from './options.js';
import { prefixForm, type Conditioning } from '../../records/conditioning-prefix.js';
import type { Manifest, ManifestFile } from './manifest.js';
import { dataExt, partGlob, type DataSplit } from './plan.js';
import { fmtBytes, fmtInt, fmtTenths, noun, plural } from '../../io/numbers.js';
import type { StatsJson, TokenSummaryJson } from './stats.js';

/** How a command is written to be pasted (the card's, a resume hint): as the README runs the tool from its clone. */
export const INVOKE = 'npx countdown-traces';

/**
 * The dataset card: `README.md` of a corpus folder, what the Hugging Face Hub shows on the
 * dataset's page and where `datasets.load_dataset` finds its configs. YAML front matter (one
 * config per data folder, its splits as `data_files` globs), then what the data is, the
 * command and versions that made it, its headline figures, its formats and how to load it.
 * Made from the manifest (without the card) and stats.json alone, so the same corpus always
 * gets the same bytes: a merged one and an unsharded one included.
 */

/** The data carries no rights beyond the generator's license (the generator is MIT). */
const LICENSE = 'mit';

/** What each solver's records are, for the card (titles are the solvers' labels). */
const WHAT: Readonly<Record<SolverName, string>> = {
  sosp: 'Stream of Search with sub searches: one beam search written as one sequence, diving depth-first into the kept children of a node with a nested sub search at random',
  apr: 'Adaptive Parallel Reasoning: the same beam search as threads; at a promising node the parent thread spawns child threads for its kept children and joins their outcomes, and a thread is a training sequence up to each spawn and one after its last join',
  dfs: "the original Stream of Search's depth-first search (children whose heuristic is at most the target)",
  bfs: "the original Stream of Search's beam search",
};

/** A solver's title for the card, from a name the manifest holds (another tool's name shows as itself). */
const titleOf = (name: string): string => (SOLVERS as readonly string[]).includes(name) ? solverNamed(name as SolverName).label : name;
const whatOf = (name: string): string => (WHAT as Readonly<Record<string, string | undefined>>)[name] ?? name;

interface Config {
  readonly name: string;
  readonly kind: ManifestFile['kind'];
  readonly splits: Map<DataSplit, ManifestFile[]>;
}

function configsOf(files: readonly ManifestFile[]): Config[] {
  const out: Config[] = [];
  for (const f of files) {
    if (f.config === undefined || f.split === undefined) continue;
    let c = out.find((x) => x.name === f.config);
    if (!c) out.push((c = { name: f.config, kind: f.kind, splits: new Map() }));
    const list = c.splits.get(f.split) ?? [];
    list.push(f);
    c.splits.set(f.split, list);
  }
  return out;
}

const rows = (c: Config) => [...c.splits.values()].flat().reduce((n, f) => n + f.records, 0);
const bytes = (fs: readonly ManifestFile[]) => fs.reduce((n, f) => n + f.bytes, 0);

/** The Hub's size category of a dataset of `n` rows. */
function sizeCategory(n: number): string {
  const bounds: Array<[number, string]> = [
    [1e3, 'n<1K'],
    [1e4, '1K<n<10K'],
    [1e5, '10K<n<100K'],
    [1e6, '100K<n<1M'],
    [1e7, '1M<n<10M'],
    [1e8, '10M<n<100M'],
    [1e9, '100M<n<1B'],
  ];
  return bounds.find(([b]) => n < b)?.[1] ?? 'n>1B';
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

type Search = RunOptionsJson['search'];

/**
 * The command that makes a corpus of these options (`manifest.json`'s `options`): every
 * option that shapes the bytes, written out. A search option is written when every solver
 * that reads it (the manifest lists a solver's options only if it reads them) has the same
 * value; when they differ, each solver has its own default and the flag is left out. Workers,
 * batches and resuming never change a byte, so they are not in it; a shard's command names
 * its shard (`shard`, from its manifest), a merged corpus's none.
 */
function corpusCommand(o: RunOptionsJson, shard?: Manifest['shard']): string {
  const p = o.problems;
  const solvers = o.solvers;
  const search = o.search;
  const args: string[] = [...flagAndValue('count', o.count), ...flagAndValue('seed', o.seed), ...flagAndValue('val_count', o.val_count)];
  for (const key of PROBLEM_KEYS) args.push(...flagAndValue(key, p[key]));
  args.push('--solvers', solvers.join(','));
  const same = (key: string): unknown => {
    const of = solvers.filter((s) => search[s] !== undefined && key in search[s]);
    const values = of.map((s) => JSON.stringify(search[s]?.[key]));
    return values.length > 0 && values.every((v) => v === values[0]) ? search[of[0]!]?.[key] : undefined;
  };
  const window = same('window');
  for (const [key, entry] of Object.entries(SEARCH_OPTION_SETTINGS)) {
    const flag = SETTING_FLAGS[entry.setting];
    if (key === 'condition') {
      // One flag for every solver: each its own mode, or none.
      const conditions = [...new Set(solvers.map((s) => String(search[s]?.condition ?? 'none')).filter((c) => c !== 'none'))];
      if (conditions.length > 0) args.push(flag, conditions.join(','));
      continue;
    }
    const v = same(key);
    // With no window the manifest still lists the fit and planning defaults; their flags are refused there.
    if (v !== undefined && !(window === 0 && isWindowOnly(entry.setting))) args.push(flag, String(asFlagValue(entry, v)));
  }
  args.push(...flagAndValue('compress', o.compress), ...flagAndValue('max_file_size', o.max_file_size));
  if (shard && shard.count > 1) args.push('--shard', `${shard.index}/${shard.count}`);
  return `${INVOKE} corpus ${args.join(' ')} --out DIR`;
}

/** `command` wrapped at about 88 columns with shell line continuations. */
function wrapCommand(command: string): string {
  const words = command.split(' ');
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const piece = w.startsWith('--') && i + 1 < words.length && !words[i + 1]!.startsWith('--') ? `${w} ${words[++i]!}` : w;
    if (line && line.length + piece.length + 1 > 86) {
      lines.push(`${line} \\`);
      line = `  ${piece}`;
    } else {
      line = line ? `${line} ${piece}` : piece;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

function yamlList(key: string, items: readonly string[]): string[] {
  return [`${key}:`, ...items.map((i) => `- ${i}`)];
}

/** A feature as `datasets` writes it in YAML (its own simplified form: `list: int64`, a list of structs as `list:` and the fields). */
function yamlType(t: Feature, ind: string): string[] {
  const scalar = (v: string) => (v === 'null' ? "'null'" : v);
  if (typeof t === 'string') return [`${ind}dtype: ${scalar(t)}`];
  if ('struct' in t) return [`${ind}struct:`, ...yamlFields(t.struct, ind)];
  const el = t.list;
  if (typeof el === 'string') return [`${ind}list: ${scalar(el)}`];
  if ('struct' in el) return [`${ind}list:`, ...yamlFields(el.struct, ind)];
  return [`${ind}list:`, ...yamlType(el, `${ind}  `)];
}

function yamlFields(fields: readonly Field[], ind: string): string[] {
  return fields.flatMap(([name, t]) => [`${ind}- name: ${name}`, ...yamlType(t, `${ind}  `)]);
}

/** The declared columns of a config, from the options that shape its records. */
function configFields(c: Config, search: Search): readonly Field[] {
  if (c.kind !== 'records') return recordFields(c.kind === 'problems' ? 'problems' : 'sequences');
  const o = search[c.name as SolverName] ?? {};
  return recordFields('records', { solver: c.name as SolverName, tokenFields: o.token_fields !== false, maxSpawnLevel: Number(o.max_spawn_level ?? 0) });
}

/** How every card begins (the front matter's first lines), by which a folder's README.md is known for a card. */
export const CARD_START = "---\npretty_name: 'Countdown search traces: ";

/** Whether a README.md is a card this tool wrote (`corpus --force` replaces only those). */
export function isCard(text: string): boolean {
  return text.startsWith(CARD_START);
}

function frontMatter(configs: readonly Config[], solvers: readonly SolverName[], ext: string, search: Search): string[] {
  const titles = solvers.map((s) => titleOf(s));
  const largest = Math.max(0, ...configs.map(rows));
  const out = [...`${CARD_START}${titles.join(', ')}'`.split('\n'), `license: ${LICENSE}`];
  out.push(...yamlList('language', ['en']));
  out.push(...yamlList('task_categories', ['text-generation']));
  const tags = ['countdown', 'arithmetic', 'search', 'reasoning', 'synthetic'];
  if (!solvers.every(isThreaded)) tags.push('stream-of-search');
  if (solvers.some(isThreaded)) tags.push('adaptive-parallel-reasoning');
  out.push(...yamlList('tags', tags));
  out.push(...yamlList('size_categories', [sizeCategory(largest)]));
  // Declared column types: the loader casts every file to them instead of guessing from the first lines.
  out.push('dataset_info:');
  for (const c of configs) out.push(`- config_name: ${c.name}`, '  features:', ...yamlFields(configFields(c, search), '  '));
  out.push('configs:');
  for (const c of configs) {
    out.push(`- config_name: ${c.name}`, '  data_files:');
    for (const split of c.splits.keys()) out.push(`  - split: ${split}`, `    path: ${partGlob({ config: c.name, split, ext })}`);
  }
  out.push('---');
  return out;
}

function configTable(configs: readonly Config[], ext: string): string[] {
  const out = ['| config | split | rows | files | size | a row is |', '| --- | --- | --- | --- | --- | --- |'];
  for (const c of configs) {
    const what =
      c.kind === 'problems'
        ? 'a Countdown problem'
        : c.kind === 'records'
          ? `the ${titleOf(c.name)} search of the train problem on the same line`
          : `a training sequence of the \`${c.name.replace(/_sequences$/, '')}\` records`;
    for (const [split, files] of c.splits) {
      out.push(`| \`${c.name}\` | ${split} | ${fmtInt(files.reduce((n, f) => n + f.records, 0))} | ${files.length} (\`${partGlob({ config: c.name, split, ext })}\`) | ${fmtBytes(bytes(files))} | ${what} |`);
    }
  }
  return out;
}

/** APR's per-problem tree figures from stats.json, when it has them. */
function aprTree(stats: StatsJson): { threads: number; sequences: number; textTokens: number } | undefined {
  const all = (stats.decomposition.apr as { all?: { per_problem?: { threads?: unknown; sequences?: unknown; text_tokens?: unknown } } } | undefined)?.all?.per_problem;
  if (typeof all?.threads !== 'number' || typeof all.sequences !== 'number' || typeof all.text_tokens !== 'number') return undefined;
  return { threads: all.threads, sequences: all.sequences, textTokens: all.text_tokens };
}

function statsSection(stats: StatsJson, solvers: readonly string[]): string[] {
  const out: string[] = [];
  const window = stats.tokens.window;
  out.push('| solver | records | solved | solve rate | searches the window stopped | left out (`--fit drop`) |');
  out.push('| --- | --- | --- | --- | --- | --- |');
  for (const s of solvers) {
    const r = stats.solve_rate[s];
    if (r) out.push(`| ${titleOf(s)} | ${fmtInt(r.records)} | ${fmtInt(r.solved)} | ${pct(r.solve_rate)} | ${fmtInt(r.stopped_by_window)} | ${fmtInt(r.dropped)} |`);
  }
  const apr = stats.child_threads_per_root.apr;
  if (solvers.includes('apr') && apr) out.push('', `APR child threads per root thread: ${apr.mean} on average, at most ${apr.max}.`);
  // The whole thread tree, which the root's children alone understate (they spawn threads of their own in default mode).
  const tree = aprTree(stats);
  if (solvers.includes('apr') && tree) {
    out.push(
      '',
      `APR per problem, every level of threads: ${tree.threads} ${noun(tree.threads, 'thread')}, ${tree.sequences} ${noun(tree.sequences, 'sequence')} and ${fmtInt(Math.round(tree.textTokens))} text tokens on average ` +
        `(\`decomposition\` in stats.json; a few large trees hold many of the sequences, so weigh by \`record\` to train on problems evenly).`,
    );
  }
  const sizes = [...new Set(solvers.flatMap((s) => Object.keys(stats.solve_rate[s]?.by_start_size ?? {})))].sort((a, b) => Number(a) - Number(b));
  if (sizes.length > 1) {
    out.push('', 'Solve rate by how many numbers a problem starts with:', '');
    out.push(`| solver | ${sizes.join(' | ')} |`, `| --- | ${sizes.map(() => '---').join(' | ')} |`);
    for (const s of solvers) {
      const by = stats.solve_rate[s]?.by_start_size ?? {};
      out.push(`| ${titleOf(s)} | ${sizes.map((n) => (by[n] ? pct(by[n].solve_rate) : '')).join(' | ')} |`);
    }
  }
  // A start size no record of a solver solves teaches only failure there: said in words, not left as a 0.0% in a table.
  for (const s of solvers) {
    const none = Object.entries(stats.solve_rate[s]?.by_start_size ?? {}).filter(([, b]) => b.records > 0 && b.solved === 0);
    if (none.length === 0) continue;
    const what = none.map(([n, b]) => `${n} numbers: ${plural(b.records, 'record')}`).join('; ');
    out.push('', `No ${titleOf(s)} record of these start sizes is solved (${what}): they teach failed searches only (a ${fmtInt(window)}-token window can be too small to hold a solved search of that size).`);
  }
  out.push('', `Tokens per training sequence (Llama-2 tokens of the text plus \`<s>\` and \`</s>\`, as the trainer sees it; nearest-rank percentiles) against the ${fmtInt(window)}-token window:`, '');
  out.push('| sequences of | sequences | min | mean | p50 | p90 | p95 | p99 | max | over the window |');
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [key, value] of Object.entries(stats.tokens)) {
    if (typeof value !== 'object' || value === null) continue;
    const t = value as TokenSummaryJson;
    const [solver, part] = key.split('.');
    const label = `${titleOf(solver!)}${part === 'root' ? ' root threads' : part === 'child' ? ' child threads' : ''}`;
    const cell = (v: number | undefined) => (v === undefined ? '' : fmtInt(v));
    out.push(`| ${label} | ${fmtInt(t.sequences)} | ${cell(t.min)} | ${t.mean === undefined ? '' : fmtTenths(t.mean)} | ${cell(t.p50)} | ${cell(t.p90)} | ${cell(t.p95)} | ${cell(t.p99)} | ${cell(t.max)} | ${fmtInt(t.window_overflows)} |`);
  }
  out.push('', `**Sequences over the ${fmtInt(window)}-token window: ${fmtInt(stats.window_overflows)}.**`);
  return out;
}

/** README.md of a corpus folder, from its manifest (without the card) and its stats.json. */
export function renderCard(m: Manifest, statsText: string): string {
  const stats = JSON.parse(statsText) as StatsJson;
  const o = m.options;
  const solvers = o.solvers;
  const configs = configsOf(m.files);
  const search = o.search;
  const seqConfig = `${solvers.find(isThreaded) ?? solvers[0]}_sequences`;
  const ext = dataExt({ compress: o.compress });
  const deps = Object.entries(m.dependencies)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines: string[] = [...frontMatter(configs, solvers, ext, search), ''];
  lines.push(`# Countdown search traces: ${solvers.map((s) => titleOf(s)).join(', ')}`, '');
  lines.push(
    'Synthetic training data for search and reasoning in language models, on the Countdown game: combine',
    'the given numbers with `+ - * /` (non-negative integers only) to reach the target. Each',
    'problem is searched symbolically and the search is written out as text, the traces that',
    'Stream of Search and Adaptive Parallel Reasoning (APR) train on:',
    '',
  );
  for (const s of solvers) lines.push(`- **${titleOf(s)}** (config \`${s}\`): ${whatOf(s)}.`);
  lines.push('');
  if (m.shard) {
    lines.push(
      `This folder is shard ${m.shard.index} of ${m.shard.count} (train records ${fmtInt(m.shard.first_record)} to ${fmtInt(m.shard.first_record + m.shard.records - 1)}); \`countdown-traces merge\` joins the shards into the corpus one run writes.`,
      '',
    );
  }
  lines.push('## Configs and files', '');
  lines.push(
    `Every config is a folder of JSON Lines files${o.max_file_size > 0 ? ` of at most ${formatSize(o.max_file_size)} each (or one block of records, which is never split)` : ', one per split'}${ext.endsWith('.gz') ? ' (each gzip-compressed)' : ''}, numbered so that a sorted`,
    'listing gives the records in order. Line *i* of a search config is the search of train problem *i*',
    "(unless `--fit drop` left records out); a sequence names its problem in `record`.",
    '',
  );
  lines.push(...configTable(configs, ext), '');
  lines.push('## How it was made', '');
  lines.push(`By countdown-traces ${m.tool.version} on Node ${m.runtime.node} (${deps}):`, '');
  lines.push('```sh', wrapCommand(corpusCommand(o, m.shard)), '```', '');
  lines.push(
    'The same command gives the same bytes anywhere with these versions: a record depends only on the',
    'seed, the options and its index, never on the number of workers, the batch size, an interruption',
    'and `--resume`, or splitting the run into shards (`--shard I/N`) joined by `countdown-traces merge`.',
    '`manifest.json` lists every file with its rows, bytes and SHA-256, and every option:',
    '',
  );
  lines.push('| option | value |', '| --- | --- |');
  const flat = (prefix: string, v: unknown): void => {
    if (isJsonObject(v)) for (const [k, x] of Object.entries(v)) flat(prefix ? `${prefix}.${k}` : k, x);
    else lines.push(`| \`${prefix}\` | \`${JSON.stringify(v)}\` |`);
  };
  flat('', o);
  lines.push('');
  lines.push('## Headline figures', '');
  lines.push(...statsSection(stats, solvers), '');
  lines.push('`stats.json` holds these figures and the exact histograms they come from.', '');
  lines.push('## Formats', '');
  lines.push(
    '- `problems`: `nums` (the starting numbers), `target`, `solution` (the operations of one',
    "  solution, as `'25*2=50'`), `optimal_path` (that solution as a trace without backtracking),",
    '  `start_size` (how many numbers).',
  );
  if (solvers.length > 0) {
    lines.push(
      `- ${solvers.map((s) => `\`${s}\``).join(', ')}: the problem's fields, then \`search_path\` (the trace: for APR the root thread's`,
      '  last sequence), `rating` (1 - explored operations / the most there can be, when solved; 0.0',
      `  when not), \`search_type\` (\`<solver>_<beam>\`${solvers.includes('dfs') ? ', `dfs` for DFS' : ''}), \`heuristic\`, the token figures of the`,
      '  reference (`token_count`, `longest_seq_token_count`, `avg_seq_token_count`,',
      '  `avg_sub_seq_token_count`, `sub_call_count`) and the thread figures (`thread_count`,',
      '  `seq_count`, `thread_depth`, `text_token_count`: every sequence\'s text tokens added up,',
      '  `sequential_token_count`: a thread\'s last sequence plus, per spawn, its longest child\'s,',
      '  `seq_token_counts`).',
    );
  }
  if (solvers.includes('apr')) {
    lines.push(
      '  APR records add `promising_threshold`, `beam_size`, `sub_call_beam_size` and `trace_dict`',
      '  (`{"main_calls": [sequence, ...], "sub_calls": [[child trace_dict, ...], ...]}`: `main_calls[k]` is',
      "  the thread's k-th sequence, `sub_calls[k]` the child threads it spawned at its end).",
    );
  }
  lines.push(
    '- `*_sequences`: one training sequence per row, in the order the reference trainer flattens a',
    "  record's threads (a thread's own sequences, then each child's): `text` (what the model is trained",
    '  on), `record` (the train problem, counted from 0), `thread` (`root`, `root.0`, `root.1.2`, ... and',
    "  `#k`, which of the thread's sequences) and `tokens` (Llama-2 tokens with `<s>` and `</s>`).",
    '',
  );
  // Only the solvers a conditioning mode exists for carry a prefix: say which configs do.
  const prefixed = solvers.filter((s) => (search[s]?.condition ?? 'none') !== 'none');
  if (prefixed.length > 0) {
    // A Sub Call Budget stands before a root thread's sequences only (docs/trace-format.md §10); a Token Budget before every sequence.
    const said = prefixed.map((s) => {
      const mode = search[s]!.condition as Exclude<Conditioning, 'none'>;
      const form = `\`${prefixForm(mode)}\``;
      return mode === 'sub-call-budget' ? `the root thread's sequences of \`${s}_sequences\` with ${form} (its child threads' with none)` : `every sequence of \`${s}_sequences\` with ${form}`;
    });
    lines.push(
      `Conditioning prefixes: ${said.join('; ')}. Records carry none. A sequence's \`tokens\` count its prefix, as the window bounds it.`,
      '',
    );
  }
  lines.push(
    "Every field has one type on every line (floats stay floats: `0.0`), and the card declares each config's",
    'column types (`dataset_info`), so a loader never has to guess them from the first lines it reads.',
    '',
  );
  lines.push('## Loading', '');
  lines.push('```python', 'from datasets import load_dataset', '');
  lines.push(`seqs = load_dataset("path/to/this/folder", "${seqConfig}", split="train")  # on the Hub: "user/name"`);
  const hasVal = m.files.some((f) => f.config === 'problems' && f.split === 'validation');
  lines.push(`problems = load_dataset("path/to/this/folder", "problems")  # ${hasVal ? 'train and validation' : 'train (no validation split here)'}`);
  lines.push(`# without the card: the JSON builder and a config's files`);
  lines.push(`seqs = load_dataset("json", data_files="path/to/this/folder/${seqConfig}/train-*${ext}", split="train")`);
  lines.push('```', '');
  lines.push(
    'Large configs can be streamed (`streaming=True`). The reference trainer reads one JSON list of',
    'sequence texts:',
    '',
    '```python',
    'import json',
    '',
    `json.dump(list(seqs["text"]), open("${seqConfig.replace(/_sequences$/, '')}_train.json", "w"))`,
    '```',
    '',
  );
  return lines.join('\n');
}
