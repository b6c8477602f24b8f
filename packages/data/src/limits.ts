import { inputError, usageError } from '@mlci/core';

/**
 * Bounds on what one record may hold, so a file with no line breaks (or an unclosed quote) is refused after
 * a bounded read instead of being buffered whole. Lengths are in characters (UTF-16 code units, one per
 * ASCII byte).
 */
export interface ReadLimits {
  /**
   * Longest CSV record (one or more physical lines) or JSON Lines line.
   * @default 16,777,216 (16 Mi characters)
   */
  maxRecordLength?: number;
  /**
   * Longest CSV field, the header's names included.
   * @default 1,048,576 (1 Mi characters)
   */
  maxFieldLength?: number;
}

export const DEFAULT_MAX_RECORD_LENGTH = 16 * 1024 * 1024;
export const DEFAULT_MAX_FIELD_LENGTH = 1024 * 1024;

export interface Limits {
  maxRecordLength: number;
  maxFieldLength: number;
}

/** The limits with their defaults, each checked to be a positive integer. */
export function resolveLimits(limits: ReadLimits = {}): Limits {
  const check = (name: string, value: number | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 1) throw usageError(`${name} must be a positive integer, got ${value}`);
    return value;
  };
  return {
    maxRecordLength: check('the maximum record length', limits.maxRecordLength, DEFAULT_MAX_RECORD_LENGTH),
    maxFieldLength: check('the maximum field length', limits.maxFieldLength, DEFAULT_MAX_FIELD_LENGTH),
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** The refusal for a record or JSON line over the limit, with how to raise it. */
export function recordTooLong(file: string, line: number, limit: number, what = 'record'): Error {
  return inputError(`a ${what} longer than ${count(limit)} characters (the limit)`, {
    file,
    line,
    hint: `if the data is right, raise the limit with --max-record-length N (schema: "mlci": {"maxRecordLength": N}); a file with no line breaks, CR-only line endings or an unclosed quote reads as one huge record`,
  });
}

/** The refusal for a CSV field over the limit. */
export function fieldTooLong(file: string, line: number, limit: number): Error {
  return inputError(`a field longer than ${count(limit)} characters (the limit)`, {
    file,
    line,
    hint: `if the data is right, raise the limit with --max-field-length N (schema: "mlci": {"maxFieldLength": N}); otherwise check the delimiter and the quoting`,
  });
}
