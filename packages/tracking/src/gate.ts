/**
 * overfit-gate: assertions over a run's metrics in a small expression language, parsed by a tokenizer and a
 * recursive-descent parser and evaluated over the run's metrics (never `eval`).
 *
 * Language (one assertion per string):
 *   assertion  := or
 *   or         := and ('or' and)*
 *   and        := not ('and' not)*
 *   not        := 'not' not | compare
 *   compare    := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?
 *   sum        := product (('+' | '-') product)*
 *   product    := unary (('*' | '/') unary)*
 *   unary      := '-' unary | primary
 *   primary    := NUMBER | METRIC | FUNC '(' METRIC (',' NUMBER)? ')' | '(' or ')'
 * A bare METRIC means its last logged value. METRIC is a name of letters, digits, `_` and `.` (`val_loss`,
 * `val.accuracy`), or any name in backticks (`` `val-loss` ``). A name with `/` (`system/cpu_utilization_percentage`,
 * `train/loss`, as MLflow allows) is that metric when the run logged it; otherwise `/` divides (`zero/zero` is
 * `zero / zero`). Backticks always mean one metric.
 * Value functions: last(m), first(m), min(m), max(m), mean(m).
 * Curve functions (true/false), over the history ordered by step:
 *   rising(m, n)   the last n changes of m were all increases (needs n + 1 points)
 *   falling(m, n)  the last n changes of m were all decreases
 * e.g. `val_loss < 1.2 * train_loss`, `train_accuracy - val_accuracy <= 0.05`,
 *      `not (rising(val_loss, 3) and falling(train_loss, 3))`.
 * NaN (0/0, a NaN metric) makes a comparison unknown, and unknown is never a pass: `not` of an unknown is
 * unknown, `and`/`or` follow three-valued (Kleene) logic, and an assertion that ends unknown fails with a note.
 * Limits: an assertion is at most MAX_ASSERTION_LENGTH characters and nests at most MAX_ASSERTION_DEPTH levels.
 */
import { inputError, usageError, type Outcome } from '@mlci/core';
import type { MetricPoint, RunRecord } from '@mlci/store';

type Token = { kind: 'num' | 'name' | 'op' | 'word' | 'end'; text: string; pos: number; end: number; quoted?: boolean };

const WORDS = new Set(['and', 'or', 'not']);
const VALUE_FUNCS = new Set(['last', 'first', 'min', 'max', 'mean']);
const CURVE_FUNCS = new Set(['rising', 'falling']);

/** Longest assertion read: far above any real one, small enough that no input can exhaust the stack or the CPU. */
export const MAX_ASSERTION_LENGTH = 4096;
/** Deepest nesting of parentheses, `not` and unary minus. */
export const MAX_ASSERTION_DEPTH = 64;

const shown = (expression: string) => (expression.length > 120 ? `${expression.slice(0, 120)}…` : expression);

function syntaxError(expression: string, pos: number, message: string) {
  // Long assertions are shown around the error, so the caret still points at it.
  const from = Math.max(0, pos - 60);
  const excerpt = expression.slice(from, from + 120);
  const lead = from > 0 ? '…' : '';
  return usageError(
    `in assertion \`${shown(expression)}\`: ${message}\n    ${lead}${excerpt}\n    ${' '.repeat(pos - from + lead.length)}^`,
    'see `mlci gate --help` for the assertion language',
  );
}

// A name, then `/name` or `/number` parts glued to it without spaces: one token, read at evaluation as the
// metric of that name when the run logged it, otherwise as a division of its parts.
const NAME = /^[A-Za-z_][A-Za-z0-9_.]*(\/[A-Za-z0-9_.]+)*/;
const NUMBER = /^(\d+\.?\d*|\.\d+)([eE]\d+)?$/;

