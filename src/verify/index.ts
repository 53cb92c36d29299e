/** The trace verifier's public face. */
export { issueText, type VerifyIssue } from './issue.js';
export { verifyRecord, type VerifyOptions } from './record.js';
export { verifyThread } from './thread.js';
export { sequenceName, verifySequences, type GivenProblem, type SequenceIssue, type SequenceLine } from './sequences.js';
export { verifyProblem } from './problem.js';
export type { SearchKind, ThreadSpec, ThreadReport } from './thread-report.js';
export { parseTraceLine, renderLine, type TraceLine } from '../records/trace-lines.js';
