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

/** A line quoted in a message, cut short so messages stay one readable line. */
export function quote(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(cut);
}
