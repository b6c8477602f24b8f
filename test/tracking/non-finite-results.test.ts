/**
 * NaN and ±inf in the files a step hands to the next: train-and-log's train.json, overfit-gate's gate.json and
 * `mlci gate --json` write them as "NaN"/"Infinity"/"-Infinity" (as run.json does), where JSON.stringify
 * wrote null, and the readers of train.json (overfit-gate, `mlci gate --record`) read them back as numbers.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';
import { runAction } from '../harness/runner';
import { freshProject } from './fixtures';

/** Logs loss 1, NaN, then acc 0.5 and Infinity, through the MLflow REST endpoint mlci starts. */
const DIVERGING = `
const api = (path, body) =>
  fetch(process.env.MLFLOW_TRACKING_URI + '/api/2.0/mlflow/' + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.json());
const { run } = await api('runs/create', { experiment_id: '0', start_time: Date.now() });
const id = run.info.run_id;
for (const [key, value, step] of [['loss', 1, 0], ['loss', 'NaN', 1], ['acc', 0.5, 0], ['acc', 'Infinity', 1]])
  await api('runs/log-metric', { run_id: id, key, value, step, timestamp: Date.now() });
await api('runs/update', { run_id: id, status: 'FINISHED', end_time: Date.now() });
`;

describe('NaN and ±inf in step results', () => {
  it('train.json holds "NaN"/"Infinity"; overfit-gate reads them as numbers and gate.json writes them the same way', async () => {
    const workspace = await freshProject({ 'diverge.mjs': DIVERGING });
    const train = await runAction('train-and-log', {
      workspace,
      inputs: { command: '[node, diverge.mjs]', 'system-metrics-interval': '0' },
    });
    expect(train.exitCode, train.stderr + train.stdout).toBe(0);
    const record = JSON.parse(await readFile(train.outputs['result-file'], 'utf8'));
    expect(record.metrics.loss.map((p: { value: unknown }) => p.value)).toEqual([1, 'NaN']);
    expect(record.metrics.acc.map((p: { value: unknown }) => p.value)).toEqual([0.5, 'Infinity']);

    const gate = await runAction('overfit-gate', {
      workspace,
      env: { RUNNER_TEMP: train.runnerTemp },
      inputs: { assertions: 'loss < 1\nacc > 0.9\n' },
    });
    // NaN is unknown and fails; Infinity is a number that holds: read as null (NaN) it would fail too.
    expect(gate.exitCode, gate.stderr + gate.stdout).toBe(1);
    const result = JSON.parse(await readFile(join(train.runnerTemp, 'mlci', 'results', 'gate.json'), 'utf8'));
    expect(result.assertions.map((a: { passed: boolean }) => a.passed)).toEqual([false, true]);
    expect(result.assertions[0].values).toEqual({ loss: 'NaN' });
    expect(result.assertions[0].notes.join(' ')).toMatch(/NaN/);
    expect(result.assertions[1].values).toEqual({ acc: 'Infinity' });
  });

  it('mlci gate --json writes NaN values as "NaN", and --record reads a train.json that holds them', async () => {
    const dir = await freshProject({}, false);
    const point = (step: number, value: unknown) => ({ step, value, timestamp: step });
    await writeFile(
      join(dir, 'train.json'),
      JSON.stringify({
        id: 'r'.repeat(32),
        name: 'diverged',
        metrics: { loss: [point(0, 1), point(1, 'NaN')], acc: [point(0, '-Infinity')], old: [point(0, null)] },
      }),
    );
    const run = await runCli(['gate', '--record', 'train.json', '--assert', 'loss < 1', '--assert', 'acc < 0', '--json'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(1);
    const result = jsonOf(run);
    expect(result.assertions.map((a: { passed: boolean }) => a.passed)).toEqual([false, true]);
    expect(result.assertions[0].values).toEqual({ loss: 'NaN' });
    expect(result.assertions[1].values).toEqual({ acc: '-Infinity' });
    // null, as an older writer left NaN, is NaN too; any other string is still refused by name.
    const old = await runCli(['gate', '--record', 'train.json', '--assert', 'old < 1', '--json'], { cwd: dir });
    expect(old.exitCode, old.stderr).toBe(1);
    expect(jsonOf(old).assertions[0].values).toEqual({ old: 'NaN' });
    await writeFile(join(dir, 'text.json'), JSON.stringify({ id: 'x', metrics: { loss: [point(0, 'nan')] } }));
    const text = await runCli(['gate', '--record', 'text.json', '--assert', 'loss < 1'], { cwd: dir });
    expect(text.exitCode).toBe(2);
    expect(text.stderr).toContain('metric "loss" point 0: value is the string "nan", not a number');
  });
});
