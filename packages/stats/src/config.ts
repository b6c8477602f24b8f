import { inputError, readYamlFile, usageError } from '@mlci/core';
import type { DriftOptions, DriftTest } from './drift';

const TESTS: DriftTest[] = ['ks', 'chi_square', 'wasserstein', 'psi', 'jensen_shannon'];
const KEYS = ['driftShare', 'ignore', 'largeSampleRows', 'missingShare', 'columns', 'target'];
const COLUMN_KEYS = ['test', 'threshold', 'missingShare'];
const TARGET_KEYS = ['column', 'minClassShare', 'range'];

/** Where a key of the settings is, for errors: `at(['columns', 'age', 'test'])` → a line in the file. */
export type LineOf = (path: ReadonlyArray<string | number>) => number | undefined;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- drift settings are checked key by key after this test
const isMapping = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Drift settings from a YAML or JSON file (or an mlci.yml dataset's `drift:` block):
 *   driftShare: 0.5
 *   ignore: [id]
 *   largeSampleRows: 1000
 *   missingShare: 0.05        (or false: no missing-value check)
 *   columns: { age: { test: psi, threshold: 0.2, missingShare: 0.2 } }
 *   target: { column: label, minClassShare: 0.05, range: [0, 1] }
 * Every error names the key, and the line when `lineOf` can place it. Unknown keys are refused: a typo
 * (`driftshare`) must not silently fall back to the default.
 */
export function parseDriftConfig(doc: unknown, file = 'drift config', lineOf?: LineOf): DriftOptions {
  const fail = (path: Array<string | number>, message: string, hint = 'see packages/stats/README.md for the drift settings') => {
    // The deepest part of the path that exists in the file gives the line.
    let line: number | undefined;
    for (let n = path.length; n >= 0 && line === undefined; n--) line = lineOf?.(path.slice(0, n));
    return inputError(message, { file, line, hint });
  };
  const unknown = (where: Array<string | number>, value: Record<string, unknown>, allowed: string[]) => {
    const extra = Object.keys(value).find((k) => !allowed.includes(k));
    if (extra !== undefined)
      throw fail(
        [...where, extra],
        `${[...where, extra].join('.')}: unknown drift setting "${extra}"`,
        `settings here: ${allowed.join(', ')}`,
      );
  };
  if (doc === null || doc === undefined) return {};
  if (!isMapping(doc)) throw fail([], 'drift settings must be a mapping', `e.g. driftShare: 0.5 (keys: ${KEYS.join(', ')})`);
  const d = doc;
  unknown([], d, KEYS);
  const options: DriftOptions = {};
  const share = (path: string[], v: unknown) => {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1))
      throw fail(path, `${path.join('.')} must be a number from 0 to 1, got ${JSON.stringify(v)}`);
    return v;
  };
  if (d.driftShare !== undefined) options.driftShare = share(['driftShare'], d.driftShare);
  const missingShare = (path: string[], v: unknown) => {
    if (v === false) return false;
    if (typeof v !== 'number' || !(v > 0 && v <= 1))
      throw fail(
        path,
        `${path.join('.')} must be a number above 0 and at most 1 (an increase of the empty share: 0.05 = 5 points), or false, got ${JSON.stringify(v)}`,
      );
    return v;
  };
  if (d.missingShare !== undefined) options.missingShare = missingShare(['missingShare'], d.missingShare);
  if (d.ignore !== undefined) {
    if (!Array.isArray(d.ignore) || d.ignore.some((c: unknown) => typeof c !== 'string'))
      throw fail(['ignore'], 'ignore must be a list of column names', 'e.g. ignore: [id, timestamp]');
    options.ignore = d.ignore;
  }
  if (d.largeSampleRows !== undefined) {
    if (!Number.isInteger(d.largeSampleRows) || d.largeSampleRows < 0)
      throw fail(['largeSampleRows'], `largeSampleRows must be a non-negative integer, got ${JSON.stringify(d.largeSampleRows)}`);
    options.largeSampleRows = d.largeSampleRows;
  }
  if (d.columns !== undefined) {
    if (!isMapping(d.columns))
      throw fail(
        ['columns'],
        'columns must be a mapping of column name to {test, threshold}',
        'e.g. columns: { age: { test: psi, threshold: 0.2 } }',
      );
    options.perColumn = {};
    for (const [name, c] of Object.entries<unknown>(d.columns)) {
      if (!isMapping(c))
        throw fail(['columns', name], `columns.${name} must be a mapping with test and/or threshold`, 'e.g. { test: psi, threshold: 0.2 }');
      unknown(['columns', name], c, COLUMN_KEYS);
      if (c.test !== undefined && !TESTS.includes(c.test))
        throw fail(['columns', name, 'test'], `columns.${name}.test must be one of ${TESTS.join(', ')}, got ${JSON.stringify(c.test)}`);
      if (c.threshold !== undefined && (typeof c.threshold !== 'number' || !Number.isFinite(c.threshold) || c.threshold < 0)) {
        throw fail(
          ['columns', name, 'threshold'],
          `columns.${name}.threshold must be a non-negative number, got ${JSON.stringify(c.threshold)}`,
        );
      }
      options.perColumn[name] = {
        test: c.test,
        threshold: c.threshold,
        ...(c.missingShare !== undefined ? { missingShare: missingShare(['columns', name, 'missingShare'], c.missingShare) } : {}),
      };
    }
  }
  if (d.target !== undefined) {
    if (!isMapping(d.target) || typeof d.target.column !== 'string' || !d.target.column)
      throw fail(['target'], 'target.column must name a column', 'e.g. target: { column: label }');
    unknown(['target'], d.target, TARGET_KEYS);
    const range = d.target.range;
    if (
      range !== undefined &&
      !(
        Array.isArray(range) &&
        range.length === 2 &&
        range.every((x) => typeof x === 'number' && Number.isFinite(x)) &&
        range[0] <= range[1]
      )
    ) {
      throw fail(['target', 'range'], `target.range must be [low, high] with low <= high, got ${JSON.stringify(range)}`);
    }
    options.target = {
      column: d.target.column,
      ...(d.target.minClassShare !== undefined ? { minClassShare: share(['target', 'minClassShare'], d.target.minClassShare) } : {}),
      ...(range ? { range: range as [number, number] } : {}),
    };
  }
  return options;
}

/** Drift settings from a YAML or JSON file, read under the one YAML policy (@mlci/core parseYaml). */
export async function loadDriftConfig(file?: string): Promise<DriftOptions> {
  if (!file) return {};
  const parsed = await readYamlFile(file);
  return parseDriftConfig(parsed.value, file, parsed.lineOf);
}

/**
 * The missing-share threshold as a flag or action input gives it: a number above 0 and at most 1 (0.05 = 5
 * points), or off / false / none for no check. `what` names the flag or input in the error.
 */
export function parseMissingShare(raw: string, what: string): number | false {
  const text = raw.trim().toLowerCase();
  if (['off', 'false', 'none', 'no'].includes(text)) return false;
  const value = Number(text.endsWith('%') ? text.slice(0, -1) : text) / (text.endsWith('%') ? 100 : 1);
  if (!text || !(value > 0 && value <= 1))
    throw usageError(
      `${what} must be a share above 0 and at most 1 (0.05 = an increase of 5 points in the empty share), or off, got "${raw}"`,
      `e.g. ${what.startsWith('--') ? `${what} 0.1` : `${what}: 0.1`}`,
    );
  return value;
}