export function tokenize(expression: string): Token[] {
  if (expression.length > MAX_ASSERTION_LENGTH) {
    throw usageError(
      `assertion is ${expression.length.toLocaleString('en-US')} characters long, above the limit of ${MAX_ASSERTION_LENGTH.toLocaleString('en-US')}: \`${shown(expression)}\``,
      'split it into several assertions (each --assert, or each gates: entry, must hold)',
    );
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = expression.slice(i, i + 256);
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    const name = NAME.exec(expression.slice(i));
    const op = /^(<=|>=|==|!=|<|>|\+|-|\*|\/|\(|\)|,)/.exec(rest);
    if (num) {
      tokens.push({ kind: 'num', text: num[0], pos: i, end: i + num[0].length });
      i += num[0].length;
    } else if (name) {
      tokens.push({ kind: WORDS.has(name[0]) ? 'word' : 'name', text: name[0], pos: i, end: i + name[0].length });
      i += name[0].length;
    } else if (c === '`') {
      const end = expression.indexOf('`', i + 1);
      if (end < 0) throw syntaxError(expression, i, 'unterminated ` quote');
      // A quoted name is one metric whatever it holds: marked so that `/` inside it never divides.
      tokens.push({ kind: 'name', text: expression.slice(i + 1, end), pos: i, end: end + 1, quoted: true });
      i = end + 1;
    } else if (op) {
      tokens.push({ kind: 'op', text: op[0], pos: i, end: i + op[0].length });
      i += op[0].length;
    } else {
      throw syntaxError(expression, i, `unexpected character "${c}"`);
    }
  }
  tokens.push({ kind: 'end', text: '', pos: expression.length, end: expression.length });
  return tokens;
}

/** Source span [start, end) of a node in the assertion, for notes that quote it. */
type Span = { start: number; end: number };

export type Node = Span &
  (
    | { type: 'num'; value: number }
    | { type: 'metric'; name: string; pos: number; quoted?: boolean }
    | { type: 'call'; func: string; metric: string; n?: number; pos: number }
    | { type: 'neg'; operand: Node }
    | { type: 'not'; operand: Node }
    | { type: 'binary'; op: string; left: Node; right: Node; pos: number }
  );

/** Parses one assertion into a syntax tree; a syntax error points at the column. Never recurses deeper than MAX_ASSERTION_DEPTH levels. */
export function parseAssertion(expression: string): Node {
  const tokens = tokenize(expression);
  let at = 0;
  let depth = 0;
  const peek = () => tokens[at];
  const take = () => tokens[at++];
  const last = () => tokens[at - 1].end;
  const expect = (text: string) => {
    const t = take();
    if (t.text !== text)
      throw syntaxError(expression, t.pos, `expected "${text}"${t.kind === 'end' ? ' before the end' : `, found "${t.text}"`}`);
  };
  const nested = <T>(t: Token, body: () => T): T => {
    if (++depth > MAX_ASSERTION_DEPTH) throw syntaxError(expression, t.pos, `nested more than ${MAX_ASSERTION_DEPTH} levels deep`);
    const value = body();
    depth--;
    return value;
  };
  const binaryLevel = (ops: string[], next: () => Node) => (): Node => {
    let left = next();
    while (ops.includes(peek().text) && (peek().kind === 'op' || peek().kind === 'word')) {
      const t = take();
      const right = next();
      left = { type: 'binary', op: t.text, left, right, pos: t.pos, start: left.start, end: right.end };
    }
    return left;
  };
  const primary = (): Node => {
    const t = take();
    if (t.kind === 'num') return { type: 'num', value: Number(t.text), start: t.pos, end: t.end };
    if (t.text === '(' && t.kind === 'op') {
      return nested(t, () => {
        const inner = or();
        expect(')');
        return { ...inner, start: t.pos, end: last() };
      });
    }
    if (t.kind === 'name') {
      if (peek().text !== '(')
        return { type: 'metric', name: t.text, pos: t.pos, start: t.pos, end: t.end, ...(t.quoted ? { quoted: true } : {}) };
      if (!VALUE_FUNCS.has(t.text) && !CURVE_FUNCS.has(t.text))
        throw syntaxError(expression, t.pos, `unknown function "${t.text}" (functions: ${[...VALUE_FUNCS, ...CURVE_FUNCS].join(', ')})`);
      take();
      const metric = take();
      if (metric.kind !== 'name') throw syntaxError(expression, metric.pos, `${t.text}() takes a metric name first`);
      let n: number | undefined;
      if (CURVE_FUNCS.has(t.text)) {
        expect(',');
        const count = take();
        if (count.kind !== 'num' || !/^\d+$/.test(count.text) || Number(count.text) < 1)
          throw syntaxError(expression, count.pos, `${t.text}() takes a whole number of steps >= 1 second`);
        n = Number(count.text);
      }
      expect(')');
      return { type: 'call', func: t.text, metric: metric.text, n, pos: t.pos, start: t.pos, end: last() };
    }
    throw syntaxError(expression, t.pos, t.kind === 'end' ? 'the assertion ends too early' : `unexpected "${t.text}"`);
  };
  const unary = (): Node => {
    const t = peek();
    if (t.text !== '-' || t.kind !== 'op') return primary();
    take();
    return nested(t, () => {
      const operand = unary();
      return { type: 'neg', operand, start: t.pos, end: operand.end };
    });
  };
  const product = binaryLevel(['*', '/'], unary);
  const sum = binaryLevel(['+', '-'], product);
  const compare = (): Node => {
    const left = sum();
    if (['<', '<=', '>', '>=', '==', '!='].includes(peek().text)) {
      const t = take();
      const right = sum();
      return { type: 'binary', op: t.text, left, right, pos: t.pos, start: left.start, end: right.end };
    }
    return left;
  };
  const not = (): Node => {
    const t = peek();
    if (t.kind !== 'word' || t.text !== 'not') return compare();
    take();
    return nested(t, () => {
      const operand = not();
      return { type: 'not', operand, start: t.pos, end: operand.end };
    });
  };
  const and = binaryLevel(['and'], not);
  const or: () => Node = binaryLevel(['or'], and);
  const tree = or();
  if (peek().kind !== 'end') throw syntaxError(expression, peek().pos, `unexpected "${peek().text}" after a complete assertion`);
  return tree;
}

