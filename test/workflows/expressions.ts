/**
 * A small evaluator for GitHub Actions `${{ }}` expressions, enough for the example workflows: literals,
 * context paths (`github.event.inputs.run`, `steps.s.outputs['x']`, `matrix.lr`), `!`, `==`, `!=`, `<`,
 * `<=`, `>`, `>=`, `&&`, `||`, parentheses, and the functions success(), failure(), always(), cancelled(),
 * contains(), startsWith(), endsWith(), format(), join(), fromJSON(), toJSON().
 *
 * Semantics follow GitHub's documentation: `&&`/`||` return an operand (not a boolean), comparisons coerce
 * mismatched types to numbers and compare strings ignoring case, property names are case-insensitive, and a
 * missing property is null. Anything else (object filters `.*`, hashFiles) throws, so a workflow that needs
 * more fails loudly instead of silently evaluating to ''.
 */

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

/** Contexts by name (github, env, inputs, steps, matrix, needs, secrets, runner, job, vars, strategy). */
export type Contexts = Record<string, unknown>;

/** What the status functions answer: the job's state so far. */
export interface StatusState {
  /** A previous step (or, for a job's `if:`, a needed job) failed. */
  failed: boolean;
  cancelled?: boolean;
}

type Token =
  { kind: 'num'; value: number } | { kind: 'str'; value: string } | { kind: 'ident'; value: string } | { kind: 'op'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      // Strings use single quotes; '' inside is one quote.
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated string in expression: ${text}`);
        if (text[i] === "'" && text[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (text[i] === "'") {
          i++;
          break;
        } else value += text[i++];
      }
      tokens.push({ kind: 'str', value });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9.]/.test(text[i + 1] ?? '') && !isOperand(tokens.at(-1)))) {
      const m = /^-?(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?)/i.exec(text.slice(i))!;
      tokens.push({ kind: 'num', value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'ident', value: m[0] });
      i += m[0].length;
    } else {
      const two = text.slice(i, i + 2);
      if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
        tokens.push({ kind: 'op', value: two });
        i += 2;
      } else if ('!<>()[].,'.includes(c)) {
        tokens.push({ kind: 'op', value: c });
        i++;
      } else throw new Error(`unexpected character '${c}' in expression: ${text}`);
    }
  }
  return tokens;
}

const isOperand = (t: Token | undefined) => !!t && (t.kind !== 'op' || t.value === ')' || t.value === ']');

/** GitHub's truthiness: false, 0, -0, NaN, '' and null are falsy; everything else (also [] and {}) is truthy. */
export function truthy(v: Value): boolean {
  return !(v === null || v === false || v === '' || (typeof v === 'number' && (v === 0 || Number.isNaN(v))));
}

/** A value as it appears in a string (interpolation, inputs, outputs). */
export function toText(v: Value | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v, null, 2);
  return String(v);
}

function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b && (typeof a !== 'object' || a === null || b === null)) return a === b;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return a === b;
  return toNumber(a) === toNumber(b);
}

function compare(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = toNumber(a);
  const y = toNumber(b);
  return Number.isNaN(x) || Number.isNaN(y) ? NaN : x - y;
}

/** Property lookup, case-insensitive as GitHub's; missing → null. */
function property(obj: Value, key: Value): Value {
  if (obj === null || typeof obj !== 'object') return null;
  if (Array.isArray(obj)) {
    const index = toNumber(key);
    return Number.isInteger(index) && index >= 0 && index < obj.length ? obj[index]! : null;
  }
  const name = toText(key);
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name] ?? null;
  const found = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return found === undefined ? null : (obj[found] ?? null);
}

class Parser {
  private pos = 0;
  constructor(
    private tokens: Token[],
    private contexts: Contexts,
    private status: StatusState,
    private source: string,
  ) {}

  parse(): Value {
    const v = this.or();
    if (this.pos < this.tokens.length) throw this.error(`unexpected '${this.tokens[this.pos]!.value}'`);
    return v;
  }

  private error(message: string) {
    return new Error(`${message} in expression: ${this.source}`);
  }
  private peek(value: string) {
    const t = this.tokens[this.pos];
    return t?.kind === 'op' && t.value === value;
  }
  private expect(value: string) {
    if (!this.peek(value)) throw this.error(`expected '${value}'`);
    this.pos++;
  }

  private or(): Value {
    let left = this.and();
    while (this.peek('||')) {
      this.pos++;
      const right = this.and();
      left = truthy(left) ? left : right;
    }
    return left;
  }
  private and(): Value {
    let left = this.equality();
    while (this.peek('&&')) {
      this.pos++;
      const right = this.equality();
      left = truthy(left) ? right : left;
    }
    return left;
  }
  private equality(): Value {
    let left = this.comparison();
    while (this.peek('==') || this.peek('!=')) {
      const op = this.tokens[this.pos++]!.value;
      const right = this.comparison();
      left = op === '==' ? equal(left, right) : !equal(left, right);
    }
    return left;
  }
  private comparison(): Value {
    let left = this.unary();
    while (this.peek('<') || this.peek('<=') || this.peek('>') || this.peek('>=')) {
      const op = this.tokens[this.pos++]!.value;
      const c = compare(left, this.unary());
      left = op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    }
    return left;
  }
  private unary(): Value {
    if (this.peek('!')) {
      this.pos++;
      return !truthy(this.unary());
    }
    return this.postfix();
  }
  private postfix(): Value {
    let v = this.primary();
    for (;;) {
      if (this.peek('.')) {
        this.pos++;
        const t = this.tokens[this.pos++];
        if (t?.kind !== 'ident') throw this.error('expected a property name after "."');
        v = property(v, t.value);
      } else if (this.peek('[')) {
        this.pos++;
        const key = this.or();
        this.expect(']');
        v = property(v, key);
      } else return v;
    }
  }
  private primary(): Value {
    const t = this.tokens[this.pos++];
    if (!t) throw this.error('unexpected end');
    if (t.kind === 'num' || t.kind === 'str') return t.value;
    if (t.kind === 'op') {
      if (t.value !== '(') throw this.error(`unexpected '${t.value}'`);
      const v = this.or();
      this.expect(')');
      return v;
    }
    const name = t.value;
    if (name === 'true') return true;
    if (name === 'false') return false;
    if (name === 'null') return null;
    if (this.peek('(')) {
      this.pos++;
      const args: Value[] = [];
      if (!this.peek(')')) {
        args.push(this.or());
        while (this.peek(',')) {
          this.pos++;
          args.push(this.or());
        }
      }
      this.expect(')');
      return this.call(name.toLowerCase(), args);
    }
    const key = Object.keys(this.contexts).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) throw this.error(`unknown context '${name}'`);
    return (this.contexts[key] ?? null) as Value;
  }

  private call(name: string, args: Value[]): Value {
    const text = (i: number) => toText(args[i] ?? null);
    switch (name) {
      case 'success':
        return !this.status.failed && !this.status.cancelled;
      case 'failure':
        return this.status.failed;
      case 'always':
        return true;
      case 'cancelled':
        return !!this.status.cancelled;
      case 'contains': {
        const [haystack, needle] = [args[0] ?? null, args[1] ?? null];
        if (Array.isArray(haystack)) return haystack.some((x) => equal(x, needle));
        return text(0).toLowerCase().includes(text(1).toLowerCase());
      }
      case 'startswith':
        return text(0).toLowerCase().startsWith(text(1).toLowerCase());
      case 'endswith':
        return text(0).toLowerCase().endsWith(text(1).toLowerCase());
      case 'format':
        return text(0).replace(/\{\{|\}\}|\{(\d+)\}/g, (m, i: string | undefined) =>
          m === '{{' ? '{' : m === '}}' ? '}' : text(Number(i) + 1),
        );
      case 'join': {
        const sep = args.length > 1 ? text(1) : ',';
        return Array.isArray(args[0]) ? args[0].map((x) => toText(x)).join(sep) : text(0);
      }
      case 'fromjson':
        try {
          return JSON.parse(text(0)) as Value;
        } catch {
          throw this.error(`fromJSON: not JSON: ${text(0).slice(0, 80)}`);
        }
      case 'tojson':
        return JSON.stringify(args[0] ?? null, null, 2);
      default:
        throw this.error(`unsupported function ${name}()`);
    }
  }
}

/** Evaluates one expression (the text inside `${{ }}`, or an `if:` condition). */
export function evaluate(expression: string, contexts: Contexts, status: StatusState = { failed: false }): Value {
  return new Parser(tokenize(expression), contexts, status, expression).parse();
}

const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;

/** Replaces every `${{ … }}` in `text` with its value as text (what the runner does to `with:`, `env:`, `run:`). */
export function interpolate(text: string, contexts: Contexts, status?: StatusState): string {
  return text.replace(EXPRESSION, (_m, expr: string) => toText(evaluate(expr, contexts, status)));
}

/**
 * An `if:` condition: with or without `${{ }}`; without a status function it means `success() && (…)`,
 * as on GitHub. Absent → success().
 */
export function condition(text: unknown, contexts: Contexts, status: StatusState): boolean {
  if (text === undefined || text === null || text === '') return !status.failed && !status.cancelled;
  if (typeof text === 'boolean') return text && !status.failed;
  let expr = String(text).trim();
  const whole = /^\$\{\{([\s\S]*)\}\}$/.exec(expr);
  if (whole && !whole[1]!.includes('}}')) expr = whole[1]!;
  else if (expr.includes('${{')) return truthy(interpolate(expr, contexts, status));
  const usesStatus = /\b(success|failure|always|cancelled)\s*\(/i.test(expr);
  return truthy(evaluate(usesStatus ? expr : `success() && (${expr})`, contexts, status));
}
