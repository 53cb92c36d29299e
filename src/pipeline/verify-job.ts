import { statSync } from 'node:fs';
import { allThreads, threadTree } from '../serializers/record-view.js';
import { countTextTokens } from '../tokens/llama.js';
import { verifyRecord } from '../verify/index.js';
import { corpusDataFiles } from './corpus/manifest.js';
import { STDIO } from './formats.js';
import { readRecords } from './source.js';

export interface VerifyJob {
  /** Record files, or corpus folders (their data files, as their manifest lists them). */
  readonly files: readonly string[];
  /** Report sequences longer than this many tokens (`<s>` and `</s>` included); 0: no check. */
  readonly window: number;
  /** Print one line per finding here. */
  readonly report: (line: string) => void;
}

export interface VerifySummary {
  records: number;
  badRecords: number;
  issues: number;
  sequences: number;
  overflows: number;
  /** Files read (a corpus folder counts its data files). */
  files: number;
}

/**
 * Re-reads records of any kind and checks every trace as a machine would consume it (see
 * src/verify); also measures every training sequence against the window. A sequences file
 * (`{"text": ...}` lines) is checked for the window and its `tokens` figure.
 */
export async function runVerify(job: VerifyJob): Promise<VerifySummary> {
  const sum: VerifySummary = { records: 0, badRecords: 0, issues: 0, sequences: 0, overflows: 0, files: 0 };
  const isFolder = (p: string) => p !== STDIO && statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
  for (const file of job.files.flatMap((p) => (isFolder(p) ? corpusDataFiles(p) : [p]))) {
    sum.files++;
    let index = 0;
    for await (const { value, line } of readRecords(file)) {
      const where = `${file}:${line} record ${index++}`;
      sum.records++;
      const rec = value as Record<string, unknown>;
      const findings: string[] = [];
      let texts: Array<{ thread: string; text: string; claimed?: unknown }>;
      if (rec !== null && typeof rec === 'object' && typeof rec.text === 'string' && !('nums' in rec)) {
        texts = [{ thread: String(rec.thread ?? 'sequence'), text: rec.text, claimed: rec.tokens }];
      } else {
        for (const i of verifyRecord(value)) {
          findings.push(`${i.thread || 'record'}${i.line ? ` line ${i.line}` : ''}: ${i.message}`);
        }
        texts = [];
        if (rec && typeof rec === 'object' && (typeof rec.search_path === 'string' || rec.trace_dict)) {
          for (const t of allThreads(threadTree(rec))) t.sequences.forEach((text, k) => texts.push({ thread: `${t.name}#${k}`, text }));
        }
      }
      for (const t of texts) {
        sum.sequences++;
        if (job.window <= 0 && t.claimed === undefined) continue;
        const tokens = countTextTokens(t.text) + 2;
        if (t.claimed !== undefined && t.claimed !== tokens) findings.push(`${t.thread}: "tokens" says ${String(t.claimed)}, the text has ${tokens}`);
        if (job.window > 0 && tokens > job.window) {
          sum.overflows++;
          job.report(`${where} ${t.thread}: sequence of ${tokens} tokens is over the ${job.window}-token window`);
        }
      }
      if (findings.length > 0) {
        sum.badRecords++;
        sum.issues += findings.length;
        for (const f of findings) job.report(`${where} ${f}`);
      }
    }
  }
  return sum;
}
