import { parseFlags, sanitizeDeep, usageError } from '@mlci/core';
import { encodeRunRecord, openStore, RunNotFoundError, type RunRecord } from '@mlci/store';
import { childAsRecord, findProjectDir, formatRun } from '@mlci/tracking';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: 'show one run: params, metric curves, child runs, artifacts, lineage',
  usage: `
usage: mlci show RUN [--json]

RUN is a run id, a unique id prefix (4+ characters), a unique run name, or \`latest\` (the newest run).
A child run (a nested or later run the script opened) is found by its id or id prefix too.
  --json   print the run record as JSON on stdout
`,
  async run(args) {
    const { values, positionals } = parseFlags('show', args, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw usageError('mlci show takes one RUN', 'list runs with `mlci runs`');
    const store = await openStore({ projectDir: await findProjectDir() });
    const ref = positionals[0];
    let run: RunRecord;
    try {
      run = await store.getRun(ref);
    } catch (error) {
      if (!(error instanceof RunNotFoundError)) throw error;
      const runs = await store.listRuns();
      // `latest` is README's word for the newest run, unless a run is named so (then the name won above).
      if (ref === 'latest' && runs.length) run = runs[0];
      else {
        const child =
          ref.length >= 4
            ? runs.flatMap((r) => (r.children ?? []).filter((c) => c.id.startsWith(ref)).map((c) => childAsRecord(r, c)))
            : [];
        if (child.length !== 1) throw error;
        run = child[0];
      }
    }
    if (values.json) printJson(encodeRunRecord(run));
    // Names, params and paths come from whoever recorded the run: no escape sequence reaches the terminal.
    else process.stdout.write(formatRun(sanitizeDeep(run)) + '\n');
    return 0;
  },
};
