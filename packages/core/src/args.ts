import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with mlci's error style: an unknown or malformed flag becomes a usage error
 * (exit 2) that names the flag and points at `mlci <command> --help`.
 */
export function parseFlags<O extends Options>(command: string, args: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    throw usageError((error as Error).message, `run \`mlci ${command} --help\` for the flags it takes`);
  }
}

/** Parses a number flag, naming the flag when it is not a finite number within bounds. */
export function numberFlag(name: string, raw: string | undefined, fallback: number, bounds: { min?: number; max?: number } = {}): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || (bounds.min !== undefined && value < bounds.min) || (bounds.max !== undefined && value > bounds.max)) {
    const range = [bounds.min !== undefined ? `>= ${bounds.min}` : '', bounds.max !== undefined ? `<= ${bounds.max}` : '']
      .filter(Boolean)
      .join(' and ');
    throw usageError(`--${name} must be a number${range ? ` ${range}` : ''}, got "${raw}"`);
  }
  return value;
}
