import { parseFlags, stderrLogger, usageError } from '@mlci/core';
import { openStore } from '@mlci/store';
import { exportRun, findProjectDir } from '@mlci/tracking';
import { printJson, type Command } from '../command';

export const command: Command = {
  summary: 'write a run into an MLflow tracking server',
  usage: `
usage: mlci export RUN --to http://HOST:PORT [--experiment NAME] [--no-artifacts] [--json]

Creates the run on the MLflow server over its REST API: params, full metric histories, tags, status and
times, and its artifacts (uploaded through the server's mlflow-artifacts routes).
`,
  async run(args) {
    const { values, positionals } = parseFlags('export', args, { to: { type: 'string' }, experiment: { type: 'string' }, 'no-artifacts': { type: 'boolean' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw usageError('mlci export takes one RUN');
    if (!values.to) throw usageError('--to is required', 'e.g. --to http://127.0.0.1:5000');
    const store = (await openStore({ projectDir: await findProjectDir() }));
    const run = await store.getRun(positionals[0]);
    const result = await exportRun(run, { to: values.to, store, experiment: values.experiment, artifacts: !values['no-artifacts'], logger: stderrLogger });
    if (values.json) printJson(result);
    else stderrLogger.info(`exported run ${run.id} as MLflow run ${result.mlflowRunId} (experiment ${result.experimentId}): ${result.params} params, ${result.metricValues} metric values, ${result.artifacts} artifacts`);
    return 0;
  },
};
