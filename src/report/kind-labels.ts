import type { RecordKind } from '../records/kind.js';
import { allSolvers, type SolverName } from '../solver/registry.js';

/** How reports name each kind of record: a search kind by its solver's label. */
export const KIND_LABEL: Record<RecordKind, string> = {
  ...(Object.fromEntries(allSolvers().map((s) => [s.name, s.label])) as Record<SolverName, string>),
  problem: 'problems',
  sequence: 'sequence lines',
};
