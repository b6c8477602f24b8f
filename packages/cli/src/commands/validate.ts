import { numberFlag, parseFlags, sanitizeText, stderrLogger, usageError, writeJsonAtomic, EXIT } from '@mlci/core';
import {
  DEFAULT_MAX_FIELD_LENGTH,
  DEFAULT_MAX_RECORD_LENGTH,
  mergeShards,
  readShard,
  validateShard,
  validateTable,
  validationText,
  type TableFormat,
  type ValidationResult,
} from '@mlci/data';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: 'check a dataset (CSV, JSONL, Parquet) against a Table Schema',
  usage: `
usage: mlci validate DATA --schema FILE [--json] [--sample N] [--delimiter C] [--format csv|jsonl|parquet] [--row-schema FILE]
       mlci validate DATA --schema FILE --shard-out FILE      (one shard of a larger validation)
       mlci validate --merge SHARD... [--json] [--sample N]   (the verdict over all shards)

Checks every record of DATA against a Frictionless Table Schema (types, required, unique, minimum, maximum,
enum, pattern, minLength, maxLength, missingValues, primaryKey) plus mlci's table checks (mlci.minRows,
mlci.maxRows, per-field mlci.mostly and mlci.maxMissingShare) and an optional row-level JSON Schema.
DATA may be \`-\` (stdin) or a pipe such as <(zcat data.csv.gz), with --format; each input is read once.

  --schema FILE            the Table Schema (JSON)
  --json                   print the result as one JSON object on stdout
  --sample N               violations listed in the result (totals stay exact), default 100
  --row-schema FILE        a JSON Schema every typed row must satisfy
  --delimiter C            CSV delimiter (default "," and tab for .tsv)
  --format F               csv, jsonl or parquet (default: from the extension; required for stdin)
  --max-record-length N    longest CSV record or JSON line, in characters, default ${DEFAULT_MAX_RECORD_LENGTH}
                           (schema: "mlci": {"maxRecordLength": N})
  --max-field-length N     longest CSV field, in characters, default ${DEFAULT_MAX_FIELD_LENGTH}
                           (schema: "mlci": {"maxFieldLength": N})
  --shard-out FILE         also write this file's result as a shard (JSON) for a later --merge, and exit 0
                           whatever it holds: the merge gives the verdict
  --merge                  the positionals are shard files: one verdict over all their rows (totals and table
                           checks over all rows, unique and primaryKey across files)

Large files are checked on several threads (MLCI_THREADS, default the cores, at most 4).
Exit codes: 0 valid, 1 violations, 2 unusable input (missing file, bad schema, malformed CSV).`,
  async run(args) {
    const { values, positionals } = parseFlags('validate', args, {
      schema: { type: 'string' },
      json: { type: 'boolean' },
      sample: { type: 'string' },
      delimiter: { type: 'string' },
      format: { type: 'string' },
      'row-schema': { type: 'string' },
      'max-record-length': { type: 'string' },
      'max-field-length': { type: 'string' },
      'shard-out': { type: 'string' },
      merge: { type: 'boolean' },
    });
    const sampleSize = numberFlag('sample', values.sample, 100, { min: 0, max: 100_000 });
    const report = (result: ValidationResult) => {
      if (values.json) {
        // The report lists schema warnings; with --json stdout is the result alone, so they go to stderr too.
        for (const t of result.tableChecks) if (t.check === 'schema') stderrLogger.warn(t.message);
        printJson(result);
      } else {
        // The report echoes names and values from the data: no escape sequence reaches the terminal.
        process.stdout.write(sanitizeText(validationText(result), { multiline: true }) + '\n');
      }
    };
    if (values.merge) {
      if (positionals.length === 0) throw usageError('give the shard files to merge', 'mlci validate --merge shards/*.json');
      const shards = [];
      for (const file of positionals) shards.push(await readShard(file));
      const result = await mergeShards(shards, positionals, { sampleSize: values.sample === undefined ? undefined : sampleSize });
      report(result);
      return result.outcome === 'pass' ? EXIT.pass : EXIT.fail;
    }
    if (positionals.length !== 1) throw usageError('give exactly one data file (or - for stdin)', 'mlci validate DATA --schema FILE');
    if (!values.schema) throw usageError('--schema FILE is required', 'write one with `mlci infer-schema DATA --out schema.json`');
    let rowSchema: Record<string, unknown> | undefined;
    if (values['row-schema']) {
      const { loadJsonFile } = await import('./json-file');
      rowSchema = (await loadJsonFile(values['row-schema'], 'row schema')) as Record<string, unknown>;
    }
    const limit = (name: 'max-record-length' | 'max-field-length') =>
      values[name] === undefined ? undefined : numberFlag(name, values[name], 0, { min: 1, max: 2 ** 29 });
    const options = {
      sampleSize,
      delimiter: values.delimiter,
      format: values.format as TableFormat | undefined,
      rowSchema,
      rowSchemaFile: values['row-schema'],
      maxRecordLength: limit('max-record-length'),
      maxFieldLength: limit('max-field-length'),
    };
    if (values['shard-out']) {
      const shard = await validateShard(positionals[0], values.schema, options);
      await writeJsonAtomic(values['shard-out'], shard);
      report(shard.result);
      stderrLogger.info(`wrote the shard result ${values['shard-out']}: merge the shards with \`mlci validate --merge\` for the verdict`);
      return EXIT.pass;
    }
    const result = await validateTable(positionals[0], values.schema, options);
    report(result);
    return result.outcome === 'pass' ? EXIT.pass : EXIT.fail;
  },
};
