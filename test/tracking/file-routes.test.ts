/**
 * The capture routes that need no tracking library (DVC params.yaml/metrics.json, MLCI_METRICS_FILE), failing
 * and killed commands, MLproject entry points, and the train-and-log / overfit-gate actions.
 */
import { createHash } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';
import { runAction } from '../harness/runner';
import { freshProject, script, spawnCli } from './fixtures';

const md5 = (b: string) => createHash('md5').update(b).digest('hex');

describe('DVC conventions', () => {
  it('records nested params.yaml and metrics.json with dotted keys, and a stale .dvc file as what DVC recorded', async () => {
    const data = 'a,b\n1,2\n';
    const dvcMd5 = 'f'.repeat(32); // a stale .dvc file: kept as what DVC recorded, never as the dataset's md5
    const project = await freshProject({
      'params.yaml': 'seed: 7\ndata:\n  val_fraction: 0.3\ntrain:\n  C: 0.5\n  max_iter: 200\n',
      'metrics.json': '{"stale": 1}', // written before the run: must be ignored unless rewritten
      'train.csv': data,
      'train.csv.dvc': `outs:\n- md5: ${dvcMd5}\n  size: 8\n  path: train.csv\n`,
      'other.csv': data,
    });
    await copyFile(script('dvc_train.py'), join(project, 'dvc_train.py'));
    const run = await runCli(
      [
        'train',
        '--json',
        '--system-metrics-interval',
        '0',
        '--data',
        'train.csv',
        '--data',
        'other.csv',
        '--artifact',
        'out/model',
        '--artifact',
        'missing.bin',
        '--',
        'python3',
        'dvc_train.py',
      ],
      { cwd: project },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const r = jsonOf(run);
    expect(r.params).toEqual({ seed: '7', 'data.val_fraction': '0.3', 'train.C': '0.5', 'train.max_iter': '200' });
    const written = JSON.parse(await readFile(join(project, 'metrics.json'), 'utf8'));
    expect(r.metrics['val.accuracy'][0].value).toBe(written.val.accuracy);
    expect(r.metrics['train.accuracy']).toHaveLength(1);
    expect(r.metrics.stale).toBeUndefined();
    const pickled = await readFile(join(project, 'out', 'model', 'model.pkl'));
    expect(r.artifacts).toEqual([
      { path: 'model/model.pkl', sha256: createHash('sha256').update(pickled).digest('hex'), size: pickled.length },
    ]);
    expect(run.stderr).toMatch(/artifact missing\.bin does not exist/);
    expect(Object.keys(r.metrics).some((k) => k.startsWith('system/'))).toBe(false);
    expect(r.lineage.datasets.map((d: any) => [d.path, d.dvcMd5, d.dvcHash, d.dvc, d.snapshot])).toEqual([
      ['train.csv', md5(data), 'md5-dos2unix', { file: 'train.csv.dvc', md5: dvcMd5, hash: 'md5-dos2unix', status: 'modified' }, false],
      ['other.csv', md5(data), 'md5', undefined, false],
    ]);
    expect(run.stderr).toMatch(/train\.csv changed since train\.csv\.dvc was written: DVC recorded md5-dos2unix f{32}/);
    expect(r.lineage.git.dirty).toBe(true); // metrics.json is ignored, but dvc_train.py was copied in
    // Not snapshotted: restoring says why.
    const get = await runCli(['data', 'get', `${r.id}:train.csv`, '--to', join(project, 'x')], { cwd: project });
    expect(get.exitCode).toBe(2);
    expect(get.stderr).toMatch(/--snapshot/);
  });
});

describe('MLCI_METRICS_FILE, failures and kills', () => {
  it('records JSON Lines metrics; a failing command keeps its metrics so far and its exit code', async () => {
    const project = await freshProject({}, false);
    const ok = await runCli(
      ['train', '--json', '--name', 'jsonl', '--system-metrics-interval', '0', '--', 'python3', script('jsonl_train.py'), '--epochs', '3'],
      { cwd: project },
    );
    expect(ok.exitCode, ok.stderr).toBe(0);
    const r = jsonOf(ok);
    expect(r.name).toBe('jsonl');
    expect(r.metrics.loss.map((p: any) => p.step)).toEqual([0, 1, 2]);
    expect(r.metrics.accuracy).toHaveLength(3);
    expect(r.lineage.git).toEqual({ commit: null, branch: null, dirty: false });

    const failed = await runCli(
      ['train', '--json', '--system-metrics-interval', '0', '--', 'python3', script('jsonl_train.py'), '--fail-at', '1'],
      { cwd: project },
    );
    expect(failed.exitCode).toBe(3);
    const f = jsonOf(failed);
    expect(f.status).toBe('FAILED');
    expect(f.exitCode).toBe(3);
    expect(f.metrics.loss.map((p: any) => p.step)).toEqual([0, 1]);
    expect(failed.stderr).toContain('failing at epoch 1');

    const missing = await runCli(['train', '--', 'no-such-program-mlci'], { cwd: project });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/could not start "no-such-program-mlci".*FAILED/);
    const shellish = await runCli(['train', '--', 'echo', '$(touch pwned)', ';', 'true'], { cwd: project });
    expect(shellish.exitCode).toBe(0); // argv, not a shell: the words are printed, nothing runs

    const runs = jsonOf(await runCli(['runs', '--json'], { cwd: project }));
    expect(runs.map((x: any) => x.status)).toEqual(['FINISHED', 'FAILED', 'FAILED', 'FINISHED']);
    expect(runs[2].id).toBe(f.id);
  });

  it('forwards SIGTERM, records the run as KILLED with metrics so far, tolerating a half-written line', async () => {
    const project = await freshProject({}, false);
    const { child, done, stderr } = spawnCli(
      ['train', '--json', '--system-metrics-interval', '0', '--', 'python3', script('jsonl_train.py'), '--hang-at', '1'],
      project,
    );
    for (let i = 0; i < 300 && !stderr().includes('ready'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr()).toContain('ready');
    child.kill('SIGTERM');
    const result = await done;
    expect(result.exitCode).toBe(143);
    const r = JSON.parse(result.stdout);
    expect(r.status).toBe('KILLED');
    expect(r.exitCode).toBeNull();
    expect(r.tags['mlci.signal']).toBe('SIGTERM');
    expect(r.metrics.loss.map((p: any) => p.step)).toEqual([0, 1]);
    expect(result.stderr).not.toMatch(/line \d+: not valid JSON/);
    const stored = jsonOf(await runCli(['show', r.id, '--json'], { cwd: project }));
    expect(stored.status).toBe('KILLED');
  });
});

describe('MLflow Projects', () => {
  it('runs an entry point with typed, defaulted params substituted into argv words', async () => {
    const project = await freshProject(
      {
        MLproject: [
          'name: demo',
          'entry_points:',
          '  main:',
          '    parameters:',
          '      epochs: {type: int, default: 2}',
          '      note: {type: string, default: "a b; rm -rf /"}',
          '      lr: float',
          `    command: "python3 ${script('jsonl_train.py')} --epochs {epochs}"`,
          '  echo:',
          '    parameters:',
          '      note: {type: string, default: "x"}',
          '    command: "python3 -c \'import sys; print(sys.argv[1:])\' {note}"',
        ].join('\n'),
      },
      false,
    );
    const run = await runCli(['train', '--json', '--system-metrics-interval', '0', '--mlproject', '-P', 'lr=0.1', '-P', 'epochs=3'], {
      cwd: project,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const r = jsonOf(run);
    expect(r.params).toEqual({ epochs: '3', note: 'a b; rm -rf /', lr: '0.1' });
    expect(r.metrics.loss).toHaveLength(3);
    expect(r.tags['mlflow.project.entryPoint']).toBe('main');

    const echo = await runCli(
      ['train', '--json', '--system-metrics-interval', '0', '--mlproject', project, '-e', 'echo', '-P', 'note=$(id) x;y'],
      { cwd: project },
    );
    expect(echo.exitCode, echo.stderr).toBe(0);
    expect(echo.stderr).toContain("['$(id) x;y']"); // one argv word, untouched

    const bad = await runCli(['train', '--mlproject', '-P', 'lr=fast'], { cwd: project });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/"lr" must be a float/);
    const missing = await runCli(['train', '--mlproject'], { cwd: project });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/needs parameter "lr"/);
  });
});

describe('train-and-log and overfit-gate actions', () => {
  it('records a run from a command string, writes train.json and a summary; the gate reads it', async () => {
    const workspace = await freshProject({ 'data.csv': 'x\n1\n' });
    const train = await runAction('train-and-log', {
      workspace,
      inputs: {
        command: `python3 '${script('jsonl_train.py')}' --epochs 4`,
        data: 'data.csv\n',
        name: 'ci <run>',
        'system-metrics-interval': '0',
        snapshot: 'true',
      },
    });
    expect(train.exitCode, train.stderr + train.stdout).toBe(0);
    const record = JSON.parse(await readFile(train.outputs['result-file'], 'utf8'));
    expect(train.outputs['result-file']).toBe(join(train.runnerTemp, 'mlci', 'results', 'train.json'));
    expect(train.outputs['run-id']).toBe(record.id);
    expect(train.outputs.status).toBe('FINISHED');
    expect(record.metrics.loss).toHaveLength(4);
    expect(record.lineage.datasets[0].snapshot).toBe(true);
    // The job summary is the report's train section: the run named (escaped), its metrics and its datasets.
    expect(train.summary).toMatch(/^### ✅ Training: run ci &#60;run&#62; finished in \d+\.\d s/);
    expect(train.summary).toMatch(/\| loss \| [\d.e-]+ \| [▁▂▃▄▅▆▇█]+ \|/);
    const sha = createHash('sha256').update('x\n1\n').digest('hex');
    expect(train.summary).toContain(`| data.csv | <code>${sha.slice(0, 12)}</code> | <code>${md5('x\n1\n')}</code> |`);

    const gate = await runAction('overfit-gate', {
      workspace,
      env: { RUNNER_TEMP: train.runnerTemp },
      inputs: { assertions: 'accuracy >= 0\nloss < 0.0001 * min(loss)\n' },
    });
    expect(gate.exitCode).toBe(1);
    expect(gate.outputs.outcome).toBe('fail');
    const result = JSON.parse(await readFile(join(train.runnerTemp, 'mlci', 'results', 'gate.json'), 'utf8'));
    expect(result.assertions.map((a: any) => a.passed)).toEqual([true, false]);
    expect(gate.summary).toMatch(/^### ❌ Gates: 1 of 2 assertions failed/);
    expect(gate.summary).toMatch(/\| pass \| <code>accuracy &#62;&#61; 0<\/code> \|/);
    expect(gate.summary).toMatch(
      /\| \*\*fail\*\* \| <code>loss &#60; 0\.0001 &#42; min&#40;loss&#41;<\/code> \| [\d.]+ &#60; 0\.0001 &#42; [\d.]+ \|/,
    );
    expect(gate.annotations.some((a) => a.level === 'error' && a.message.includes('loss < 0.0001'))).toBe(true);

    const byId = await runAction('overfit-gate', { workspace, inputs: { run: record.id.slice(0, 8), assertions: 'accuracy >= 0' } });
    expect(byId.exitCode).toBe(0);
    expect(byId.outputs.outcome).toBe('pass');
  });

  it('fails the step with the command exit code, and refuses shell syntax in a command string', async () => {
    const workspace = await freshProject({}, false);
    const failed = await runAction('train-and-log', {
      workspace,
      inputs: { command: `[python3, "${script('jsonl_train.py')}", --fail-at, "0"]`, 'system-metrics-interval': '0' },
    });
    expect(failed.exitCode).toBe(3);
    expect(failed.outputs.status).toBe('FAILED');
    expect(failed.outputs['exit-code']).toBe('3');
    const shell = await runAction('train-and-log', { workspace, inputs: { command: 'python3 train.py | tee log' } });
    expect(shell.exitCode).not.toBe(0);
    expect(shell.stdout).toMatch(/shell syntax "\|"/);
    const noRun = await runAction('overfit-gate', { workspace, inputs: { assertions: 'loss < 1' } });
    expect(noRun.exitCode).not.toBe(0);
    expect(noRun.stdout).toMatch(/no train-and-log result/);
  });
});
