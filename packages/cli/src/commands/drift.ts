import { EXIT, inputError, numberFlag, parseFlags, stderrLogger, usageError, writeJsonAtomic, readTextFile } from '@mlci/core';
import { checkDrift, driftText, loadDriftConfig, mergeSummaries, parseMissingShare, summarizeTable, type TableSummary } from '@mlci/stats';
import type { TableFormat } from '@mlci/data';
import { printJson, type Command } from '../command';

/** A `.json` argument that holds a table summary is used as one; anything else is read as data. */
async function dataOrSummary(path: string): Promise<string | TableSummary> {
  if (!path.endsWith('.json')) return path;
  const text = await readTextFile(path);
  let doc: TableSummary;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw inputError(`not valid JSON: ${(error as Error).message}`, { file: path });
  }
  if (doc?.schema !== 'mlci.table-summary/1')
    throw inputError('not a summary written by `mlci drift summarize`', {
      file: path,
      hint: 'pass a data file (.csv, .jsonl, .parquet) or a summary',
    });
  // A summary can be edited or truncated: the fields drift reads are checked, so a damaged one is named, not a crash.
  const columns = doc.columns as unknown;
  const shapeOk =
    typeof doc.rows === 'number' &&
    typeof columns === 'object' &&
    columns !== null &&
    !Array.isArray(columns) &&
    Object.values(columns).every(
      (c) =>
        typeof c === 'object' &&
        c !== null &&
        (c.kind === 'numeric' || c.kind === 'categorical') &&
        typeof c.count === 'number' &&
        typeof c.missing === 'number',
    );
  if (!shapeOk)
    throw inputError("summary is damaged (rows, or a column's kind, count or missing, is not what `mlci drift summarize` writes)", {
      file: path,
      hint: 'summarize the shard again',
    });
  return doc;
}

async function summarize(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('drift summarize', args, {
    out: { type: 'string' },
    'exact-limit': { type: 'string' },
    delimiter: { type: 'string' },
    format: { type: 'string' },
    columns: { type: 'string' },
  });
  if (positionals.length !== 1 || !values.out) throw usageError('usage: mlci drift summarize DATA --out FILE');
  const summary = await summarizeTable(positionals[0], {
    exactLimit: numberFlag('exact-limit', values['exact-limit'], 200_000, { min: 0 }),
    delimiter: values.delimiter,
    format: values.format as TableFormat | undefined,
    columns: values.columns?.split(',').map((c) => c.trim()),
  });
  await writeJsonAtomic(values.out, summary);
  stderrLogger.info(`wrote ${values.out}: ${summary.rows} rows, ${Object.keys(summary.columns).length} columns`);
  return EXIT.pass;
}

async function merge(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('drift merge', args, { out: { type: 'string' } });
  if (positionals.length < 1 || !values.out) throw usageError('usage: mlci drift merge SUMMARY… --out FILE');
  const parts = [];
  for (const p of positionals) {
    const s = await dataOrSummary(p.endsWith('.json') ? p : `${p}`);
    if (typeof s === 'string') throw usageError(`"${p}" is not a summary (.json)`, 'merge the files `mlci drift summarize` wrote');
    parts.push(s);
  }
  const merged = mergeSummaries(parts);
  await writeJsonAtomic(values.out, merged);
  stderrLogger.info(`wrote ${values.out}: ${merged.rows} rows from ${parts.length} summaries`);
  return EXIT.pass;
}

export const command: Command = {
  summary: 'check a dataset for drift against a reference (KS, chi-square, PSI, Jensen-Shannon, Wasserstein)',
  usage: `
usage: mlci drift DATA --reference REF [--json] [--target COL] [--columns a,b] [--config FILE]
       (REF may also be data a run recorded: RUN:PATH or its SHA-256, restored verified from the store)
       mlci drift summarize DATA --out SUMMARY.json      (one shard of a matrix job)
       mlci drift merge SUMMARY.json… --out ALL.json     (the merge step)

DATA and REF are data files (.csv, .tsv, .jsonl, .parquet) or summaries (.json). Numeric columns get KS
(p-value as scipy.stats.ks_2samp), Wasserstein-1 normed by the reference's standard deviation, PSI on
reference deciles and Jensen-Shannon distance (base 2); categorical columns get chi-square (as
scipy.stats.chi2_contingency without correction), PSI and Jensen-Shannon. Which figure decides: KS / chi-square
p < 0.05 while the reference has at most 1000 rows, normed Wasserstein >= 0.1 / Jensen-Shannon >= 0.12 above
(so large samples do not flag trivial shifts). The dataset fails when half the columns drift.

  --config FILE   YAML: driftShare, largeSampleRows, columns: {NAME: {test, threshold}}, target: {column, minClassShare}
  --target COL    class balance, label set and range checks on this column
  --missing-share X  a column drifts when its empty share grows by X or more (default 0.05 = 5 points; off: no check)

Exit codes: 0 pass or warn, 1 drift, 2 bad input.`,
  async run(args) {
    if (args[0] === 'summarize') return summarize(args.slice(1));
    if (args[0] === 'merge') return merge(args.slice(1));
    const { values, positionals } = parseFlags('drift', args, {
      reference: { type: 'string' },
      json: { type: 'boolean' },
      target: { type: 'string' },
      columns: { type: 'string' },
      config: { type: 'string' },
      delimiter: { type: 'string' },
      format: { type: 'string' },
      'missing-share': { type: 'string' },
    });
    if (positionals.length !== 1) throw usageError('give exactly one data file', 'mlci drift DATA --reference REF');
    if (!values.reference)
      throw usageError(
        '--reference FILE is required',
        'the data the current data should look like (e.g. the training data of the champion)',
      );
    const options = await loadDriftConfig(values.config);
    if (values.columns) options.columns = values.columns.split(',').map((c) => c.trim());
    if (values.target) options.target = { ...options.target, column: values.target };
    if (values['missing-share'] !== undefined) options.missingShare = parseMissingShare(values['missing-share'], '--missing-share');
    options.read = { delimiter: values.delimiter, format: values.format as TableFormat | undefined, columns: options.columns };
    // A reference can also be data a run recorded: RUN:PATH or its SHA-256, restored verified from the store.
    const { materializeDataRef, findProjectDir } = await import('@mlci/tracking');
    const { openStore } = await import('@mlci/store');
    const stored = await materializeDataRef(await openStore({ projectDir: await findProjectDir() }), values.reference);
    const result = await checkDrift({
      data: await dataOrSummary(positionals[0]),
      reference: await dataOrSummary(stored ?? values.reference),
      options,
    });
    if (values.json) printJson(result);
    else process.stdout.write(driftText(result) + '\n');
    return result.outcome === 'fail' ? EXIT.fail : EXIT.pass;
  },
};
