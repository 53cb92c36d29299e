/**
 * The worker thread entry of the corpus pool (piscina loads the compiled file by name).
 * Results go back by transfer, not by copy: the record bytes are moved to the main thread.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { transferList } from './result.js';
import { runTaskSafely, type Task } from './tasks.js';

export default function corpusWorker(task: Task): unknown {
  const result = runTaskSafely(task);
  if ('failure' in result) return result;
  return move({ [transferableSymbol]: transferList(result), [valueSymbol]: result } as never);
}
