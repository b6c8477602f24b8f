/** Metric and param capture from files: DVC's params.yaml / metrics.json and the MLCI_METRICS_FILE protocol. */
import { stat } from 'node:fs/promises';
import { inputError, MlciError, parseYaml, readTextFile } from '@mlci/core';
import type { RunCollector } from './collector';

/**
 * Flattens nested objects into dotted keys (`train.lr`), as DVC shows params and metrics. Arrays stay whole.
 * The result has no prototype, so a key named `__proto__` is stored, not swallowed by the assignment.
 */
export function flatten(value: unknown, prefix = '', out: Record<string, unknown> = Object.create(null)): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

const paramString = (v: unknown) =>
  typeof v === 'string' ? v : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** The YAML loader's error said of the file's role (keeping its line), with `hint` added to a generic one. */
function refine(error: unknown, role: string, file: string, hint: string): unknown {
  if (!(error instanceof MlciError))
    return inputError(`${role} is not valid JSON or YAML: ${String((error as Error)?.message ?? error).split('\n')[0]}`, { file, hint });
  const message = error.message.startsWith('not valid YAML') ? `${role} is ${error.message}` : `${role}: ${error.message}`;
  const generic = !error.hint || /indentation and quoting|is not YAML|plain YAML/.test(error.hint);
  return new MlciError(error.kind, message, {
    ...error.location,
    file: error.location.file ?? file,
    hint: generic ? `${error.hint ? `${error.hint}; ` : ''}${hint}` : error.hint,
    cause: error,
  });
}

/** Reads a params file (YAML or JSON; YAML is a superset) into flat string params. */
export async function readParamsFile(path: string): Promise<Record<string, string>> {
  const text = await readTextFile(path);
  let doc: unknown;
  try {
    doc = parseYaml(text, path);
  } catch (error) {
    throw refine(error, 'params file', path, 'params are read as YAML (JSON is YAML too), e.g. `train: {lr: 0.1}`');
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw inputError('params file must hold a mapping of names to values', { file: path, hint: 'e.g. `train: {lr: 0.1}`' });
  return Object.fromEntries(Object.entries(flatten(doc)).map(([k, v]) => [k, paramString(v)]));
}

/** A metrics-file value that is not recorded, and why (a string, null, a list, NaN). */
export interface SkippedMetric {
  key: string;
  why: string;
}

const NON_FINITE = new Set(['nan', 'infinity', '-infinity', 'inf', '-inf']);

function whyNotANumber(v: unknown): string {
  if (v === null || v === undefined) return 'null, not a number';
  if (Array.isArray(v)) return 'a list, not a number';
  if (typeof v === 'number' || (typeof v === 'string' && NON_FINITE.has(v.trim().toLowerCase())))
    return `${String(v)}, not a finite number (JSON cannot hold it)`;
  if (typeof v === 'string') return `a string (${JSON.stringify(v.slice(0, 40))}), not a number`;
  if (typeof v === 'object') return 'an empty mapping, not a number';
  return `a ${typeof v}, not a number`;
}

/**
 * Reads a DVC metrics file (JSON or YAML, nested) into flat numeric metrics (booleans count as 0/1). Values that
 * are not finite numbers are returned in `skipped`, so the caller can say which keys were not recorded.
 */
export async function readMetricsFile(path: string): Promise<{ metrics: Record<string, number>; skipped: SkippedMetric[] }> {
  const text = await readTextFile(path);
  let doc: unknown;
  try {
    doc = parseYaml(text, path);
  } catch (error) {
    throw refine(
      error,
      'metrics file',
      path,
      'the training command wrote it: write it whole with json.dump (or yaml.safe_dump) before the command exits',
    );
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw inputError(`metrics file must hold a mapping of names to numbers, not ${Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}`, {
      file: path,
      hint: 'e.g. {"accuracy": 0.93, "val": {"loss": 0.2}}',
    });
  }
  const metrics: Record<string, number> = Object.create(null);
  const skipped: SkippedMetric[] = [];
  for (const [k, v] of Object.entries(flatten(doc))) {
    const n = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : NaN;
    if (Number.isFinite(n)) metrics[k] = n;
    else skipped.push({ key: k, why: whyNotANumber(v) });
  }
  // flatten() drops an empty nested mapping without a trace: name it too.
  const empties = (value: unknown, prefix: string): void => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    const entries = Object.entries(value);
    if (!entries.length && prefix) skipped.push({ key: prefix, why: whyNotANumber({}) });
    for (const [k, v] of entries) empties(v, prefix ? `${prefix}.${k}` : k);
  };
  empties(doc, '');
  return { metrics, skipped };
}

/**
 * Adds a DVC metrics file to the run when it was written during the run (a stale one from before is ignored).
 * Returns null when it was not, else the values that were skipped.
 */
export async function captureMetricsFile(path: string, since: number, collector: RunCollector): Promise<SkippedMetric[] | null> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return null;
  }
  if (info.mtimeMs < since - 1000) return null;
  const { metrics, skipped } = await readMetricsFile(path);
  for (const [key, value] of Object.entries(metrics)) collector.logMetric(key, value, 0, Math.trunc(info.mtimeMs));
  return skipped;
}

export interface JsonlProblem {
  line: number;
  message: string;
}

/**
 * Reads MLCI_METRICS_FILE: one JSON object per line, `{"key": "loss", "value": 0.3, "step": 1}`, optional
 * `timestamp` (ms since epoch; defaults to `fallbackTime`). A last line without its newline that does not
 * parse is a write in progress (the command was killed mid-line) and is skipped silently; other bad lines are
 * skipped and returned as problems so the caller can warn, naming the line.
 */
export function parseMetricsJsonl(text: string, collector: RunCollector, fallbackTime = Date.now()): JsonlProblem[] {
  const problems: JsonlProblem[] = [];
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    const isLast = index === lines.length - 1;
    let entry: { value?: unknown; step?: unknown; [key: string]: unknown } | null;
    try {
      entry = JSON.parse(line);
    } catch {
      if (!(isLast && !complete)) problems.push({ line: index + 1, message: 'not valid JSON' });
      return;
    }
    const value = typeof entry?.value === 'number' ? entry.value : NaN;
    if (typeof entry?.key !== 'string' || !entry.key || !Number.isFinite(value)) {
      problems.push({ line: index + 1, message: 'expected {"key": string, "value": number, "step"?: integer, "timestamp"?: ms}' });
      return;
    }
    const step = typeof entry.step === 'number' && Number.isInteger(entry.step) ? entry.step : 0;
    const timestamp = typeof entry.timestamp === 'number' && Number.isFinite(entry.timestamp) ? entry.timestamp : fallbackTime;
    collector.logMetric(entry.key, value, step, timestamp);
  });
  return problems;
}
