import type { FieldType, SchemaField } from './schema';

/** What a cast returns for a value that is not of the field's type. */
export const INVALID = Symbol('invalid');

export type Cast = (raw: unknown) => unknown;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;
const NON_FINITE = new Map<string, number>([
  ['NaN', NaN],
  ['nan', NaN],
  ['INF', Infinity],
  ['Infinity', Infinity],
  ['inf', Infinity],
  ['-INF', -Infinity],
  ['-Infinity', -Infinity],
  ['-inf', -Infinity],
]);

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Whether `Number(text)` can be trusted to mean what Table Schema's number grammar means: it accepts
 * whitespace, hex, binary and octal that the grammar does not, so the first and last characters are checked
 * (no whitespace, a digit, sign or point first, a digit or point last) and "0x", "0b", "0o" refused. Anything
 * this rejects goes to the full regular expression, so it only has to be right when it says yes.
 */
function plainDecimal(text: string): boolean {
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(text.length - 1);
  if (!(isDigit(first) || first === 45 || first === 43 || first === 46) || !(isDigit(last) || last === 46)) return false;
  if (first === 48 && text.length > 2) {
    const second = text.charCodeAt(1) | 32;
    if (second === 120 || second === 98 || second === 111) return false;
  }
  return true;
}

/** Exact powers of ten (every one up to 1e22 is a double exactly). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A plain decimal ([+-]digits[.digits], at most 15 significant digits) read by character codes, or NaN when
 * the text is not one (the caller then takes the full path). Exact: the digits form an integer below 2^53
 * and the divisor a power of ten below 1e23, both exact doubles, so the one division rounds correctly and
 * gives what Number(text) gives (the fast path of Clinger's algorithm), without Number's string scan.
 */
function plainDecimalValue(raw: string): number {
  const n = raw.length;
  let i = 0;
  let c = raw.charCodeAt(0);
  const negative = c === 45;
  if (negative || c === 43) i = 1;
  let mantissa = 0;
  let digits = 0;
  let point = -1;
  for (; i < n; i++) {
    c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
    } else if (c === 46 && point < 0) point = i;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const value = point < 0 || point === n - 1 ? mantissa : mantissa / POW10[n - point - 1];
  return negative ? -value : value;
}

function castNumber(raw: unknown): unknown {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return INVALID;
  if (raw.length === 0) return INVALID;
  const fast = plainDecimalValue(raw);
  if (fast === fast) return fast;
  // Number() plus a two-character check instead of a regular expression per value.
  const value = +raw;
  if (value === value && plainDecimal(raw)) return value;
  if (NUMBER.test(raw)) return Number(raw);
  return NON_FINITE.get(raw) ?? INVALID;
}

function castInteger(raw: unknown): unknown {
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : INVALID;
  if (typeof raw !== 'string' || raw.length === 0) return INVALID;
  const negative = raw.charCodeAt(0) === 45;
  let i = negative || raw.charCodeAt(0) === 43 ? 1 : 0;
  if (i === raw.length) return INVALID;
  let value = 0;
  for (; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (!isDigit(c)) return INVALID;
    value = value * 10 + (c - 48);
  }
  // Up to 15 digits the sum is exact; past that Number() decides (and safe-integer bounds refuse).
  if (raw.length > 15) {
    const big = Number(raw);
    return Number.isSafeInteger(big) ? big : INVALID;
  }
  return negative ? -value : value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const digitsAt = (s: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
};

/** YYYY-MM-DD to UTC milliseconds, by character codes (no match arrays or Date objects per value). */
function castDate(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw.length !== 10 || raw.charCodeAt(4) !== 45 || raw.charCodeAt(7) !== 45) return INVALID;
  const y = digitsAt(raw, 0, 4);
  const m = digitsAt(raw, 5, 7);
  const d = digitsAt(raw, 8, 10);
  if (y < 0 || m < 1 || m > 12 || d < 1) return INVALID;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1])) return INVALID;
  // Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear does not.
  return y >= 100 ? Date.UTC(y, m - 1, d) : new Date(0).setUTCFullYear(y, m - 1, d);
}

function castDatetime(raw: unknown): unknown {
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(raw)) return INVALID;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? INVALID : ms;
}

function castTime(raw: unknown): unknown {
  if (typeof raw !== 'string') return INVALID;
  const m = TIME.exec(raw);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3]) > 59) return INVALID;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4] ?? 0);
}

function castYear(raw: unknown): unknown {
  const value = castInteger(raw);
  return value === INVALID || (value as number) < 0 || (value as number) > 9999 ? INVALID : value;
}

/**
 * The cast for a field: raw value (string from CSV, native from JSONL/Parquet) to a comparable value
 * (number for numeric, dates and times as milliseconds or seconds, strings as they are), or INVALID.
 */
export function castFor(field: SchemaField): Cast {
  const type: FieldType = field.type ?? 'string';
  switch (type) {
    case 'integer':
      return castInteger;
    case 'number':
      return castNumber;
    case 'year':
      return castYear;
    case 'date':
      return castDate;
    case 'datetime':
      return castDatetime;
    case 'time':
      return castTime;
    case 'boolean': {
      const trues = new Set(field.trueValues ?? ['true', 'True', 'TRUE', '1']);
      const falses = new Set(field.falseValues ?? ['false', 'False', 'FALSE', '0']);
      return (raw) =>
        typeof raw === 'boolean' ? raw : typeof raw === 'string' ? (trues.has(raw) ? true : falses.has(raw) ? false : INVALID) : INVALID;
    }
    case 'string':
      return (raw) => (typeof raw === 'string' ? raw : typeof raw === 'object' ? INVALID : String(raw));
    default:
      return (raw) => raw;
  }
}

/** A cast value back in the form a person reads (dates as dates, not milliseconds). */
export function display(type: FieldType | undefined, value: unknown): string {
  if (typeof value === 'number' && (type === 'date' || type === 'datetime')) {
    const iso = new Date(value).toISOString();
    return type === 'date' ? iso.slice(0, 10) : iso;
  }
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
