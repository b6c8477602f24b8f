import type { FieldType, SchemaField } from './schema';

/** What a cast returns for a value that is not of the field's type. */
export const INVALID = Symbol('invalid');

export type Cast = (raw: unknown) => unknown;

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;
const NON_FINITE: Record<string, number> = { NaN: NaN, nan: NaN, INF: Infinity, Infinity: Infinity, inf: Infinity, '-INF': -Infinity, '-Infinity': -Infinity, '-inf': -Infinity };

function castNumber(raw: unknown): unknown {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return INVALID;
  if (NUMBER.test(raw)) return Number(raw);
  return raw in NON_FINITE ? NON_FINITE[raw] : INVALID;
}

function castInteger(raw: unknown): unknown {
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : INVALID;
  if (typeof raw !== 'string' || !INTEGER.test(raw)) return INVALID;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : INVALID;
}

function castDate(raw: unknown): unknown {
  if (typeof raw !== 'string') return INVALID;
  const m = DATE.exec(raw);
  if (!m) return INVALID;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : INVALID;
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
      return (raw) => (typeof raw === 'boolean' ? raw : typeof raw === 'string' ? (trues.has(raw) ? true : falses.has(raw) ? false : INVALID) : INVALID);
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
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}
