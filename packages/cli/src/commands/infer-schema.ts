import { numberFlag, parseFlags, usageError, writeJsonAtomic, stderrLogger, EXIT } from '@mlci/core';
import { DEFAULT_MAX_FIELD_LENGTH, DEFAULT_MAX_RECORD_LENGTH, inferSchema, type TableFormat } from '@mlci/data';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: 'write a starting Table Schema inferred from a dataset',
  usage: `
usage: mlci infer-schema DATA [--out FILE] [--sample-rows N] [--delimiter C] [--format F]

Reads the first records of DATA and writes a Table Schema: the narrowest type each column fits, required where
nothing is missing, an enum for low-cardinality strings, the observed range. Review it before you commit it.
DATA may be \`-\` (stdin) or a pipe such as <(zcat data.csv.gz), with --format.

  --out FILE               write the schema here (atomically) instead of stdout
  --sample-rows N          records to read, default 10000
  --delimiter C            CSV delimiter (default "," and tab for .tsv)
  --format F               csv, jsonl or parquet (default: from the extension; required for stdin)
  --max-record-length N    longest CSV record or JSON line, in characters, default ${DEFAULT_MAX_RECORD_LENGTH}
  --max-field-length N     longest CSV field, in characters, default ${DEFAULT_MAX_FIELD_LENGTH}`,
  async run(args) {
    const { values, positionals } = parseFlags('infer-schema', args, {
      out: { type: 'string' },
      'sample-rows': { type: 'string' },
      delimiter: { type: 'string' },
      format: { type: 'string' },
      'max-record-length': { type: 'string' },
      'max-field-length': { type: 'string' },
    });
    if (positionals.length !== 1)
      throw usageError('give exactly one data file (or - for stdin)', 'mlci infer-schema DATA [--out schema.json]');
    const limit = (name: 'max-record-length' | 'max-field-length') =>
      values[name] === undefined ? undefined : numberFlag(name, values[name], 0, { min: 1, max: 2 ** 29 });
    let sampled = '';
    const schema = await inferSchema(positionals[0], {
      onSample: ({ rows, more }) =>
        (sampled = more
          ? `from the first ${rows.toLocaleString('en-US')} rows (the file has more; --sample-rows N reads more)`
          : `from all ${rows.toLocaleString('en-US')} rows`),
      sampleRows: numberFlag('sample-rows', values['sample-rows'], 10_000, { min: 1 }),
      delimiter: values.delimiter,
      format: values.format as TableFormat | undefined,
      maxRecordLength: limit('max-record-length'),
      maxFieldLength: limit('max-field-length'),
    });
    if (values.out) {
      await writeJsonAtomic(values.out, schema);
      stderrLogger.info(`wrote ${values.out} (${schema.fields.length} fields, inferred ${sampled})`);
    } else {
      printJson(schema);
      stderrLogger.info(`inferred ${schema.fields.length} fields ${sampled}`);
    }
    return EXIT.pass;
  },
};
