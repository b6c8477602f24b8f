import { MlciError, parseFlags, stderrLogger, usageError } from '@mlci/core';
import { openStore } from '@mlci/store';
import { exportRun, findProjectDir } from '@mlci/tracking';
import { printJson, type Command } from '../command';

const PROBE_TIMEOUT_MS = 30_000;

/**
 * Asks the server one read-only MLflow question before anything is written, and refuses an answer that is not
 * MLflow's JSON: a proxy's login page or an HTML error page (often with status 200) is named as such instead
 * of failing later on a missing field.
 */
async function checkMlflowEndpoint(base: string): Promise<void> {
  const url = new URL('/api/2.0/mlflow/experiments/get-by-name', base);
  url.searchParams.set('experiment_name', 'Default');
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s`
        : ((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message);
    throw new MlciError('remote', `cannot reach the MLflow server at ${base}: ${reason}`, {
      hint: 'start it (`mlflow server --host 127.0.0.1 --port 5000`) or check --to',
    });
  }
  const type = response.headers.get('content-type') ?? '(no content-type)';
  await response.body?.cancel().catch(() => {});
  if (/\bjson\b/i.test(type)) return;
  const endpoint = `GET ${response.redirected ? `${response.url} (redirected from ${url.pathname})` : `${url.origin}${url.pathname}`}`;
  throw new MlciError(
    'remote',
    `${endpoint} answered ${response.status} with ${type}, not MLflow's JSON: --to does not point at an MLflow tracking server`,
    {
      hint: "give the tracking server's own address (`mlflow server` prints it); a proxy, login or error page answered instead",
    },
  );
}

export const command: Command = {
  summary: 'write a run into an MLflow tracking server',
  usage: `
usage: mlci export RUN --to http://HOST:PORT [--experiment NAME] [--no-artifacts] [--json]

Creates the run on the MLflow server over its REST API: params, full metric histories, tags, status and
times, and its artifacts (uploaded through the server's mlflow-artifacts routes). The server is asked one
read-only question first: an answer that is not MLflow's JSON (a proxy's login page) is refused (exit 3)
before anything is written.
`,
  async run(args) {
    const { values, positionals } = parseFlags('export', args, {
      to: { type: 'string' },
      experiment: { type: 'string' },
      'no-artifacts': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw usageError('mlci export takes one RUN');
    if (!values.to) throw usageError('--to is required', 'e.g. --to http://127.0.0.1:5000');
    const store = await openStore({ projectDir: await findProjectDir() });
    const run = await store.getRun(positionals[0]);
    // A malformed --to is exportRun's to refuse (with its usage message); only a well-formed URL is probed.
    if (/^https?:\/\/[^/]+\/?$/.test(values.to)) await checkMlflowEndpoint(values.to.replace(/\/$/, ''));
    const result = await exportRun(run, {
      to: values.to,
      store,
      experiment: values.experiment,
      artifacts: !values['no-artifacts'],
      logger: stderrLogger,
    });
    if (values.json) printJson(result);
    else
      stderrLogger.info(
        `exported run ${run.id} as MLflow run ${result.mlflowRunId} (experiment ${result.experimentId}): ${result.params} params, ${result.metricValues} metric values, ${result.artifacts} artifacts`,
      );
    return 0;
  },
};
