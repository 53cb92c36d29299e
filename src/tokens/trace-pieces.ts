/**
 * The pieces trace text is made of (a piece as src/tokens/llama.ts cuts text) with their
 * Llama-2 token counts, as the full tokenizer counts them. The counter starts with them
 * cached, so a command whose text holds no other piece never builds the full tokenizer (about
 * 0.14 s of decoding its vocabulary, in every process and worker). A piece missing here is
 * still counted exactly, only later. test/trace-pieces.test.ts checks every count against the
 * full tokenizer, and that the sequences of every solver, mode and conditioning hold no
 * piece outside this list.
 */

/** Pieces that open a text, counted with the tokenizer's preceding space. */
export const FIRST_PIECE_TOKENS: ReadonlyArray<readonly [piece: string, tokens: number]> = [
  ['Current', 1], ['Moving', 2], ['No', 1], ['Sub', 1], ['Token', 1],
];

/** Pieces anywhere else. */
export const PIECE_TOKENS: ReadonlyArray<readonly [piece: string, tokens: number]> = [
  [' ', 1], [' #', 1], [" '", 1], [' Budget:', 3], [' Call', 1], [' Calling', 2], [' Current', 1], [' Goal', 2],
  [' Moving', 2], [' No', 1], [' Node', 1], [' Numbers:', 3], [' Operation:', 2], [' Operations:', 3], [' Reached', 2],
  [' Resulting', 2], [' Search', 1], [' Searches>', 3], [' Solution', 1], [' State:', 2], [' Sub', 1], [' [', 1],
  [" ['", 1], [' []', 1], [' at', 1], [' equal:', 2], [' found', 1], [' found.', 2], [' in', 1], [' level', 1],
  [' search', 1], [' solution', 1], [' sub', 1], [' to', 1], [' unequal:', 3], ["',", 1], ["']", 1], ['*', 1],
  ['+', 1], [',', 1], ['-', 1], ['/', 1], [':', 1], [':[', 1], ['<', 1], ['<Calling', 3], ['<End', 2], ['<Goal', 3], ['<No', 2],
  ['<Start', 2], ['<Sub', 2], ['=', 1], ['>', 1], ['Current', 1], ['Exit', 1], ['Exploring', 3], ['Generated', 1],
  ['Moving', 2], ['No', 1], ['Start', 1], [']', 1], ['],', 1],
];
