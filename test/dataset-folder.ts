import { parse } from 'yaml';

/**
 * Reading a corpus folder the way Hugging Face `datasets` does, for the corpus tests: the
 * card's YAML front matter and its `data_files` globs, and the JSON builder's view of a line
 * (an Arrow row: every line an object with the same columns, each column of one type).
 */

export interface CardConfig {
  config_name: string;
  data_files: Array<{ split: string; path: string }>;
}

export interface CardMeta {
  pretty_name: string;
  license: string;
  task_categories: string[];
  size_categories: string[];
  tags: string[];
  configs: CardConfig[];
  [key: string]: unknown;
}

/** The YAML between the leading `---` lines of a README.md, parsed. */
export function cardMeta(readme: string): CardMeta {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(readme);
  if (!m) throw new Error('no YAML front matter');
  return parse(m[1]!) as CardMeta;
}

/** A `data_files` glob as `datasets` matches it against paths in the folder: `*` stays within one path segment. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${body}$`);
}

/**
 * The type of a JSON value as Arrow infers it from the text: `int` or `float` by how the
 * number is written (`0` or `0.0`), `string`, `bool`, `null`, a list of one element type
 * (`undefined`: no element seen yet), or an object with its keys in order.
 */
export type JsonType = 'int' | 'float' | 'string' | 'bool' | 'null' | { list: JsonType | undefined } | { object: Array<[string, JsonType]> };

export function jsonType(text: string): JsonType {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): JsonType => {
    ws();
    const c = text[i]!;
    if (c === '"') {
      str();
      return 'string';
    }
    if (c === '{') {
      i++;
      const keys: Array<[string, JsonType]> = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { object: keys };
      }
      for (;;) {
        ws();
        const k = str();
        ws();
        i++; // ':'
        keys.push([k, value(`${path}.${k}`)]);
        ws();
        if (text[i++] === '}') return { object: keys };
      }
    }
    if (c === '[') {
      i++;
      let el: JsonType | undefined;
      ws();
      if (text[i] === ']') {
        i++;
        return { list: undefined };
      }
      for (;;) {
        el = unify(el, value(`${path}[]`), `${path}[]`);
        ws();
        if (text[i++] === ']') return { list: el };
      }
    }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 40));
    if (!m) throw new Error(`${path}: not JSON at ${i}`);
    i += m[0].length;
    if (m[0] === 'null') return 'null';
    if (m[0] === 'true' || m[0] === 'false') return 'bool';
    return m[2] !== undefined || m[3] !== undefined ? 'float' : 'int';
  };
  const t = value('');
  ws();
  if (i !== text.length) throw new Error('text after the value');
  return t;
}

const show = (t: JsonType | undefined): string => (t === undefined ? '?' : typeof t === 'string' ? t : 'list' in t ? `list<${show(t.list)}>` : `{${t.object.map(([k]) => k).join(', ')}}`);

/**
 * One type for two values of a column, or an error naming the column: lists unify their
 * elements (an empty list fits any list), objects need the same keys in the same order, and
 * `null` or a number that is sometimes an int and sometimes a float is refused.
 */
export function unify(a: JsonType | undefined, b: JsonType | undefined, path: string): JsonType | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a === 'null' || b === 'null') throw new Error(`${path || 'line'}: null`);
  if (typeof a === 'string' || typeof b === 'string') {
    if (a !== b) throw new Error(`${path || 'line'}: ${show(a)} on one line, ${show(b)} on another`);
    return a;
  }
  if ('list' in a && 'list' in b) return { list: unify(a.list, b.list, `${path}[]`) };
  if ('object' in a && 'object' in b) {
    const ka = a.object.map(([k]) => k).join(',');
    const kb = b.object.map(([k]) => k).join(',');
    if (ka !== kb) throw new Error(`${path || 'line'}: keys ${ka} on one line, ${kb} on another`);
    return { object: a.object.map(([k, t], n) => [k, unify(t, b.object[n]![1], `${path}.${k}`)!]) };
  }
  throw new Error(`${path || 'line'}: ${show(a)} on one line, ${show(b)} on another`);
}

/** A declared column type, read from the card as `datasets` reads its YAML (`dtype`, `list`, `struct`). */
export type Declared = { dtype: string } | { list: Declared } | { struct: Array<[string, Declared]> };

function declared(node: Record<string, unknown>): Declared {
  if ('dtype' in node) return { dtype: String(node.dtype) };
  if ('struct' in node) return { struct: fieldsOf(node.struct as Array<Record<string, unknown>>) };
  if ('list' in node) {
    const v = node.list;
    if (typeof v === 'string') return { list: { dtype: v } };
    if (Array.isArray(v)) return { list: { struct: fieldsOf(v as Array<Record<string, unknown>>) } };
    return { list: declared(v as Record<string, unknown>) };
  }
  throw new Error(`not a feature: ${JSON.stringify(node)}`);
}

function fieldsOf(list: Array<Record<string, unknown>>): Array<[string, Declared]> {
  return list.map(({ name, ...rest }) => [String(name), declared(rest)]);
}

/** The declared columns of a config (`dataset_info` in the card). */
export function declaredColumns(meta: CardMeta, config: string): Array<[string, Declared]> {
  const info = (meta.dataset_info as Array<{ config_name: string; features: Array<Record<string, unknown>> }>).find((d) => d.config_name === config);
  if (!info) throw new Error(`no dataset_info for ${config}`);
  return fieldsOf(info.features);
}

/**
 * Checks a line's type against the declared one, exactly: ints in int64, floats in float64,
 * the struct's keys in the declared order, and `null` only as the element of a list that is
 * always empty.
 */
export function conforms(d: Declared, t: JsonType | undefined, path: string): void {
  if (t === undefined) return;
  const fail = (what: string) => {
    throw new Error(`${path}: declared ${JSON.stringify(d)}, ${what}`);
  };
  if ('dtype' in d) {
    const want = { int64: 'int', float64: 'float', string: 'string', bool: 'bool' }[d.dtype];
    if (t !== want) fail(`found ${typeof t === 'string' ? t : JSON.stringify(t)}`);
    return;
  }
  if (typeof t === 'string') return fail(`found ${t}`);
  if ('list' in d) {
    if (!('list' in t)) return fail('found no list');
    if (t.list !== undefined && 'dtype' in d.list && d.list.dtype === 'null') fail('found a non-empty list');
    return conforms(d.list, t.list, `${path}[]`);
  }
  if (!('object' in t)) return fail('found no object');
  const keys = t.object.map(([k]) => k).join(',');
  if (keys !== d.struct.map(([k]) => k).join(',')) fail(`found keys ${keys}`);
  d.struct.forEach(([k, sub], n) => conforms(sub, t.object[n]![1], `${path}.${k}`));
}
