/** train-and-log and overfit-gate: inputs in, the tracking library, outputs and summary out. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileError, inputError, MlciError, parseYaml, usageError } from '@mlci/core';
import { encodeRunRecord, openStore, type RunRecord, type Store } from '@mlci/store';
import { encodeGateResult, findProjectDir, gateRun, parseRunSelector, splitWords, train } from '@mlci/tracking';
import { localMlflowRegistry } from '@mlci/registry';
import { gateSection, sectionMarkdown, trainSection } from '@mlci/report';
import type { ActionContext } from './context';
import { parseRunFile } from './run-file';

/**
 * Input `command`: a YAML list (`[python, train.py]` or a `- item` block) taken as argv, or a string split
 * into words like a shell would WITHOUT running one (quotes honoured, no expansion, shell operators refused).
 */
export function parseCommandInput(raw: string): string[] {
  const text = raw.trim();
  if (!text) throw usageError('input "command" is required', 'e.g. `command: python train.py` or `command: [python, train.py]`');
  if (text.startsWith('[') || text.startsWith('- ')) {
    let list: unknown;
    try {
      // The one YAML policy (core tags only, bounded aliases and nesting), as for every YAML mlci reads.
      list = parseYaml(text, 'input "command"');
    } catch (error) {
      throw usageError(
        `input "command" looks like a YAML list but does not parse: ${(error as Error).message.split('\n')[0]}`,
        error instanceof MlciError && error.hint ? error.hint : 'e.g. `command: [python, train.py]`',
      );
    }
    if (!Array.isArray(list) || !list.length || list.some((w) => typeof w === 'object' && w !== null))
      throw usageError('input "command" must be a list of words');
    return list.map(String);
  }
  try {
    return splitWords(text);
  } catch (error) {
    throw usageError(
      `input "command": ${(error as Error).message}`,
      'give the command as a YAML list of words, or wrap shell syntax in a script',
    );
  }
}

/** The workspace's store through the backend factory: GitHub (artifacts) inside a job that has it, else `.mlci/`. */
async function jobStore(ctx: ActionContext): Promise<Store> {
  return openStore({ projectDir: await findProjectDir(ctx.workspace), token: ctx.token, env: ctx.env, logger: ctx.logger });
}

/**
 * What leaves the job besides the record: snapshotted datasets as release assets (`snapshot: release`, kept
 * beyond artifact retention), then the run and its datasets as artifacts (the store's publishRun).
 */
async function publish(ctx: ActionContext, record: RunRecord, store: Store, snapshot: string): Promise<void> {
  const snapshotted = record.lineage.datasets.some((d) => d.snapshot);
  if (snapshot === 'release' && snapshotted) {
    if (!ctx.token || !ctx.repository)
      throw inputError('snapshot: release needs GITHUB_TOKEN (contents: write) and GITHUB_REPOSITORY', {
        hint: 'set env: GITHUB_TOKEN: ${{ github.token }} on the step',
      });
    const { publishDatasetsToRelease } = await import('@mlci/store/github-releases');
    const { uploaded, existing } = await publishDatasetsToRelease(record, store, {
      token: ctx.token,
      owner: ctx.repository.owner,
      repo: ctx.repository.repo,
      logger: ctx.logger,
    });
    ctx.logger.info(`datasets on releases: ${uploaded.length} uploaded, ${existing.length} already stored by hash`);
    ctx.output('datasets-released', uploaded.length);
  }
  const published = await store.publishRun(record);
  if (!published.artifact) return;
  ctx.output('artifact', published.artifact);
  if (snapshotted && ctx.token) ctx.output('datasets-uploaded', published.datasetsUploaded);
}

export async function trainAction(ctx: ActionContext): Promise<void> {
  const { input } = ctx;
  const command = parseCommandInput(input.string('command'));
  const snapshot = input.choice('snapshot', ['true', 'false', 'release'], 'false', 'release keeps datasets beyond artifact retention');
  const store = await jobStore(ctx);
  const list = (name: string) => (input.list(name).length ? input.list(name) : undefined);
  const { record, exitCode } = await ctx.group(`Run ${command.join(' ')}`, async () =>
    train({
      command,
      projectDir: await findProjectDir(ctx.workspace),
      store,
      data: input.list('data'),
      artifacts: input.list('artifacts'),
      snapshot: snapshot !== 'false',
      name: input.optional('name'),
      experiment: input.optional('experiment'),
      selectRun: parseRunSelector(input.optional('select-run'), 'select-run'),
      paramsFiles: list('params-file'),
      metricsFiles: list('metrics-file'),
      systemMetricsInterval: input.number('system-metrics-interval', 10),
      // The script's MLflow registry calls reach the job's .mlci/registry; promote-model publishes releases.
      modelRegistry: localMlflowRegistry(store, { logger: ctx.logger }),
      logger: ctx.logger,
    }),
  );
  await publish(ctx, record, store, snapshot);
  // NaN and ±inf as "NaN"/"Infinity" strings, as run.json has them (JSON.stringify would write null).
  const encoded = encodeRunRecord(record);
  const resultFile = await ctx.writeResult('train', encoded);
  ctx.output('run-id', record.id);
  ctx.output('status', record.status);
  ctx.output('exit-code', exitCode);
  ctx.output('result-file', resultFile);
  // The job summary is the report's own section for this result: one renderer for summary and PR comment.
  await ctx.summary(sectionMarkdown(trainSection(encoded)) + '\n');
  if (record.status !== 'FINISHED') {
    ctx.fail(
      `training command ${record.status === 'KILLED' ? 'was killed' : `failed with exit code ${record.exitCode}`} (run ${record.id} recorded)`,
    );
    process.exitCode = exitCode || 1;
  }
}

/** The run overfit-gate judges: input `run`, else this job's train-and-log result. */
async function gatedRun(ctx: ActionContext, store: Store): Promise<RunRecord> {
  const runInput = ctx.input.string('run');
  if (runInput) return store.getRun(runInput);
  const file = join(ctx.resultsDir, 'train.json');
  const text = await readFile(file, 'utf8').catch((error) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw inputError('no train-and-log result in this job', { file, hint: 'run train-and-log earlier in the job, or give input `run`' });
    throw fileError(file, error);
  });
  return parseRunFile(text, file, 'train-and-log writes it; or give input `run`');
}

export async function overfitGateAction(ctx: ActionContext): Promise<void> {
  const assertions = ctx.input.list('assertions');
  if (!assertions.length) throw usageError('input "assertions" is required: one assertion per line', 'e.g. `val_loss < 1.2 * train_loss`');
  const store = await jobStore(ctx);
  const run = await gatedRun(ctx, store);
  const result = gateRun(run, assertions);
  // Recorded on the run in the workspace store too, so a promotion that requires gates can see it.
  await store
    .annotateRun?.(run.id, { 'mlci.gate.overfit-gate': result.outcome })
    .catch((error) => ctx.warning(`gate result not recorded on run ${run.id}: ${(error as Error).message}`));
  const encoded = encodeGateResult(result);
  const resultFile = await ctx.writeResult('gate', encoded);
  ctx.output('outcome', result.outcome);
  ctx.output('result-file', resultFile);
  await ctx.summary(sectionMarkdown(gateSection(encoded)) + '\n');
  for (const a of result.assertions) if (!a.passed) ctx.error(`overfit gate: ${a.expression} does not hold (${a.evaluated})`);
  if (result.outcome === 'fail')
    ctx.fail(`${result.assertions.filter((a) => !a.passed).length} of ${result.assertions.length} overfit assertions failed`);
}
