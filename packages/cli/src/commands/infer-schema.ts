import { numberFlag, parseFlags, usageError, writeJsonAtomic, stderrLogger, EXIT } from '@mlci/core';
import { inferSchema, type TableFormat } from '@mlci/data';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: 'write a starting Table Schema inferred from a dataset',
  usage: `
usage: mlci infer-schema DATA [--out FILE] [--sample-rows N] [--delimiter C] [--format F]

Reads the first records of DATA and writes a Table Schema: the narrowest type each column fits, required where
nothing is missing, an enum for low-cardinality strings, the observed range. Review it before you commit it.

  --out FILE         write the schema here (atomically) instead of stdout
  --sample-rows N    records to read, default 10000`,
  async run(args) {
    const { values, positionals } = parseFlags('infer-schema', args, {
      out: { type: 'string' },
      'sample-rows': { type: 'string' },
      delimiter: { type: 'string' },
      format: { type: 'string' },
    });
    if (positionals.length !== 1) throw usageError('give exactly one data file', 'mlci infer-schema DATA [--out schema.json]');
    const schema = await inferSchema(positionals[0], {
      sampleRows: numberFlag('sample-rows', values['sample-rows'], 10_000, { min: 1 }),
      delimiter: values.delimiter,
      format: values.format as TableFormat | undefined,
    });
    if (values.out) {
      await writeJsonAtomic(values.out, schema);
      stderrLogger.info(`wrote ${values.out} (${schema.fields.length} fields)`);
    } else printJson(schema);
    return EXIT.pass;
  },
};
