import { Command } from 'commander';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('join the folders of corpus shards (--shard I/N) into the corpus an unsharded run writes, byte for byte')
    .argument('<shards...>', 'shard folders, in any order')
    .option('--out <dir>', 'output folder', 'data/corpus')
    .option('--force', 'start over: replace what an earlier run or merge left in --out (only files a corpus run writes)')
    .option('--quiet', 'no progress or summary on stderr')
    .action(async (shards: string[], o: { out: string; force?: boolean; quiet?: boolean }) => {
      const { mergeShards } = await import('../pipeline/corpus/merge.js');
      await mergeShards({ shards, out: o.out, force: Boolean(o.force), quiet: Boolean(o.quiet) });
    });
}
