/**
 * MLflow's search grammar (`filter_string`, `order_by`, page tokens), read the way MLflow's server reads it
 * (mlflow/utils/search_utils.py over sqlparse, evaluated as its SQL store evaluates it), written anew for
 * mlci: a small lexer groups the string into comparisons and `AND`s as sqlparse does; each comparison is then
 * checked with MLflow's rules (entity types, attribute keys, value types, comparators) and fails with
 * MLflow's INVALID_PARAMETER_VALUE and message. Anything the grammar does not allow (OR, parentheses, a metric
 * compared with a string...) is an error, never a filter that silently matches something else.
 */
import { ApiError, invalid } from './protocol';

/** One lexical token of a filter, with its source text. */
interface Tok {
  type: 'ident' | 'string' | 'number' | 'op' | 'kw' | 'paren' | 'semi' | 'other';
  text: string;
  /** Numbers: an integer literal (no `.` or exponent). */
  int?: boolean;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE', 'ILIKE']);
const OPS = ['<=', '>=', '!=', '<>', '==', '=', '<', '>'];
const WORD = /[A-Za-z_][A-Za-z0-9_$]*/y;
const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![A-Za-z0-9_])/y;

function quoted(s: string, i: number, q: string): number {
  // Index just past the closing quote (a doubled quote is part of the text), or -1 when unterminated.
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === q) {
      if (s[j + 1] === q) j++;
      else return j + 1;
    }
  }
  return -1;
}

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const prevAllowsSign = () => !out.length || ['op', 'kw'].includes(out[out.length - 1].type);
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      const end = quoted(s, i, "'");
      if (end < 0) {
        out.push({ type: 'other', text: s.slice(i) });
        break;
      }
      out.push({ type: 'string', text: s.slice(i, end) });
      i = end;
      continue;
    }
    if (c === '(') {
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === "'" || s[j] === '"') {
          const end = quoted(s, j, s[j]);
          if (end < 0) {
            j = s.length;
            break;
          }
          j = end - 1;
        } else if (s[j] === '(') depth++;
        else if (s[j] === ')' && --depth === 0) break;
      }
      out.push({ type: j < s.length ? 'paren' : 'other', text: s.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    if (c === ';') {
      out.push({ type: 'semi', text: ';' });
      i++;
      continue;
    }
    NUMBER.lastIndex = i;
    const n = NUMBER.exec(s);
    if (n && (/[\d.]/.test(c) || prevAllowsSign())) {
      out.push({ type: 'number', text: n[0], int: !/[.eE]/.test(n[0]) });
      i += n[0].length;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (op) {
      out.push({ type: 'op', text: op });
      i += op.length;
      continue;
    }
    // An identifier: a word, a "quoted" or `backticked` name, and dotted parts of those.
    const start = i;
    let parts = 0;
    for (;;) {
      const ch = s[i];
      if (ch === '"' || ch === '`') {
        const end = quoted(s, i, ch);
        if (end < 0) break;
        i = end;
      } else {
        WORD.lastIndex = i;
        const w = WORD.exec(s);
        if (!w) break;
        i += w[0].length;
      }
      parts++;
      if (s[i] === '.' && i + 1 < s.length && /[A-Za-z_"`]/.test(s[i + 1])) i++;
      else break;
    }
    if (parts) {
      const text = s.slice(start, i);
      if (parts === 1 && KEYWORDS.has(text.toUpperCase())) out.push({ type: 'kw', text });
      else out.push({ type: 'ident', text });
      continue;
    }
    out.push({ type: 'other', text: s.slice(i, i + 1) });
    i = start + 1;
  }
  return out;
}

/** A comparison as the grammar grouped it, before MLflow's rules are applied. */
interface RawComparison {
  left: Tok;
  op: string;
  right?: Tok;
}

type Item = { cmp: RawComparison } | { and: true } | { bad: string };

const isOperand = (t: Tok | undefined) => !!t && ['ident', 'string', 'number'].includes(t.type);
const kw = (t: Tok | undefined, word: string) => !!t && t.type === 'kw' && t.text.toUpperCase() === word;

/** Groups tokens into comparisons and ANDs, as sqlparse's grouping (and MLflow's IN / IS NULL joins) does. */
function group(filter: string): Item[] {
  const toks = lex(filter);
  const semi = toks.findIndex((t) => t.type === 'semi');
  if (semi >= 0 && semi < toks.length - 1)
    throw invalid(`Search filter contained multiple expression ${pyRepr(filter)}. Provide AND-ed expression list.`);
  const items: Item[] = [];
  for (let i = 0; i < toks.length; i++) {
    const [a, b, c, d] = [toks[i], toks[i + 1], toks[i + 2], toks[i + 3]];
    if (isOperand(a) && b?.type === 'op' && isOperand(c)) {
      items.push({ cmp: { left: a, op: b.text, right: c } });
      i += 2;
    } else if (isOperand(a) && (kw(b, 'LIKE') || kw(b, 'ILIKE')) && isOperand(c)) {
      items.push({ cmp: { left: a, op: b.text, right: c } });
      i += 2;
    } else if (a.type === 'ident' && kw(b, 'IN') && c?.type === 'paren') {
      items.push({ cmp: { left: a, op: b.text, right: c } });
      i += 2;
    } else if (a.type === 'ident' && kw(b, 'NOT') && kw(c, 'IN') && d?.type === 'paren') {
      items.push({ cmp: { left: a, op: 'NOT IN', right: d } });
      i += 3;
    } else if (a.type === 'ident' && kw(b, 'IS') && kw(c, 'NULL')) {
      items.push({ cmp: { left: a, op: 'IS NULL' } });
      i += 2;
    } else if (a.type === 'ident' && kw(b, 'IS') && kw(c, 'NOT') && kw(d, 'NULL')) {
      items.push({ cmp: { left: a, op: 'IS NOT NULL' } });
      i += 3;
    } else if (kw(a, 'AND')) items.push({ and: true });
    else items.push({ bad: a.text });
  }
  return items;
}

/** Python's repr of a str, as MLflow's messages print them. */
function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  return q + s.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`) + q;
}
/** Python's repr of a set or tuple of strings (a set's order is Python's hash order: any order is as right). */
const pySet = (items: Iterable<string>) => `{${[...items].map(pyRepr).join(', ')}}`;
const pyTuple = (items: string[]) => `(${items.map(pyRepr).join(', ')}${items.length === 1 ? ',' : ''})`;

const isQuoted = (v: string, q: string) => v.length >= 2 && v.startsWith(q) && v.endsWith(q);
const trimBackticks = (v: string) => (isQuoted(v, '`') ? v.slice(1, -1) : v);
function stripQuotes(v: string, expectQuoted = false): string {
  if (isQuoted(v, "'") || isQuoted(v, '"')) return v.slice(1, -1);
  if (expectQuoted)
    throw invalid(
      `Parameter value is either not quoted or unidentified quote types used for string value ${v}. Use either single or double quotes.`,
    );
  return v;
}

/** `('a', "b")`: a non-empty list of quoted strings (what ast.literal_eval accepts for MLflow's IN lists). */
function parseList(text: string): string[] {
  const inner = text.slice(1, -1);
  const values: Array<string | null> = [];
  let i = 0;
  let expectValue = true;
  while (i < inner.length) {
    const c = inner[i];
    if (/\s/.test(c)) i++;
    else if (c === ',' && !expectValue) {
      expectValue = true;
      i++;
    } else if ((c === "'" || c === '"') && expectValue) {
      let j = i + 1;
      while (j < inner.length && inner[j] !== c) j += inner[j] === '\\' ? 2 : 1;
      if (j >= inner.length) return illFormed();
      values.push(inner.slice(i + 1, j));
      i = j + 1;
      expectValue = false;
    } else if (expectValue && /[-+\d.]/.test(c)) {
      const m = /^[-+]?[\d.]+(?:[eE][-+]?\d+)?/.exec(inner.slice(i))!;
      values.push(null);
      i += m[0].length;
      expectValue = false;
    } else return illFormed();
  }
  if (!values.length) throw invalid('While parsing a list in the query, expected a non-empty list of string values, but got empty list');
  if (values.some((v) => v === null))
    throw invalid(
      `While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${text}`,
    );
  return values as string[];
}
const illFormed = (): never => {
  throw invalid('While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.');
};

// ---------------------------------------------------------------------------------------------------------
// Runs: metrics., params., tags., attributes., datasets.

export type ClauseType = 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset';

/** One checked comparison: what it compares, how, and with what (a tuple for IN / NOT IN, null for IS NULL). */
export interface Clause {
  type: ClauseType;
  key: string;
  comparator: string;
  value: string | number | string[] | null;
}

const ENTITY_ALIASES: Record<string, ClauseType> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'parameter',
  parameters: 'parameter',
  param: 'parameter',
  params: 'parameter',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attr: 'attribute',
  attributes: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};
const IDENTIFIERS = "['metric', 'parameter', 'tag', 'attribute', 'dataset']";

export const METRIC_COMPARATORS = ['>', '>=', '!=', '=', '<', '<='];
const PARAM_COMPARATORS = ['!=', '=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'];
const STRING_ATTRIBUTE_COMPARATORS = ['!=', '=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const DATASET_KEYS = ['name', 'digest', 'context'];
const RUN_NUMERIC_ATTRIBUTES = ['start_time', 'end_time', 'created', 'Created'];
const RUN_ATTRIBUTES = ['artifact_uri', 'end_time', 'run_id', 'run_name', 'start_time', 'status', 'user_id'];
const RUN_SEARCH_KEYS = [...RUN_ATTRIBUTES, 'created', 'Created', 'run name', 'Run name', 'Run Name'];
const RUN_ORDER_KEYS = [...RUN_ATTRIBUTES, 'created', 'Created'];

/** `created` is `start_time`, `Run name` is `run_name`, as in MLflow. */
export function translateKey(key: string): string {
  if (key === 'created' || key === 'Created') return 'start_time';
  if (key === 'run name' || key === 'Run name' || key === 'Run Name') return 'run_name';
  return key;
}

function runIdentifier(text: string, validAttributes: string[]): { type: ClauseType; key: string } {
  const dot = text.indexOf('.');
  const [entity, rawKey] = dot < 0 ? ['attribute', text] : [text.slice(0, dot), text.slice(dot + 1)];
  const type = ENTITY_ALIASES[trimBackticks(entity)];
  if (!type) throw invalid(`Invalid entity type '${trimBackticks(entity)}'. Valid values are ${IDENTIFIERS}`);
  const key = trimBackticks(stripQuotes(rawKey));
  if (type === 'attribute' && !validAttributes.includes(key))
    throw invalid(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(validAttributes)}'`);
  if (type === 'dataset' && !DATASET_KEYS.includes(key))
    throw invalid(`Invalid dataset key '${key}' specified. Valid keys are '${pySet(DATASET_KEYS)}'`);
  return { type, key };
}

const isIdentifierTok = (t: Tok) => t.type === 'ident';

function runValue(type: ClauseType, key: string, tok: Tok, numericAttributes: string[], listKeys: string[] | null): Clause['value'] {
  if (type === 'metric') {
    if (tok.type !== 'number') throw invalid(`Expected numeric value type for metric. Found ${tok.text}`);
    return tok.text;
  }
  if (type === 'parameter' || type === 'tag') {
    if (tok.type === 'string' || isIdentifierTok(tok)) return stripQuotes(tok.text, true);
    throw invalid(`Expected a quoted string value for ${type} (e.g. 'my-value'). Got value ${tok.text}`);
  }
  if (type === 'attribute') {
    if (numericAttributes.includes(key)) {
      if (tok.type !== 'number') throw invalid(`Expected numeric value type for numeric attribute: ${key}. Found ${tok.text}`);
      return Number(tok.text);
    }
    if (tok.type === 'string' || isIdentifierTok(tok)) return stripQuotes(tok.text, true);
    if (tok.type === 'paren') {
      if (listKeys && !listKeys.includes(key))
        throw invalid(`Only [${listKeys.map(pyRepr).join(', ')}] attributes support comparison with a list of quoted string values.`);
      return parseList(tok.text);
    }
    throw invalid(`Expected a quoted string value for attributes. Got value ${tok.text}`);
  }
  // dataset
  if (tok.type === 'string' || isIdentifierTok(tok)) return stripQuotes(tok.text, true);
  if (tok.type === 'paren') return parseList(tok.text);
  throw invalid(`Expected a quoted string value for dataset attributes. Got value ${tok.text}`);
}

function checkComparison(c: RawComparison): void {
  if (c.left.type !== 'ident') throw invalid(`Invalid comparison clause. Expected 'Identifier' found '${c.left.text}'`);
}

function comparisons(filter: string, quoteInvalid: boolean): RawComparison[] {
  const items = group(filter);
  const bad = items.filter((i): i is { bad: string } => 'bad' in i);
  if (bad.length) throw invalid(`Invalid clause(s) in filter string: ${bad.map((b) => (quoteInvalid ? `'${b.bad}'` : b.bad)).join(', ')}`);
  return items.filter((i): i is { cmp: RawComparison } => 'cmp' in i).map((i) => i.cmp);
}

/** `filter_string` of runs/search, parsed and checked as MLflow's parse_search_filter does. */
export function parseRunFilter(filter: string | undefined): Clause[] {
  if (!filter) return [];
  return comparisons(filter, true).map((c) => {
    checkComparison(c);
    const id = runIdentifier(c.left.text, RUN_SEARCH_KEYS);
    if (!c.right) {
      if (id.type !== 'tag' && id.type !== 'parameter')
        throw invalid(`IS NULL / IS NOT NULL is only supported for tags and params, not for '${id.type}' '${id.key}'`);
      return { ...id, comparator: c.op, value: null };
    }
    return { ...id, comparator: c.op, value: runValue(id.type, id.key, c.right, RUN_NUMERIC_ATTRIBUTES, ['run_id']) };
  });
}

/**
 * The comparator rules MLflow's store applies when it runs a parsed run filter: each kind of key allows its
 * own comparators. Returns the comparator upper-cased; throws MLflow's message otherwise.
 */
export function checkRunComparator(clause: Clause): string {
  const c = clause.comparator.toUpperCase();
  const key = translateKey(clause.key);
  const fail = (allowed: string[], close = "'") => {
    throw invalid(`Invalid comparator '${c}' not one of '${pySet(allowed)}${close}`);
  };
  if (clause.type === 'attribute') {
    if (RUN_NUMERIC_ATTRIBUTES.includes(key)) {
      if (!METRIC_COMPARATORS.includes(c)) fail(STRING_ATTRIBUTE_COMPARATORS, '');
    } else if (!STRING_ATTRIBUTE_COMPARATORS.includes(c)) fail(STRING_ATTRIBUTE_COMPARATORS);
  } else if (clause.type === 'metric' && !METRIC_COMPARATORS.includes(c)) fail(METRIC_COMPARATORS, '');
  else if (clause.type === 'parameter' && !PARAM_COMPARATORS.includes(c)) fail(PARAM_COMPARATORS);
  else if (clause.type === 'tag' && !PARAM_COMPARATORS.includes(c)) fail(PARAM_COMPARATORS, '');
  else if (clause.type === 'dataset' && !STRING_ATTRIBUTE_COMPARATORS.includes(c)) fail(STRING_ATTRIBUTE_COMPARATORS, '');
  return c;
}

// ---------------------------------------------------------------------------------------------------------
// Experiments: attributes name, experiment_id, creation_time, last_update_time; tags.

const EXPERIMENT_KEYS = ['name', 'experiment_id', 'creation_time', 'last_update_time'];
const EXPERIMENT_NUMERIC = ['creation_time', 'last_update_time'];

function experimentIdentifier(text: string): { type: ClauseType; key: string } {
  const dot = text.indexOf('.');
  let type: ClauseType = 'attribute';
  let rawKey = text;
  if (dot >= 0) {
    const entity = text.slice(0, dot);
    if (!['attribute', 'tag', 'tags'].includes(entity))
      throw invalid(`Invalid entity type '${entity}'. Valid entity types are ('attribute', 'tag', 'tags')`);
    type = ENTITY_ALIASES[entity];
    rawKey = text.slice(dot + 1);
  }
  const key = trimBackticks(stripQuotes(rawKey));
  if (type === 'attribute' && !EXPERIMENT_KEYS.includes(key))
    throw invalid(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(EXPERIMENT_KEYS)}'`);
  return { type, key };
}

/** `filter` of experiments/search, parsed and its comparators checked as MLflow's SQL store checks them. */
export function parseExperimentFilter(filter: string | undefined): Clause[] {
  if (!filter) return [];
  const clauses = comparisons(filter, false).map((c): Clause => {
    checkComparison(c);
    const id = experimentIdentifier(c.left.text);
    if (!c.right) {
      if (id.type !== 'tag') throw invalid(`IS NULL / IS NOT NULL is only supported for tags, not for attribute '${id.key}'`);
      return { ...id, comparator: c.op, value: null };
    }
    return { ...id, comparator: c.op, value: runValue(id.type, id.key, c.right, EXPERIMENT_NUMERIC, ['experiment_id']) };
  });
  for (const c of clauses) {
    const op = c.comparator.toUpperCase();
    if (c.type === 'tag') {
      if (!['=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'].includes(op))
        throw invalid(`Invalid comparator for tag: ${c.comparator}`);
    } else if (c.key === 'experiment_id') {
      if (!['=', '!=', 'IN', 'NOT IN'].includes(op)) throw invalid(`Invalid comparator for experiment_id: ${c.comparator}`);
      for (const v of Array.isArray(c.value) ? c.value : [c.value])
        if (!/^\d+$/.test(String(v))) throw invalid(`Invalid experiment ID: ${v}`);
    } else if (EXPERIMENT_NUMERIC.includes(c.key)) {
      if (!METRIC_COMPARATORS.includes(op)) throw invalid(`Invalid comparator for numeric attribute: ${c.comparator}`);
      if (!Number.isInteger(c.value)) throw invalid(`Invalid value for numeric attribute '${c.key}': '${c.value}'`);
    } else {
      if (!STRING_ATTRIBUTE_COMPARATORS.includes(op))
        throw invalid(`Invalid comparator '${op}' not one of '${pySet(STRING_ATTRIBUTE_COMPARATORS)}'`);
      if (!['=', '!=', 'LIKE', 'ILIKE'].includes(op)) throw invalid(`Invalid comparator for string attribute: ${c.comparator}`);
    }
    c.comparator = op;
  }
  return clauses;
}

// ---------------------------------------------------------------------------------------------------------
// Logged models (mlflow/utils/search_logged_model_utils.py): attributes, metrics., params., tags.

export interface ModelClause {
  entity: 'attributes' | 'metrics' | 'params' | 'tags';
  key: string;
  op: string;
  value: string | number | string[];
}

/** MLflow's other names for the logged_models timestamp columns (in filters and order_by). */
export const MODEL_ALIASES: Record<string, string> = {
  creation_time: 'creation_timestamp_ms',
  creation_timestamp: 'creation_timestamp_ms',
  last_updated_timestamp: 'last_updated_timestamp_ms',
};
/** The columns of MLflow's logged_models table that a filter may name. */
export const MODEL_COLUMNS = [
  'model_id',
  'experiment_id',
  'name',
  'artifact_location',
  'creation_timestamp_ms',
  'last_updated_timestamp_ms',
  'status',
  'lifecycle_stage',
  'model_type',
  'source_run_id',
  'status_message',
];

/** `filter` of logged-models/search. */
export function parseLoggedModelFilter(filter: string | undefined): ModelClause[] {
  if (!filter) return [];
  const items = group(filter);
  const out: ModelClause[] = [];
  for (const item of items) {
    if ('and' in item) continue;
    if ('bad' in item || !item.cmp.right)
      throw invalid(
        `Invalid filter string: ${pyRepr(filter)}. Expected a list of comparisons separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').`,
      );
    const { left, right } = item.cmp;
    const op = item.cmp.op.toUpperCase();
    const m = /^([a-z]+)\.(.+)$/s.exec(left.text);
    let entity: ModelClause['entity'] = 'attributes';
    let key: string;
    if (m) {
      if (!['attributes', 'metrics', 'params', 'tags'].includes(m[1]))
        throw invalid(`Invalid entity type: ${pyRepr(m[1])}. Expected one of ['attributes', 'metrics', 'params', 'tags'].`);
      entity = m[1] as ModelClause['entity'];
      key = m[2].replace(/^`+|`+$/g, '');
    } else key = (MODEL_ALIASES[left.text] ?? left.text).replace(/^`+|`+$/g, '');
    if (entity === 'attributes') key = MODEL_ALIASES[key] ?? key;
    const numeric =
      entity === 'metrics' || (entity === 'attributes' && ['creation_timestamp_ms', 'last_updated_timestamp_ms'].includes(key));
    const ops = numeric ? ['<', '<=', '>', '>=', '=', '!='] : ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
    const shown = `${entity}.${key}`;
    if (!ops.includes(op)) throw invalid(`Invalid comparison operator for ${shown}: '${op}'. Expected one of ${pyTuple(ops)}.`);
    if (entity === 'attributes' && !MODEL_COLUMNS.includes(key)) throw invalid(`Invalid logged model search key '${key}'`);
    let value: ModelClause['value'];
    if (numeric) {
      value = Number(right!.text);
      if (right!.type !== 'number' || Number.isNaN(value))
        throw invalid(`Invalid value for ${shown}: ${right!.text} (a number is expected)`);
    } else if (right!.type === 'paren') value = parseList(right!.text);
    else value = right!.text.replace(/^'+|'+$/g, '');
    out.push({ entity, key, op, value });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// order_by, comparisons, page tokens.

export interface OrderKey {
  type: ClauseType;
  key: string;
  ascending: boolean;
}

/** Splits `metrics.acc DESC` into its key and direction, as MLflow's _parse_order_by_string. */
function orderByParts(orderBy: string): { token: string; ascending: boolean } {
  const toks = lex(orderBy.trim());
  const couldNot = () => invalid(`Invalid order_by clause '${orderBy}'. Could not be parsed.`);
  if (!toks.length || toks.length > 2 || toks[0].type !== 'ident') throw couldNot();
  // shlex after backticks become double quotes: the key without its quotes.
  const token = toks[0].text.replace(/[`"]/g, '');
  if (toks.length === 1) return { token, ascending: true };
  if (toks[1].type !== 'ident') throw couldNot();
  const dir = toks[1].text.toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') throw invalid(`Invalid ordering key in order_by clause '${orderBy}'.`);
  return { token, ascending: dir === 'asc' };
}

/** `order_by` of runs/search: identifiers with ASC/DESC; a field twice is MLflow's (500) error. */
export function parseRunOrderBy(orderBy: string[]): OrderKey[] {
  const seen = new Set<string>();
  return orderBy.map((o) => {
    const { token, ascending } = orderByParts(o);
    const id = runIdentifier(token.trim(), RUN_ORDER_KEYS);
    if (id.type === 'dataset') throw invalid(`Invalid identifier type '${id.type}'`);
    const key = translateKey(id.key);
    const seenKey = `${id.type}\0${key}`;
    if (seen.has(seenKey))
      throw new ApiError(500, 'INTERNAL_ERROR', `\`order_by\` contains duplicate fields: [${orderBy.map(pyRepr).join(', ')}]`);
    seen.add(seenKey);
    return { type: id.type, key, ascending };
  });
}

/** `order_by` of experiments/search: attributes only. */
export function parseExperimentOrderBy(orderBy: string[]): OrderKey[] {
  return orderBy.map((o) => {
    const { token, ascending } = orderByParts(o);
    const id = experimentIdentifier(token.trim());
    if (id.type !== 'attribute') throw invalid(`Invalid order_by entity: ${id.type}`);
    return { ...id, ascending };
  });
}

/** SQL LIKE (`%` any run, `_` one character), case-sensitive as MLflow's sqlite store runs it; ILIKE ignores case. */
export function like(value: string, pattern: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '[\\s\\S]*')
    .replace(/_/g, '[\\s\\S]');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

/** A value compared as MLflow's SQL store compares it (strings byte-wise, numbers numerically). */
export function compare(lhs: string | number, op: string, rhs: Clause['value']): boolean {
  switch (op) {
    case '=':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case '<':
      return lhs < (rhs as typeof lhs);
    case '<=':
      return lhs <= (rhs as typeof lhs);
    case '>':
      return lhs > (rhs as typeof lhs);
    case '>=':
      return lhs >= (rhs as typeof lhs);
    case 'LIKE':
      return like(String(lhs), String(rhs), false);
    case 'ILIKE':
      return like(String(lhs), String(rhs), true);
    case 'IN':
      return (rhs as string[]).includes(String(lhs));
    case 'NOT IN':
      return !(rhs as string[]).includes(String(lhs));
  }
  throw invalid(`Invalid comparator '${op}'`);
}

/**
 * Sorts by several keys as MLflow's SQL store does: for each key, rows with a value first (in the key's
 * direction), then NaN (metrics), then rows without the key; ties broken by what `tieBreak` says.
 */
export function sortBy<T>(
  rows: T[],
  keys: Array<{ value: (row: T) => string | number | null | undefined; ascending: boolean }>,
  tieBreak: (a: T, b: T) => number,
): T[] {
  const rank = (v: unknown) => (v === null || v === undefined ? 2 : typeof v === 'number' && Number.isNaN(v) ? 1 : 0);
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const va = k.value(a);
      const vb = k.value(b);
      const ra = rank(va);
      const rb = rank(vb);
      if (ra !== rb) return ra - rb;
      if (ra === 0 && va !== vb) return (va! < vb! ? -1 : 1) * (k.ascending ? 1 : -1);
    }
    return tieBreak(a, b);
  });
}

/** MLflow's page token: base64 of `{"offset": N}` (runs, experiments). */
export function pageOffset(token: unknown): number {
  if (!token) return 0;
  let decoded: string;
  try {
    decoded = Buffer.from(String(token), 'base64').toString('utf8');
  } catch {
    throw invalid('Invalid page token, could not base64-decode');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    throw invalid(`Invalid page token, decoded value=b${pyRepr(decoded)}`);
  }
  const offset = (parsed as { offset?: unknown })?.offset;
  if (!offset) throw invalid(`Invalid page token, parsed value=${decoded}`);
  const n = Number(offset);
  if (!Number.isInteger(n) || n < 0) throw invalid(`Invalid page token, not stringable ${offset}`);
  return n;
}

export const pageToken = (offset: number) => Buffer.from(JSON.stringify({ offset }).replace(':', ': ')).toString('base64');

/** A page of `rows` from a token's offset, and the token of the next page when rows remain. */
export function paginate<T>(rows: T[], token: unknown, max: number): { page: T[]; next?: string } {
  const offset = pageOffset(token);
  const page = rows.slice(offset, offset + max);
  return offset + max < rows.length ? { page, next: pageToken(offset + max) } : { page };
}

/**
 * `max_results` as MLflow checks it: a positive integer, at most 50000. runs/search checks the limit in its
 * request handler (`handlerLimit`), with the handler's message; the other searches in the store.
 */
export function maxResults(value: unknown, fallback: number, handlerLimit = false): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  const type = typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : 'str';
  const hint = ` Hint: Value was of type '${type}'. See the API docs for more information about request parameters.`;
  if (!Number.isInteger(n)) throw invalid(`Invalid value ${JSON.stringify(value)} for parameter 'max_results' supplied: ${hint}`);
  if (handlerLimit && n > 50000) throw invalid(`Invalid value ${n} for parameter 'max_results' supplied: ${hint}`);
  if (n < 1) throw invalid(`Invalid value ${n} for parameter 'max_results' supplied. It must be a positive integer`);
  if (n > 50000) throw invalid(`Invalid value ${n} for parameter 'max_results' supplied. It must be at most 50000`);
  return n;
}

/** `run_view_type` / `view_type`: the enum's name or number; ACTIVE_ONLY by default. */
export function viewStages(value: unknown): Array<'active' | 'deleted'> {
  const v = value === undefined || value === null || value === '' ? 'ACTIVE_ONLY' : String(value).toUpperCase();
  if (v === 'ACTIVE_ONLY' || v === '1') return ['active'];
  if (v === 'DELETED_ONLY' || v === '2') return ['deleted'];
  if (v === 'ALL' || v === '3') return ['active', 'deleted'];
  throw invalid(`Invalid value ${JSON.stringify(value)} for parameter 'run_view_type': one of ACTIVE_ONLY, DELETED_ONLY, ALL is expected`);
}
