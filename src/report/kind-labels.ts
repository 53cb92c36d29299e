import type { RecordKind } from '../records/kind.js';

/** How reports name each kind of record. */
export const KIND_LABEL: Record<RecordKind, string> = {
  sosp: 'SoS+',
  apr: 'APR',
  dfs: 'DFS',
  bfs: 'BFS',
  problem: 'problems',
  sequence: 'sequence lines',
};
