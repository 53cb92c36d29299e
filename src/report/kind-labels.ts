import type { RecordKind } from '../records/kind.js';

/** How reports name each kind of record. */
export const KIND_LABEL: Record<RecordKind, string> = {
  sosp: 'SoS+',
  apr: 'APR',
  other: 'DFS/BFS',
  problem: 'problems',
  sequence: 'sequence lines',
};
