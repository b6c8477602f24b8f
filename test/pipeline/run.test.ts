import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';
import { repoRoot } from '../harness/runner';

/** A private copy of examples/iris, so runs and the registry land in a temp .mlci/. */
function irisCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlci-pipeline-'));
  cpSync(join(repoRoot, 'examples/iris'), dir, { recursive: true, filter: (src) => !/[/\\](\.mlci|out|mlruns)$/.test(src) });
  return dir;
}

describe('mlci run on the iris example', () => {
  it('validates, checks drift, trains, gates, compares and promotes; a second run compares with that champion and does not churn it', async () => {
    const dir = irisCopy();
    const first = await runCli(['run', '--json'], { cwd: dir });
    expect(first.exitCode, first.stderr).toBe(0);
    const result = jsonOf(first);
    expect(result.outcome).toBe('pass');
    expect(result.stages.map((s: { stage: string; outcome: string }) => [s.stage, s.outcome])).toEqual([
      ['validate', 'pass'],
      ['drift', 'pass'],
      ['train', 'pass'],
      ['gate', 'pass'],
      ['compare', 'pass'],
      ['promote', 'pass'],
    ]);
    const run = result.stages[2].result;
    expect(run.status).toBe('FINISHED');
    expect(run.metrics.val_loss.length).toBe(30);
    expect(run.lineage.datasets.map((d: { path: string }) => d.path)).toEqual(['data/train.csv']);
    expect(result.stages[5].result).toMatchObject({ name: 'iris-classifier', alias: 'champion', previous: null });

    const models = await runCli(['models', 'show', 'iris-classifier@champion', '--json'], { cwd: dir });
    expect(models.exitCode, models.stderr).toBe(0);
    expect(jsonOf(models).runId).toBe(run.id);

    // A second run compares with the champion; the same model improves nothing, so it is not promoted.
    const second = await runCli(['run'], { cwd: dir });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/compare: main: no baseline yet; champion: vs champion iris-classifier@v0\.1\.0/);
    expect(second.stderr).toContain('not promoted: no metric improved on champion');
    // The human form ends with the verdict line.
    expect(second.stdout.trim().split('\n').pop()).toBe('mlci: ✔ ready: validate, drift, train, gate, compare passed');
  }, 240_000);

  it('does not promote when the data fails its schema, and exits 1 with a data-problems verdict', async () => {
    const dir = irisCopy();
    const data = join(dir, 'data/train.csv');
    writeFileSync(data, readFileSync(data, 'utf8').replace('\n2,4.9,', '\n2,49,'));
    const run = await runCli(['run', '--json', '--only', 'validate,promote'], { cwd: dir });
    expect(run.exitCode).toBe(1);
    const result = jsonOf(run);
    expect(result.verdict).toBe('data problems: validate failed');
    expect(result.stages[0].result[0].violations[0]).toMatchObject({ row: 2, line: 3, field: 'sepal_length', constraint: 'maximum' });
    expect(result.stages[1]).toMatchObject({ stage: 'promote', outcome: 'skipped' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains nothing after a failed validation unless mlci.yml says on-fail: continue', async () => {
    const dir = irisCopy();
    const data = join(dir, 'data/train.csv');
    writeFileSync(data, readFileSync(data, 'utf8').replace('\n2,4.9,', '\n2,49,'));
    const stopped = jsonOf(await runCli(['run', '--json', '--only', 'validate,train,gate'], { cwd: dir }));
    expect(stopped.stages.map((s: { stage: string; outcome: string }) => `${s.stage} ${s.outcome}`)).toEqual([
      'validate fail',
      'train skipped',
      'gate skipped',
    ]);
    expect(stopped.stages[1].summary).toBe('not run: data validation failed (mlci.yml on-fail: stop)');
    writeFileSync(join(dir, 'mlci.yml'), readFileSync(join(dir, 'mlci.yml'), 'utf8') + 'on-fail: continue\n');
    const continued = await runCli(['run', '--json', '--only', 'validate,train'], { cwd: dir });
    expect(continued.exitCode).toBe(1);
    expect(jsonOf(continued).stages.map((s: { stage: string; outcome: string }) => `${s.stage} ${s.outcome}`)).toEqual([
      'validate fail',
      'train pass',
    ]);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("a stage that cannot run is that stage's failure, naming the file and the fix; the CLI exits 2 for bad input", async () => {
    const dir = irisCopy();
    // A schema that exists but is not JSON: only the validate stage, reading it, can tell (a missing one is refused before any stage).
    writeFileSync(join(dir, 'schema.json'), '{"fields": [');
    const run = await runCli(['run', '--json', '--only', 'validate,drift'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    const result = jsonOf(run);
    expect(result.verdict).toBe('data problems: validate failed');
    expect(result.stages[0]).toMatchObject({
      stage: 'validate',
      outcome: 'fail',
      error: { kind: 'input', message: expect.stringContaining('the schema is not valid JSON') },
    });
    expect(result.stages[0].summary).toMatch(/schema\.json: the schema is not valid JSON.*\(hint: /);
    expect(result.stages[1]).toMatchObject({ stage: 'drift', outcome: 'pass' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the line of a mistake in mlci.yml and exits 2', async () => {
    const dir = irisCopy();
    writeFileSync(join(dir, 'mlci.yml'), 'version: 1\ntrain:\n  comand: [python3, train.py]\n');
    const run = await runCli(['run'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('mlci.yml:3: train: unknown property "comand"');
  });
});

describe('the root action', () => {
  it('runs the pipeline in log groups, sets per-stage outputs, posts ONE sticky report comment and does not promote in a pull request', async () => {
    const { runAction } = await import('../harness/runner');
    const { startEmulator } = await import('../github-emulator/index');
    const gh = await startEmulator({ port: 0 });
    try {
      const workspace = irisCopy();
      const job = gh.jobEnv();
      const env = { ...job, MLCI_GITHUB_PACE_WRITES: 'false', PYTHONUNBUFFERED: '1' };
      const event = { pull_request: { number: 1, head: { sha: job.GITHUB_SHA } } };
      const inputs = { config: 'mlci.yml', 'github-token': 'ghs_test_write' };
      const run = await runAction('pipeline', { workspace, inputs, eventName: 'pull_request', event, env });
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain('::group::mlci validate');
      expect(run.stdout).toContain('::group::mlci train');
      expect(run.outputs).toMatchObject({
        outcome: 'pass',
        'validate-outcome': 'pass',
        'drift-outcome': 'pass',
        'train-outcome': 'pass',
        'gate-outcome': 'pass',
        'compare-outcome': 'pass',
        'promote-outcome': 'skipped',
      });
      expect(run.outputs['run-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(run.summary).toContain('mlci: ready');
      const comments = gh.state.comments.filter((c) => c.issueNumber === 1);
      expect(comments).toHaveLength(1);
      expect(comments[0].body.startsWith('<!-- mlci:report -->')).toBe(true);
      expect(run.outputs['comment-id']).toBe(String(comments[0].id));
      expect(gh.conformance).toEqual([]);
    } finally {
      await gh.stop();
    }
  }, 120_000);
});

describe('mlci init', () => {
  it('writes an mlci.yml that mlci run accepts, in a repository with a CSV and a training script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-init-'));
    cpSync(join(repoRoot, 'examples/iris/data'), join(dir, 'data'), { recursive: true });
    cpSync(join(repoRoot, 'examples/iris/train.py'), join(dir, 'train.py'));
    cpSync(join(repoRoot, 'examples/iris/params.yaml'), join(dir, 'params.yaml'));
    const init = await runCli(['init', '--json'], { cwd: dir });
    expect(init.exitCode, init.stderr).toBe(0);
    const result = jsonOf(init);
    expect(result.datasets).toEqual(['data/train.csv']);
    expect(result.trainCommand).toEqual(['python3', 'train.py']);
    const yml = readFileSync(join(dir, 'mlci.yml'), 'utf8');
    expect(yml).toContain('reference: data/reference.csv');
    expect(yml).toContain('target: species');
    // mlci run accepts it: the data stages pass on the inferred schema.
    const run = await runCli(['run', '--only', 'validate,drift', '--json'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(jsonOf(run).stages.map((s: { stage: string }) => s.stage)).toEqual(['validate', 'drift']);
    expect((await runCli(['init'], { cwd: dir })).exitCode).toBe(2);
  });
});
