import { UsageError } from '../io/errors.js';
import type { ProblemSpaceError, ProblemSpaceRemedy } from '../solver/problems.js';

/** What to change when the options' problem space is too narrow, said as options (the solver says it as ranges). */
const REMEDY_IN_OPTIONS: Readonly<Record<ProblemSpaceRemedy, string>> = {
  'wider numbers or narrower targets': 'widen --max-number or narrow the target range (--min-target, --max-target)',
  'wider numbers or targets': 'widen --max-number or the target range (--min-target, --max-target)',
  'fewer problems or wider ranges': 'ask for fewer problems or widen the ranges',
};

/** A problem space too narrow for the options, as the one-line fault the user acts on. */
export function problemSpaceUsage(err: ProblemSpaceError): UsageError {
  return new UsageError(`${err.message}; ${REMEDY_IN_OPTIONS[err.remedy]}`);
}
