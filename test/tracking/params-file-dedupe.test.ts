/**
 * A DVC-style params.yaml with nested sections, read by a script that also logs a section with MLflow (what
 * examples/iris/train.py does): the run records each param once, under the dotted key DVC shows, and the PR
 * report's train section lists it once.
 */
import { describe, expect, it } from 'vitest';
import { trainSection } from '@mlci/report';
import { jsonOf, runCli } from '../harness/cli';
import { freshProject } from './fixtures';

const trainPy = `
import mlflow, yaml
params = yaml.safe_load(open("params.yaml"))["train"]
with mlflow.start_run():
    mlflow.log_params(params)
    mlflow.log_param("note", "from the script")
    mlflow.log_metric("loss", 0.5)
`;

describe('params.yaml sections logged again by the script', () => {
  it('are recorded and shown once, under the full dotted key', async () => {
    const project = await freshProject({ 'params.yaml': 'train:\n  epochs: 30\n  learning_rate: 0.05\nseed: 7\n', 'train.py': trainPy });
    const run = await runCli(['train', '--json', '--system-metrics-interval', '0', '--', 'python3', 'train.py'], { cwd: project });
    expect(run.exitCode, run.stderr).toBe(0);
    const record = jsonOf(run);
    expect(record.params).toEqual({ 'train.epochs': '30', 'train.learning_rate': '0.05', seed: '7', note: 'from the script' });

    const body = trainSection(record).body;
    expect(body).toContain('4 params');
    expect(body).toMatch(/\| train\.epochs \| 30 \|/);
    expect(body).not.toMatch(/\| epochs \|/);
    expect(body).not.toMatch(/\| learning_rate \|/);
  }, 120_000);
});
