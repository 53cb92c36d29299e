import { Option } from 'commander';
import { RUN_OPTIONS, SIZE_UNITS, type RunOption, type RunOptionKey } from '../pipeline/corpus/options.js';
import { decimalTextFault, integer, integerTextFault, sizeTextFault } from '../core/values.js';
import { UsageError } from '../io/errors.js';
import { SETTING_FLAGS, SETTING_VALUES, type PartialSettings, type SettingKey, type ValueRule } from '../pipeline/settings.js';

/** Option-value parsers: each failure is one line naming the option and the value. */

/** The option of a run-wide setting: its flag (RUN_OPTIONS) taking `<arg>`, parsed by the option's rule, with its default. */
export function runOption(key: RunOptionKey, arg: string, description: string): Option {
  const entry: RunOption = RUN_OPTIONS[key];
  const option = new Option(`${entry.flag} <${arg}>`, description).argParser(byRule(entry.flag, entry.rule));
  return entry.default === undefined ? option : option.default(entry.default);
}

/** `--seed`, as every command that draws problems or searches takes it. */
export const seedOption = (): Option => runOption('seed', 'n', 'random seed');

/** `--count`, the problems a command draws (`description` says of what). */
export const countOption = (description: string): Option => runOption('count', 'n', description);

/** `I/N` (`--shard 0/8`): two integers, each as `integer` reads one; the pipeline checks I against N. */
export function indexOfCount(option: string) {
  return (text: string): { index: number; count: number } => {
    const parts = text.split('/');
    if (parts.length !== 2 || parts.some((p) => integerTextFault(p) !== undefined)) throw new UsageError(`${option}: expected INDEX/COUNT such as 0/8, got "${text}"`);
    return { index: integer(option, 0)(parts[0]!), count: integer(option, 1)(parts[1]!) };
  };
}

/**
 * A non-negative decimal number, its text as decimalTextFault has it (`0.5`, `12`, `1e-7`; no
 * hex, no Infinity); `expected` says what the option takes, for the message.
 */
function decimal(option: string, expected: string, text: string): number {
  const fault = decimalTextFault(text);
  if (fault !== undefined) throw new UsageError(`${option}: expected ${expected}${fault && ` ${fault}`}, got "${text}"`);
  const n = Number(text);
  if (n < 0) throw new UsageError(`${option}: expected ${expected}, got "${text}"`);
  return n;
}

export function probability(option: string) {
  const expected = 'a probability between 0 and 1';
  return (text: string): number => {
    const n = decimal(option, expected, text);
    if (n > 1) throw new UsageError(`${option}: expected ${expected}, got "${text}"`);
    return n;
  };
}

/** Seconds from 0 to `max`, as a decimal number. */
export function seconds(option: string, max: number) {
  return (text: string): number => {
    const n = decimal(option, 'seconds (0 or more)', text);
    if (n > max) throw new UsageError(`${option}: must be at most ${max} seconds, got ${text}`);
    return n;
  };
}

/** The parser of a flag whose values keep `rule` (SETTING_VALUES, RUN_OPTIONS). */
function byRule(option: string, rule: ValueRule): (text: string) => number | string {
  switch (rule.kind) {
    case 'integer':
      return integer(option, rule.min, rule.max);
    case 'probability':
      return probability(option);
    case 'choice':
      return oneOf(option, rule.values);
  }
}

/** The parser of a setting's flag (SETTING_FLAGS), from the setting's rule (SETTING_VALUES), giving the setting's type. */
function ruled<K extends SettingKey>(key: K): (text: string) => NonNullable<PartialSettings[K]> {
  // The table's type ties each rule to its setting's type (a choice's values are of it, else a number).
  return byRule(SETTING_FLAGS[key], SETTING_VALUES[key]) as (text: string) => NonNullable<PartialSettings[K]>;
}

/** The option of a setting: its flag (SETTING_FLAGS) taking `<arg>`, parsed by the setting's rule. */
export function settingOption(key: SettingKey, arg: string, description: string): Option {
  return new Option(`${SETTING_FLAGS[key]} <${arg}>`, description).argParser(ruled(key));
}

export function oneOf<T extends string>(option: string, values: readonly T[]) {
  return (text: string): T => {
    if (!(values as readonly string[]).includes(text)) {
      throw new UsageError(`${option}: expected one of ${values.join(', ')}, got "${text}"`);
    }
    return text as T;
  };
}

/** A comma-separated list of `values`, each at most once (`--solvers sosp,apr`); `example` shows one when the list is empty. */
export function listOf<T extends string>(option: string, values: readonly T[], example: string) {
  const one = oneOf(option, values);
  return (text: string): T[] => {
    const items = text.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0) throw new UsageError(`${option}: expected a list such as ${example}, got "${text}"`);
    const out: T[] = [];
    for (const item of items) {
      const v = one(item);
      if (out.includes(v)) throw new UsageError(`${option}: ${v} is listed twice`);
      out.push(v);
    }
    return out;
  };
}

/** A size in bytes: its text as sizeTextFault has it, a unit of SIZE_UNITS, any case (`500MB`, `1GB`, `1.5 KiB`; no unit: bytes). */
export function size(option: string) {
  const units = Object.keys(SIZE_UNITS);
  return (text: string): number => {
    const fault = sizeTextFault(text);
    const m = /^([\d.]+) ?([A-Za-z]*)$/.exec(text);
    const unit = m && units.find((u) => u.toLowerCase() === (m[2] || 'B').toLowerCase());
    if (fault !== undefined || !m || !unit) throw new UsageError(`${option}: expected a size such as 500MB or 1GB${fault ? ` ${fault}` : ` (units ${units.join(', ')})`}, got "${text}"`);
    const n = Math.floor(Number(m[1]) * SIZE_UNITS[unit]!);
    if (!Number.isSafeInteger(n)) throw new UsageError(`${option}: ${text} is too large`);
    // Less than a byte would read as 0, which means no bound at all.
    if (n === 0 && Number(m[1]) > 0) throw new UsageError(`${option}: ${text} is less than one byte (0 means no bound)`);
    // A fraction of a larger unit is rounded down to a byte; a fraction of a byte was read as a size it is not.
    if (SIZE_UNITS[unit] === 1 && !Number.isInteger(Number(m[1]))) throw new UsageError(`${option}: ${text} is not a whole number of bytes (a fraction goes with a larger unit: 1.5KB)`);
    return n;
  };
}

/** `--compat reference`, the one mode there is; `script` names what it reproduces. */
export function compatOption(script: string): Option {
  return new Option('--compat <mode>', `"reference": reproduce the Python reference (${script}) byte for byte`).argParser(oneOf('--compat', ['reference'] as const));
}
