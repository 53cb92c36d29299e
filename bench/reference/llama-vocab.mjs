// Writes llama-vocab.json beside this file: the Llama-2 vocabulary by id and its merges in
// rank order, as llama-tokenizer-js (a development dependency) holds them.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import llama from 'llama-tokenizer-js';

const merges = [...llama.merges.entries()].sort((a, b) => a[1] - b[1]).map(([pair]) => pair);
const out = join(dirname(fileURLToPath(import.meta.url)), 'llama-vocab.json');
writeFileSync(out, JSON.stringify({ vocab: llama.vocabById, merges }));
console.log(`${llama.vocabById.length} pieces, ${merges.length} merges: ${out}`);