export interface AssertionResult {
  expression: string;
  passed: boolean;
  /** Each metric reference the assertion read, with the value used (`val_loss`, `min(val_loss)`, `rising(val_loss, 3)` → the points compared). */
  values: Record<string, number | number[]>;
  /** The assertion with the values substituted, e.g. `0.42 < 1.2 * 0.40`. */
  evaluated: string;
  /** Why the assertion could not be decided, e.g. `zero/zero is NaN (0/0)`; present only when there is something to say. */
  notes?: string[];
}

export interface GateResult {
  runId: string;
  runName: string;
  outcome: Outcome;
  assertions: AssertionResult[];
}

const byStep = (points: MetricPoint[]) => [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6))));

/** A value during evaluation: a number, true/false, or null for unknown (a comparison that met NaN). */
type Value = number | boolean | null;
type V = { value: Value; text: string; kind: 'number' | 'truth' };

/** Evaluates one parsed assertion over a run's metric histories. */
export function evaluateAssertion(expression: string, metrics: Record<string, MetricPoint[]>): AssertionResult {
  const tree = parseAssertion(expression);
  const values: Record<string, number | number[]> = Object.create(null); // a metric may be named __proto__
  const notes: string[] = [];
  const note = (text: string) => notes.includes(text) || notes.push(text);
  const source = (node: Node) => expression.slice(node.start, node.end).trim();
  const logged = (name: string) => Object.hasOwn(metrics, name) && Array.isArray(metrics[name]) && metrics[name].length > 0;
  const known = () =>
    Object.keys(metrics)
      .filter((k) => Array.isArray(metrics[k]) && metrics[k].length)
      .sort();
  const unknownMetric = (name: string, extra = '') =>
    inputError(`assertion \`${shown(expression)}\` uses metric "${name}", which the run did not log${extra}`, {
      hint:
        (known().length ? `metrics in the run: ${known().join(', ')}` : 'the run logged no metrics at all') +
        (name.includes('/') ? '; a name with "/" is that metric when the run logged it, otherwise a division of its parts' : ''),
    });
  const history = (name: string): MetricPoint[] => {
    // Own keys only: a metric named like an Object member (`constructor`) is the run's, or absent.
    if (!logged(name)) throw unknownMetric(name);
    return byStep(metrics[name]);
  };
  const number = (value: number, text: string): V => ({ value, text, kind: 'number' });
  const truth = (value: boolean | null, text: string): V => ({ value, text, kind: 'truth' });
  const num = (v: V, what: string): number => {
    if (v.kind !== 'number')
      throw usageError(`in assertion \`${shown(expression)}\`: ${what} needs a number, got a true/false test (${v.text})`);
    return v.value as number;
  };
  const bool = (v: V, what: string): boolean | null => {
    if (v.kind !== 'truth')
      throw usageError(
        `in assertion \`${shown(expression)}\`: ${what} needs a comparison or a test, got the number ${v.text}`,
        'compare it: e.g. `accuracy >= 0.9`',
      );
    return v.value as boolean | null;
  };
  const lastValue = (name: string, label = name): V => {
    const points = history(name);
    const v = points[points.length - 1].value;
    values[label] = v;
    if (Number.isNaN(v)) note(`${label} is NaN (logged as NaN)`);
    return number(v, fmt(v));
  };
  /** `a/b` that is not a metric: its parts divided left to right. */
  const division = (node: Extract<Node, { type: 'metric' }>): V => {
    const parts = node.name.split('/');
    const missing = parts.find((p) => !NUMBER.test(p) && !logged(p));
    if (missing !== undefined)
      throw unknownMetric(
        node.name,
        ` (and as a division, "${missing}" is ${/^[\d.]/.test(missing) ? 'not a number' : 'not a metric of the run'} either)`,
      );
    const operands = parts.map((p) => (NUMBER.test(p) ? number(Number(p), p) : lastValue(p)));
    let result = operands[0].value as number;
    for (const o of operands.slice(1)) {
      const before = result;
      result /= o.value as number;
      if (Number.isNaN(result) && !Number.isNaN(before) && !Number.isNaN(o.value as number))
        note(`${node.name} is NaN (${fmt(before)}/${fmt(o.value as number)})`);
    }
    return number(result, operands.map((o) => o.text).join(' / '));
  };
  const arithmetic = (node: Node, a: number, b: number, result: number, symbol: string) => {
    // Say where a NaN first appears; one already in an operand was noted where it came from.
    if (Number.isNaN(result) && !Number.isNaN(a) && !Number.isNaN(b)) note(`${source(node)} is NaN (${fmt(a)}${symbol}${fmt(b)})`);
    return result;
  };
  const evaluate = (node: Node): V => {
    switch (node.type) {
      case 'num':
        return number(node.value, fmt(node.value));
      case 'metric':
        if (!node.quoted && node.name.includes('/') && !logged(node.name)) return division(node);
        return lastValue(node.name);
      case 'call': {
        const points = history(node.metric).map((p) => p.value);
        const label = node.n === undefined ? `${node.func}(${node.metric})` : `${node.func}(${node.metric}, ${node.n})`;
        if (node.func === 'rising' || node.func === 'falling') {
          const tail = points.slice(-(node.n! + 1));
          values[label] = tail;
          if (tail.some(Number.isNaN)) {
            note(`${label} cannot be decided: ${node.metric} has NaN among its last ${tail.length} values`);
            return truth(null, `${label}=unknown`);
          }
          const ok = tail.length === node.n! + 1 && tail.slice(1).every((v, i) => (node.func === 'rising' ? v > tail[i] : v < tail[i]));
          return truth(ok, `${label}=${ok}`);
        }
        const v =
          node.func === 'last'
            ? points[points.length - 1]
            : node.func === 'first'
              ? points[0]
              : node.func === 'min'
                ? points.reduce((a, b) => (a < b || Number.isNaN(a) ? a : b))
                : node.func === 'max'
                  ? points.reduce((a, b) => (a > b || Number.isNaN(a) ? a : b))
                  : points.reduce((a, b) => a + b, 0) / points.length;
        values[label] = v;
        if (Number.isNaN(v)) note(`${label} is NaN (${node.metric} has a NaN value)`);
        return number(v, fmt(v));
      }
      case 'neg': {
        const v = evaluate(node.operand);
        return number(-num(v, 'minus'), `-${v.text}`);
      }
      case 'not': {
        const v = evaluate(node.operand);
        const b = bool(v, '"not"');
        // not unknown is still unknown: a NaN comparison never turns into a pass by negation.
        return truth(b === null ? null : !b, `not ${v.text}`);
      }
      case 'binary': {
        const l = evaluate(node.left);
        const r = evaluate(node.right);
        const text = `${l.text} ${node.op} ${r.text}`;
        // Parenthesised so that `not (a and b)` still reads as it was written; the outermost pair is dropped below.
        switch (node.op) {
          case 'and': {
            const a = bool(l, '"and"');
            const b = bool(r, '"and"');
            return truth(a === false || b === false ? false : a === null || b === null ? null : true, `(${text})`);
          }
          case 'or': {
            const a = bool(l, '"or"');
            const b = bool(r, '"or"');
            return truth(a === true || b === true ? true : a === null || b === null ? null : false, `(${text})`);
          }
        }
        const a = num(l, `"${node.op}"`);
        const b = num(r, `"${node.op}"`);
        const paren = (s: string) => `(${s})`;
        switch (node.op) {
          case '+':
            return number(arithmetic(node, a, b, a + b, '+'), paren(text));
          case '-':
            return number(arithmetic(node, a, b, a - b, '-'), paren(text));
          case '*':
            return number(arithmetic(node, a, b, a * b, '*'), text);
          case '/':
            return number(arithmetic(node, a, b, a / b, '/'), text);
        }
        // A comparison with NaN is neither true nor false.
        if (Number.isNaN(a) || Number.isNaN(b)) {
          note(`\`${source(node)}\` cannot be decided: ${Number.isNaN(a) ? source(node.left) : source(node.right)} is NaN`);
          return truth(null, text);
        }
        switch (node.op) {
          case '<':
            return truth(a < b, text);
          case '<=':
            return truth(a <= b, text);
          case '>':
            return truth(a > b, text);
          case '>=':
            return truth(a >= b, text);
          case '==':
            return truth(a === b, text);
          default:
            return truth(a !== b, text);
        }
      }
    }
  };
  let result: V;
  try {
    result = evaluate(tree);
  } catch (error) {
    // The parser bounds nesting; this is the backstop should a chain still be too long for the stack.
    if (error instanceof RangeError)
      throw usageError(`assertion \`${shown(expression)}\` is too complex to evaluate`, 'split it into several assertions');
    throw error;
  }
  const decided = bool(result, 'an assertion');
  if (decided === null) note('the assertion is neither true nor false (NaN), so it fails');
  const outer = tree.type === 'binary' && (tree.op === 'and' || tree.op === 'or');
  return {
    expression,
    passed: decided === true,
    values,
    evaluated: outer ? result.text.slice(1, -1) : result.text,
    ...(notes.length ? { notes } : {}),
  };
}

