import { colour, fileError, inputError, parseFlags, usageError } from '@mlci/core';
import { openStore, type RunRecord } from '@mlci/store';
import { findProjectDir, gateRun } from '@mlci/tracking';
import { readFile } from 'node:fs/promises';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: "check a run's metrics against overfitting assertions",
  usage: `
usage: mlci gate RUN|--record FILE --assert EXPR [--assert EXPR]... [--json]

Exit 0 when every assertion holds, 1 when one fails, 2 on a syntax error or an unknown metric.
RUN is a recorded run (id, prefix or name); --record reads a run record JSON file instead.

Assertions: comparisons over the last logged values, with + - * / and parentheses, joined by and / or / not:
  val_loss < 1.2 * train_loss
  train_accuracy - val_accuracy <= 0.05
  min(val_loss) < 0.5          value functions: last first min max mean
  not (rising(val_loss, 3) and falling(train_loss, 3))
      rising(m, n) / falling(m, n): the last n changes of m (by step) all went up / down
Metric names with other characters go in backticks: \`val-loss\` < 1.
`,
  async run(args) {
    const { values, positionals } = parseFlags('gate', args, { assert: { type: 'string', multiple: true }, record: { type: 'string' }, json: { type: 'boolean' } });
    if (!values.assert?.length) throw usageError('give at least one --assert EXPR');
    let run: RunRecord;
    if (values.record) {
      if (positionals.length) throw usageError('give either RUN or --record FILE');
      const text = await readFile(values.record, 'utf8').catch((error) => {
        throw fileError(values.record!, error);
      });
      try {
        run = JSON.parse(text);
      } catch {
        throw inputError('not a run record (invalid JSON)', { file: values.record });
      }
    } else {
      if (positionals.length !== 1) throw usageError('mlci gate takes one RUN');
      run = await (await openStore({ projectDir: await findProjectDir() })).getRun(positionals[0]);
    }
    const result = gateRun(run, values.assert);
    if (values.json) printJson(result);
    else {
      for (const a of result.assertions) {
        process.stdout.write(`${a.passed ? colour.green('pass') : colour.red('FAIL')}  ${a.expression}\n      ${a.evaluated}\n`);
      }
      process.stdout.write(`${result.outcome === 'pass' ? 'all assertions hold' : `${result.assertions.filter((a) => !a.passed).length} of ${result.assertions.length} assertions failed`} for run ${run.id.slice(0, 8)} (${run.name})\n`);
    }
    return result.outcome === 'pass' ? 0 : 1;
  },
};
