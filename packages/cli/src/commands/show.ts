import { parseFlags, sanitizeDeep, usageError } from '@mlci/core';
import { openStore } from '@mlci/store';
import { findProjectDir, formatRun } from '@mlci/tracking';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: 'show one run: params, metric curves, artifacts, lineage',
  usage: `
usage: mlci show RUN [--json]

RUN is a run id, a unique id prefix (4+ characters) or a unique run name.
  --json   print the run record as JSON on stdout
`,
  async run(args) {
    const { values, positionals } = parseFlags('show', args, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw usageError('mlci show takes one RUN', 'list runs with `mlci runs`');
    const run = await (await openStore({ projectDir: await findProjectDir() })).getRun(positionals[0]);
    if (values.json) printJson(run);
    // Names, params and paths come from whoever recorded the run: no escape sequence reaches the terminal.
    else process.stdout.write(formatRun(sanitizeDeep(run)) + '\n');
    return 0;
  },
};
