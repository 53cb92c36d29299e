/**
 * The full tokenizer of llama-tokenizer-js, loaded on first use: building it decodes its whole
 * vocabulary (about 0.14 s), which only a text holding a piece outside trace-pieces.ts makes a
 * command pay. Its tables feed bpe.ts; its own `encode` is the oracle the tests compare with.
 * Node loads the ES module synchronously from 20.19 on; older Node 20 loads it here.
 */
import { createRequire } from 'node:module';
import type { LlamaTokenizer } from 'llama-tokenizer-js';

const early: LlamaTokenizer | undefined = process.features.require_module ? undefined : (await import('llama-tokenizer-js')).default;
let loaded = early;

export function tokenizer(): LlamaTokenizer {
  return (loaded ??= (createRequire(import.meta.url)('llama-tokenizer-js') as { default: LlamaTokenizer }).default);
}

/** Whether this process has built the full tokenizer (always, on a Node 20 older than 20.19). */
export function fullTokenizerBuilt(): boolean {
  return loaded !== undefined;
}
