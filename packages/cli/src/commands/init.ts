import { EXIT, parseFlags, stderrLogger, usageError } from '@mlci/core';
import { initProject } from '@mlci/pipeline';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: 'write a starting mlci.yml (and inferred schemas) by looking at the repository',
  usage: `
usage: mlci init [--dir DIR] [--force] [--json]

Finds data files (each gets an inferred Table Schema under schemas/), a reference dataset named like one
(ref, reference, baseline), the training script (train.py, src/train.py, …), params.yaml and a likely target
column, and writes mlci.yml, checked by the same loader \`mlci run\` uses. It writes all of its files or, when a
data file cannot be read, none.

  --dir DIR   the repository to look at and write into (default: the current directory)
  --force     replace an existing mlci.yml
  --json      print what was written as JSON`,
  async run(args) {
    const { values, positionals } = parseFlags('init', args, {
      dir: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length) throw usageError(`unexpected argument "${positionals[0]}"`);
    if (values.dir === '')
      throw usageError('--dir needs a directory', 'mlci init --dir path/to/repository (default: the current directory)');
    const result = await initProject({ dir: values.dir ?? process.cwd(), force: values.force });
    if (values.json) printJson(result);
    else {
      stderrLogger.info(`wrote ${result.file}${result.schemas.length ? ` and ${result.schemas.join(', ')}` : ''}`);
      for (const note of result.notes) stderrLogger.info(`note: ${note}`);
      stderrLogger.info('next: review it, then `mlci run`');
    }
    return EXIT.pass;
  },
};
