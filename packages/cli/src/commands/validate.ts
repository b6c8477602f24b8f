import { numberFlag, parseFlags, usageError, EXIT } from '@mlci/core';
import { validateTable, validationText, type TableFormat } from '@mlci/data';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: 'check a dataset (CSV, JSONL, Parquet) against a Table Schema',
  usage: `
usage: mlci validate DATA --schema FILE [--json] [--sample N] [--delimiter C] [--format csv|jsonl|parquet] [--row-schema FILE]

Checks every record of DATA against a Frictionless Table Schema (types, required, unique, minimum, maximum,
enum, pattern, minLength, maxLength, missingValues, primaryKey) plus mlci's table checks (mlci.minRows,
mlci.maxRows, per-field mlci.mostly and mlci.maxMissingShare) and an optional row-level JSON Schema.

  --schema FILE      the Table Schema (JSON)
  --json             print the result as one JSON object on stdout
  --sample N         violations listed in the result (totals stay exact), default 100
  --row-schema FILE  a JSON Schema every typed row must satisfy
  --delimiter C      CSV delimiter (default "," and tab for .tsv)

Exit codes: 0 valid, 1 violations, 2 unusable input (missing file, bad schema, malformed CSV).`,
  async run(args) {
    const { values, positionals } = parseFlags('validate', args, {
      schema: { type: 'string' },
      json: { type: 'boolean' },
      sample: { type: 'string' },
      delimiter: { type: 'string' },
      format: { type: 'string' },
      'row-schema': { type: 'string' },
    });
    if (positionals.length !== 1) throw usageError('give exactly one data file', 'mlci validate DATA --schema FILE');
    if (!values.schema) throw usageError('--schema FILE is required', 'write one with `mlci infer-schema DATA --out schema.json`');
    let rowSchema: Record<string, unknown> | undefined;
    if (values['row-schema']) {
      const { loadJsonFile } = await import('./json-file');
      rowSchema = (await loadJsonFile(values['row-schema'], 'row schema')) as Record<string, unknown>;
    }
    const result = await validateTable(positionals[0], values.schema, {
      sampleSize: numberFlag('sample', values.sample, 100, { min: 0, max: 100_000 }),
      delimiter: values.delimiter,
      format: values.format as TableFormat | undefined,
      rowSchema,
    });
    if (values.json) printJson(result);
    else process.stdout.write(validationText(result) + '\n');
    return result.outcome === 'pass' ? EXIT.pass : EXIT.fail;
  },
};
