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
 * A bare METRIC means its last logged value. METRIC is a name of letters, digits, `_`, `.` and `/`
 * (`val_loss`, `system/cpu_utilization_percentage`, `val.accuracy`) or any name in backticks.
 * Value functions: last(m), first(m), min(m), max(m), mean(m).
 * Curve functions (true/false), over the history ordered by step:
 *   rising(m, n)   the last n changes of m were all increases (needs n + 1 points)
 *   falling(m, n)  the last n changes of m were all decreases
 * e.g. `val_loss < 1.2 * train_loss`, `train_accuracy - val_accuracy <= 0.05`,
 *      `not (rising(val_loss, 3) and falling(train_loss, 3))`.
 */
import { inputError, usageError, type Outcome } from '@mlci/core';
import type { MetricPoint, RunRecord } from '@mlci/store';

type Token = { kind: 'num' | 'name' | 'op' | 'word' | 'end'; text: string; pos: number };

const WORDS = new Set(['and', 'or', 'not']);
const VALUE_FUNCS = new Set(['last', 'first', 'min', 'max', 'mean']);
const CURVE_FUNCS = new Set(['rising', 'falling']);

function syntaxError(expression: string, pos: number, message: string) {
  return usageError(`in assertion \`${expression}\`: ${message}\n    ${expression}\n    ${' '.repeat(pos)}^`, 'see `mlci gate --help` for the assertion language');
}

export function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = expression.slice(i);
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    const name = /^[A-Za-z_][A-Za-z0-9_./]*/.exec(rest);
    const op = /^(<=|>=|==|!=|<|>|\+|-|\*|\/|\(|\)|,)/.exec(rest);
    if (num) {
      tokens.push({ kind: 'num', text: num[0], pos: i });
      i += num[0].length;
    } else if (name) {
      tokens.push({ kind: WORDS.has(name[0]) ? 'word' : 'name', text: name[0], pos: i });
      i += name[0].length;
    } else if (c === '`') {
      const end = expression.indexOf('`', i + 1);
      if (end < 0) throw syntaxError(expression, i, 'unterminated ` quote');
      tokens.push({ kind: 'name', text: expression.slice(i + 1, end), pos: i });
      i = end + 1;
    } else if (op) {
      tokens.push({ kind: 'op', text: op[0], pos: i });
      i += op[0].length;
    } else {
      throw syntaxError(expression, i, `unexpected character "${c}"`);
    }
  }
  tokens.push({ kind: 'end', text: '', pos: expression.length });
  return tokens;
}

export type Node =
  | { type: 'num'; value: number }
  | { type: 'metric'; name: string; pos: number }
  | { type: 'call'; func: string; metric: string; n?: number; pos: number }
  | { type: 'neg'; operand: Node }
  | { type: 'not'; operand: Node }
  | { type: 'binary'; op: string; left: Node; right: Node; pos: number };

/** Parses one assertion into a syntax tree; a syntax error points at the column. */
export function parseAssertion(expression: string): Node {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at];
  const take = () => tokens[at++];
  const expect = (text: string) => {
    const t = take();
    if (t.text !== text) throw syntaxError(expression, t.pos, `expected "${text}"${t.kind === 'end' ? ' before the end' : `, found "${t.text}"`}`);
  };
  const binaryLevel = (ops: string[], next: () => Node) => (): Node => {
    let left = next();
    while (ops.includes(peek().text) && (peek().kind === 'op' || peek().kind === 'word')) {
      const t = take();
      left = { type: 'binary', op: t.text, left, right: next(), pos: t.pos };
    }
    return left;
  };
  const primary = (): Node => {
    const t = take();
    if (t.kind === 'num') return { type: 'num', value: Number(t.text) };
    if (t.text === '(' && t.kind === 'op') {
      const inner = or();
      expect(')');
      return inner;
    }
    if (t.kind === 'name') {
      if (peek().text !== '(') return { type: 'metric', name: t.text, pos: t.pos };
      if (!VALUE_FUNCS.has(t.text) && !CURVE_FUNCS.has(t.text)) throw syntaxError(expression, t.pos, `unknown function "${t.text}" (functions: ${[...VALUE_FUNCS, ...CURVE_FUNCS].join(', ')})`);
      take();
      const metric = take();
      if (metric.kind !== 'name') throw syntaxError(expression, metric.pos, `${t.text}() takes a metric name first`);
      let n: number | undefined;
      if (CURVE_FUNCS.has(t.text)) {
        expect(',');
        const count = take();
        if (count.kind !== 'num' || !/^\d+$/.test(count.text) || Number(count.text) < 1) throw syntaxError(expression, count.pos, `${t.text}() takes a whole number of steps >= 1 second`);
        n = Number(count.text);
      }
      expect(')');
      return { type: 'call', func: t.text, metric: metric.text, n, pos: t.pos };
    }
    throw syntaxError(expression, t.pos, t.kind === 'end' ? 'the assertion ends too early' : `unexpected "${t.text}"`);
  };
  const unary = (): Node => (peek().text === '-' && peek().kind === 'op' ? (take(), { type: 'neg', operand: unary() }) : primary());
  const product = binaryLevel(['*', '/'], unary);
  const sum = binaryLevel(['+', '-'], product);
  const compare = (): Node => {
    const left = sum();
    if (['<', '<=', '>', '>=', '==', '!='].includes(peek().text)) {
      const t = take();
      return { type: 'binary', op: t.text, left, right: sum(), pos: t.pos };
    }
    return left;
  };
  const not = (): Node => (peek().kind === 'word' && peek().text === 'not' ? (take(), { type: 'not', operand: not() }) : compare());
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
}

