/**
 * workflows-examples/matrix-sweep.yml end to end: two training jobs (one per learning rate) upload their run
 * stores through the emulator's artifact service, the rank job downloads and merges them, ranks the runs with
 * compare-to-champion and names the best run as a job output and in the summary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { repoRoot } from '../harness/runner';
import { checkoutCopy, explain, runWorkflow, type WorkflowRunResult, removeWorkflowDirs } from './host-runner';
import { callsBeyond } from './permissions';

let gh: Emulator;
let run: WorkflowRunResult;
let from: number;

beforeAll(async () => {
  gh = await startEmulator();
  const project = checkoutCopy(join(repoRoot, 'examples/iris'));
  writeFileSync(join(project, 'requirements.txt'), 'mlflow\nscikit-learn\npandas\npyyaml\n');
  from = gh.requests.length;
  run = await runWorkflow({
    workflow: 'workflows-examples/matrix-sweep.yml',
    projectDir: project,
    emulator: gh,
    event: 'workflow_dispatch',
  });
}, 150_000);
afterAll(async () => {
  await gh?.stop();
  removeWorkflowDirs();
});

describe('matrix-sweep.yml', () => {
  it('trains one job per learning rate, each with its own parameter, and uploads its run store', () => {
    expect(run.conclusion, explain(run)).toBe('success');
    const train = run.jobs.filter((j) => j.id === 'train');
    expect(train.map((j) => [j.name, j.conclusion])).toEqual([
      ['train (0.01)', 'success'],
      ['train (0.1)', 'success'],
    ]);
    for (const job of train) {
      const lr = String(job.matrix!['learning-rate']);
      expect(readFileSync(join(job.workspace, 'params.yaml'), 'utf8')).toMatch(new RegExp(`learning_rate: ${lr.replace('.', '\\.')}\\n`));
      const record = JSON.parse(readFileSync(job.steps.find((s) => s.id === 'train')!.outputs['result-file']!, 'utf8'));
      expect([record.name, record.status, record.params['train.learning_rate']]).toEqual([`iris-lr-${lr}`, 'FINISHED', lr]);
    }
    // train-and-log uploads each run as mlci-run-<id> by itself; the workflow's own upload is the store the rank job merges.
    const trained = train.map((j) => j.steps.find((s) => s.id === 'train')!.outputs['run-id']!);
    expect(
      gh.state.artifacts
        .filter((a) => a.runId === run.runId && a.finalized)
        .map((a) => a.name)
        .sort(),
    ).toEqual([...trained.map((id) => `mlci-run-${id}`).sort(), 'sweep-lr-0.01', 'sweep-lr-0.1']);
  });

  it('ranks the merged runs by accuracy and names the best one as the job output and in the summary', () => {
    const rank = run.job('rank');
    const trained = run.jobs.filter((j) => j.id === 'train').map((j) => j.steps.find((s) => s.id === 'train')!.outputs['run-id']!);
    expect(
      rank.steps
        .find((s) => s.id === 'runs')!
        .outputs.ids!.split('\n')
        .sort(),
    ).toEqual([...trained].sort());
    const accuracy = (id: string) => {
      const job = run.jobs.find((j) => j.steps.some((s) => s.outputs['run-id'] === id))!;
      const record = JSON.parse(readFileSync(job.steps.find((s) => s.id === 'train')!.outputs['result-file']!, 'utf8'));
      return record.metrics.accuracy.at(-1).value as number;
    };
    const best = rank.outputs['best-run']!;
    expect(trained).toContain(best);
    const other = trained.find((id) => id !== best)!;
    expect(accuracy(best)).toBeGreaterThanOrEqual(accuracy(other));
    expect(rank.summary).toContain(`Best run of the sweep - ${best}`);
    expect(rank.summary).toMatch(/Sweep of 2 runs ranked by/);
    expect(callsBeyond(gh, from, rank.permissions)).toEqual([]);
    expect(gh.conformance).toEqual([]);
  });
});
