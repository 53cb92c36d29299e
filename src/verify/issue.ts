/** What the verifier reports: one problem, located in one thread's text. */
export interface VerifyIssue {
  /**
   * Which text: '' for the record as a whole, a field name (`search_path`, `optimal_path`,
   * `solution`) or an APR thread path such as `main[1]` or `sub[0][2].main[0]`
   * (`trace_dict.sub_calls[0][2].main_calls[0]`).
   */
  thread: string;
  /** 1-based line in that thread's text; 0 when about the text or record as a whole. */
  line: number;
  /** One line, naming what is wrong. */
  message: string;
}

/** An issue as one line: where (the thread, `record` for the record as a whole, and the line in it), then what. */
export function issueText(i: VerifyIssue): string {
  return `${i.thread || 'record'}${i.line ? ` line ${i.line}` : ''}: ${i.message}`;
}

/**
 * Issues grouped by what they are in (`group`: a thread, a sequence), the groups in the order
 * they were first found, and each group's in line order: the walk of a thread and the checks
 * between threads find a thread's faults at different times, but a reader reads it top down.
 */
export function inLineOrder<T extends VerifyIssue>(issues: readonly T[], group: (i: T) => unknown): T[] {
  const rank = new Map<unknown, number>();
  for (const i of issues) if (!rank.has(group(i))) rank.set(group(i), rank.size);
  // Array.prototype.sort is stable: issues on one line keep the order they were found in.
  return [...issues].sort((a, b) => rank.get(group(a))! - rank.get(group(b))! || a.line - b.line);
}

/** A line quoted in a message, cut short so messages stay one readable line. */
export function quote(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(cut);
}
