/** The trace verifier's public face. */
export type { VerifyIssue } from './issue.js';
export { verifyRecord, recordKind, type RecordKind, type VerifyOptions } from './record.js';
export { verifyThread, type SearchKind, type ThreadSpec, type ThreadReport } from './thread.js';
export { parseTraceLine, renderLine, type TraceLine } from './lines.js';
