import { parse } from 'yaml';
import { inputError, readTextFile } from '@mlci/core';
import type { DriftOptions, DriftTest } from './drift';

const TESTS: DriftTest[] = ['ks', 'chi_square', 'wasserstein', 'psi', 'jensen_shannon'];

/**
 * Drift settings from a YAML or JSON file (or an mlci.yml dataset's `drift:` block):
 *   driftShare: 0.5
 *   ignore: [id]
 *   largeSampleRows: 1000
 *   columns: { age: { test: psi, threshold: 0.2 } }
 *   target: { column: label, minClassShare: 0.05 }
 */
export function parseDriftConfig(doc: unknown, file = 'drift config'): DriftOptions {
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw inputError('drift settings must be a mapping', { file });
  const d = doc as Record<string, any>;
  const options: DriftOptions = {};
  const share = (key: string, v: unknown) => {
    if (typeof v !== 'number' || v < 0 || v > 1) throw inputError(`${key} must be a number from 0 to 1, got ${JSON.stringify(v)}`, { file });
    return v;
  };
  if (d.driftShare !== undefined) options.driftShare = share('driftShare', d.driftShare);
  if (d.ignore !== undefined) {
    if (!Array.isArray(d.ignore) || d.ignore.some((c: unknown) => typeof c !== 'string')) throw inputError('ignore must be a list of column names', { file });
    options.ignore = d.ignore;
  }
  if (d.largeSampleRows !== undefined) {
    if (!Number.isInteger(d.largeSampleRows) || d.largeSampleRows < 0) throw inputError('largeSampleRows must be a non-negative integer', { file });
    options.largeSampleRows = d.largeSampleRows;
  }
  if (d.columns !== undefined) {
    options.perColumn = {};
    for (const [name, c] of Object.entries<any>(d.columns)) {
      if (c.test !== undefined && !TESTS.includes(c.test)) throw inputError(`columns.${name}.test must be one of ${TESTS.join(', ')}, got "${c.test}"`, { file });
      if (c.threshold !== undefined && typeof c.threshold !== 'number') throw inputError(`columns.${name}.threshold must be a number`, { file });
      options.perColumn[name] = { test: c.test, threshold: c.threshold };
    }
  }
  if (d.target !== undefined) {
    if (typeof d.target?.column !== 'string') throw inputError('target.column must name a column', { file });
    options.target = { column: d.target.column, ...(d.target.minClassShare !== undefined ? { minClassShare: share('target.minClassShare', d.target.minClassShare) } : {}), ...(d.target.range ? { range: d.target.range } : {}) };
  }
  return options;
}

export async function loadDriftConfig(file?: string): Promise<DriftOptions> {
  if (!file) return {};
  const text = await readTextFile(file);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw inputError(`not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`, { file });
  }
  return parseDriftConfig(doc, file);
}
