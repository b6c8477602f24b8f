/** The train-and-log and overfit-gate actions: inputs in, the shared library functions, outputs and summary out. */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@actions/core';
import { parse as parseYaml } from 'yaml';
import { fileError, inputError, usageError, writeJsonAtomic } from '@mlci/core';
import { numberInput } from '@mlci/core/action';
import { openStore, type RunRecord, type Store } from '@mlci/store';
import { gateRun } from './gate';
import { findProjectDir } from './lineage';
import { splitWords } from './mlproject';
import { gateSummaryMarkdown, trainSummaryMarkdown } from './summary';
import { train } from './train';

/** Where a job's steps leave their results for later steps and the report. */
export const resultsDir = () => join(process.env.RUNNER_TEMP ?? '.', 'mlci', 'results');

/** Multi-line input as a list: one entry per non-empty line. */
const lines = (name: string) =>
  core
    .getInput(name)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** A true/false input; empty means `fallback` (action.yml's default when the runner did not apply it). */
function booleanInput(name: string, fallback: boolean): boolean {
  const raw = core.getInput(name).trim();
  if (!raw) return fallback;
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  throw usageError(`input "${name}" must be true or false, got "${raw}"`);
}

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
      list = parseYaml(text);
    } catch (error) {
      throw usageError(`input "command" looks like a YAML list but does not parse: ${(error as Error).message.split('\n')[0]}`);
    }
    if (!Array.isArray(list) || !list.length || list.some((w) => typeof w === 'object' && w !== null)) throw usageError('input "command" must be a list of words');
    return list.map(String);
  }
  try {
    return splitWords(text);
  } catch (error) {
    throw usageError(`input "command": ${(error as Error).message}`, 'give the command as a YAML list of words, or wrap shell syntax in a script');
  }
}

/** The `snapshot` input: false, true (datasets stored by hash) or release (kept on releases too). */
export function snapshotInput(): 'false' | 'true' | 'release' {
  const raw = core.getInput('snapshot').trim().toLowerCase() || 'false';
  if (raw !== 'false' && raw !== 'true' && raw !== 'release') {
    throw inputError(`input "snapshot" must be true, false or release, got "${core.getInput('snapshot')}"`, { hint: 'release keeps datasets beyond artifact retention' });
  }
  return raw;
}

export type RunPublisher = (record: RunRecord, store: Store) => Promise<void>;

export async function runTrainAndLog(publish: RunPublisher = async () => {}): Promise<void> {
  const command = parseCommandInput(core.getInput('command'));
  const projectDir = await findProjectDir(process.env.GITHUB_WORKSPACE ?? process.cwd());
  const store = await openStore({ projectDir, logger: { info: core.info, warn: core.warning, error: core.error, debug: core.debug } });
  const optional = (name: string) => core.getInput(name) || undefined;
  const { record, exitCode } = await core.group(`Run ${command.join(' ')}`, () =>
    train({
      command,
      projectDir,
      store,
      data: lines('data'),
      artifacts: lines('artifacts'),
      snapshot: snapshotInput() !== 'false',
      name: optional('name'),
      experiment: optional('experiment'),
      paramsFiles: lines('params-file').length ? lines('params-file') : undefined,
      metricsFiles: lines('metrics-file').length ? lines('metrics-file') : undefined,
      systemMetricsInterval: numberInput('system-metrics-interval', 10),
      logger: { info: core.info, warn: core.warning, error: core.error, debug: core.debug },
    }),
  );
  await publish(record, store);
  const resultFile = join(resultsDir(), 'train.json');
  await mkdir(resultsDir(), { recursive: true });
  await writeJsonAtomic(resultFile, record);
  core.setOutput('run-id', record.id);
  core.setOutput('status', record.status);
  core.setOutput('exit-code', String(exitCode));
  core.setOutput('result-file', resultFile);
  await core.summary.addRaw(trainSummaryMarkdown(record)).write();
  if (record.status !== 'FINISHED') {
    core.setFailed(`training command ${record.status === 'KILLED' ? 'was killed' : `failed with exit code ${record.exitCode}`} (run ${record.id} recorded)`);
    process.exitCode = exitCode || 1;
  }
}

export async function runOverfitGate(): Promise<void> {
  const assertions = lines('assertions');
  if (!assertions.length) throw usageError('input "assertions" is required: one assertion per line', "e.g. `val_loss < 1.2 * train_loss`");
  const runInput = core.getInput('run');
  const store = await openStore({ projectDir: await findProjectDir(process.env.GITHUB_WORKSPACE ?? process.cwd()) });
  let run: RunRecord;
  if (runInput) {
    run = await store.getRun(runInput);
  } else {
    const file = join(resultsDir(), 'train.json');
    const text = await readFile(file, 'utf8').catch((error) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw inputError('no train-and-log result in this job', { file, hint: 'run train-and-log earlier in the job, or give input `run`' });
      throw fileError(file, error);
    });
    try {
      run = JSON.parse(text);
    } catch {
      throw inputError('not a run record (invalid JSON)', { file });
    }
  }
  const result = gateRun(run, assertions);
  // Recorded on the run in the workspace store too, so a promotion that requires gates can see it.
  await store.annotateRun?.(run.id, { 'mlci.gate.overfit-gate': result.outcome }).catch((error) => core.warning(`gate result not recorded on run ${run.id}: ${(error as Error).message}`));
  const resultFile = join(resultsDir(), 'gate.json');
  await mkdir(resultsDir(), { recursive: true });
  await writeJsonAtomic(resultFile, result);
  core.setOutput('outcome', result.outcome);
  core.setOutput('result-file', resultFile);
  await core.summary.addRaw(gateSummaryMarkdown(result)).write();
  for (const a of result.assertions) if (!a.passed) core.error(`overfit gate: ${a.expression} does not hold (${a.evaluated})`);
  if (result.outcome === 'fail') core.setFailed(`${result.assertions.filter((a) => !a.passed).length} of ${result.assertions.length} overfit assertions failed`);
}
