import type { HelpConfiguration, Option } from 'commander';

/**
 * How help writes an option's default, one way for every command: `(default: X)` after its
 * description, X as typed. Commander writes only a default it holds, and a string one in
 * quotes; a default a solver, the run or a corpus folder decides is no value there (a flag not
 * given must stay undefined, to be told from one given), so its words go in the option's
 * defaultValueDescription (decidedDefault).
 */
export const HELP: HelpConfiguration = {
  optionDescription(option: Option): string {
    const held = option.defaultValue === undefined || typeof option.defaultValue === 'boolean' ? undefined : String(option.defaultValue);
    const shown = option.defaultValueDescription ?? held;
    return shown === undefined ? option.description : `${option.description} (default: ${shown})`;
  },
};

/** An option whose default is decided where it is used, with the words help shows for it (HELP). */
export function decidedDefault(option: Option, words: string | number): Option {
  option.defaultValueDescription = String(words);
  return option;
}