export interface GateResult {
  runId: string;
  runName: string;
  outcome: Outcome;
  assertions: AssertionResult[];
}

const byStep = (points: MetricPoint[]) => [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6))));

/** Evaluates one parsed assertion over a run's metric histories. */
export function evaluateAssertion(expression: string, metrics: Record<string, MetricPoint[]>): AssertionResult {
  const tree = parseAssertion(expression);
  const values: Record<string, number | number[]> = {};
  const history = (name: string): MetricPoint[] => {
    // Own keys only: a metric named like an Object member (`constructor`) is the run's, or absent.
    const points = Object.hasOwn(metrics, name) ? metrics[name] : undefined;
    if (!Array.isArray(points) || !points.length) {
      const known = Object.keys(metrics).filter((k) => metrics[k].length).sort();
      throw inputError(`assertion \`${expression}\` uses metric "${name}", which the run did not log`, {
        hint: known.length ? `metrics in the run: ${known.join(', ')}` : 'the run logged no metrics at all',
      });
    }
    return byStep(points);
  };
  type V = { value: number | boolean; text: string };
  const num = (v: V, what: string): number => {
    if (typeof v.value !== 'number') throw usageError(`in assertion \`${expression}\`: ${what} needs a number, got a true/false test (${v.text})`);
    return v.value;
  };
  const bool = (v: V, what: string): boolean => {
    if (typeof v.value !== 'boolean') throw usageError(`in assertion \`${expression}\`: ${what} needs a comparison or a test, got the number ${v.text}`, 'compare it: e.g. `accuracy >= 0.9`');
    return v.value;
  };
  const evaluate = (node: Node): V => {
    switch (node.type) {
      case 'num':
        return { value: node.value, text: fmt(node.value) };
      case 'metric': {
        const points = history(node.name);
        const v = points[points.length - 1].value;
        values[node.name] = v;
        return { value: v, text: fmt(v) };
      }
      case 'call': {
        const points = history(node.metric).map((p) => p.value);
        const label = node.n === undefined ? `${node.func}(${node.metric})` : `${node.func}(${node.metric}, ${node.n})`;
        if (node.func === 'rising' || node.func === 'falling') {
          const tail = points.slice(-(node.n! + 1));
          values[label] = tail;
          const ok = tail.length === node.n! + 1 && tail.slice(1).every((v, i) => (node.func === 'rising' ? v > tail[i] : v < tail[i]));
          return { value: ok, text: `${label}=${ok}` };
        }
        const v =
          node.func === 'last' ? points[points.length - 1]
          : node.func === 'first' ? points[0]
          : node.func === 'min' ? Math.min(...points)
          : node.func === 'max' ? Math.max(...points)
          : points.reduce((a, b) => a + b, 0) / points.length;
        values[label] = v;
        return { value: v, text: fmt(v) };
      }
      case 'neg': {
        const v = evaluate(node.operand);
        return { value: -num(v, 'minus'), text: `-${v.text}` };
      }
      case 'not': {
        const v = evaluate(node.operand);
        return { value: !bool(v, '"not"'), text: `not ${v.text}` };
      }
      case 'binary': {
        const l = evaluate(node.left);
        const r = evaluate(node.right);
        const text = `${l.text} ${node.op} ${r.text}`;
        // Parenthesised so that `not (a and b)` still reads as it was written; the outermost pair is dropped below.
        switch (node.op) {
          case 'and':
            return { value: bool(l, '"and"') && bool(r, '"and"'), text: `(${text})` };
          case 'or':
            return { value: bool(l, '"or"') || bool(r, '"or"'), text: `(${text})` };
        }
        const a = num(l, `"${node.op}"`);
        const b = num(r, `"${node.op}"`);
        const paren = (s: string) => `(${s})`;
        switch (node.op) {
          case '+': return { value: a + b, text: paren(text) };
          case '-': return { value: a - b, text: paren(text) };
          case '*': return { value: a * b, text };
          case '/': return { value: a / b, text };
          case '<': return { value: a < b, text };
          case '<=': return { value: a <= b, text };
          case '>': return { value: a > b, text };
          case '>=': return { value: a >= b, text };
          case '==': return { value: a === b, text };
          default: return { value: a !== b, text };
        }
      }
    }
  };
  const result = evaluate(tree);
  const passed = bool(result, 'an assertion');
  const outer = tree.type === 'binary' && (tree.op === 'and' || tree.op === 'or');
  return { expression, passed, values, evaluated: outer ? result.text.slice(1, -1) : result.text };
}

/** Checks every assertion against a run; outcome `fail` when any fails. Errors (syntax, unknown metric) throw. */
export function gateRun(run: Pick<RunRecord, 'id' | 'name' | 'metrics'>, assertions: string[]): GateResult {
  const list = assertions.map((a) => a.trim()).filter(Boolean);
  if (!list.length) throw usageError('no assertions to check', "give at least one: --assert 'val_loss < 1.2 * train_loss'");
  const results = list.map((a) => evaluateAssertion(a, run.metrics));
  return { runId: run.id, runName: run.name, outcome: results.every((r) => r.passed) ? 'pass' : 'fail', assertions: results };
}