/**
 * The result as JSON can hold it: NaN and ±Infinity among the values used become "NaN", "Infinity",
 * "-Infinity", as in run.json (`encodeRunRecord`), where JSON.stringify would write null.
 */
export function encodeGateResult(result: GateResult): GateResult {
  const encode = (v: number) => (Number.isFinite(v) ? v : String(v));
  return {
    ...result,
    assertions: result.assertions.map((a) => ({
      ...a,
      // fromEntries defines own properties: a value named `__proto__` stays a value.
      values: Object.fromEntries(Object.entries(a.values).map(([k, v]) => [k, Array.isArray(v) ? v.map(encode) : encode(v)])) as Record<
        string,
        number | number[]
      >,
    })),
  };
}

/** Checks every assertion against a run; outcome `fail` when any fails. Errors (syntax, unknown metric) throw. */
export function gateRun(run: Pick<RunRecord, 'id' | 'name' | 'metrics'>, assertions: string[]): GateResult {
  const list = assertions.map((a) => a.trim()).filter(Boolean);
  if (!list.length) throw usageError('no assertions to check', "give at least one: --assert 'val_loss < 1.2 * train_loss'");
  const results = list.map((a) => evaluateAssertion(a, run.metrics));
  return { runId: run.id, runName: run.name, outcome: results.every((r) => r.passed) ? 'pass' : 'fail', assertions: results };
}
