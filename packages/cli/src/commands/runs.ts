import { numberFlag, parseFlags, sanitizeDeep } from '@mlci/core';
import { encodeRunRecord, openStore } from '@mlci/store';
import { findProjectDir, formatRunList } from '@mlci/tracking';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: 'list recorded runs, newest first',
  usage: `
usage: mlci runs [--experiment NAME] [--limit N] [--json]

Lists the runs recorded under .mlci/ in the project directory (the git root), newest first.
  --experiment NAME   only runs of this experiment
  --limit N           at most N runs
  --json              print the run records as a JSON array on stdout
`,
  async run(args) {
    const { values } = parseFlags(
      'runs',
      args,
      { experiment: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
      false,
    );
    const limit = values.limit === undefined ? undefined : numberFlag('limit', values.limit, 0, { min: 1 });
    const runs = await (await openStore({ projectDir: await findProjectDir() })).listRuns({ experiment: values.experiment, limit });
    if (values.json) printJson(runs.map(encodeRunRecord));
    // Names and params come from whoever recorded the run: no escape sequence reaches the terminal.
    else process.stdout.write(formatRunList(sanitizeDeep(runs)) + '\n');
    return 0;
  },
};
