/**
 * The MLflow capture route end to end, judged by the real mlflow client: a scikit-learn script logs params,
 * stepped metrics, an artifact and a model; the record is then listed, shown, gated, restored and exported
 * into a real `mlflow server` and read back with MlflowClient.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';
import { freshProject, script, startMlflowServer } from './fixtures';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const csv = 'x,y\n1,2\n3,4\n';

let project: string;
let record: any;
let mlflow: Promise<{ uri: string; stop(): void }>;

beforeAll(async () => {
  // The mlflow server starts while the training runs: both are slow Python start-ups.
  mlflow = startMlflowServer(await mkdtemp(join(tmpdir(), 'mlci-mlflow-')));
  mlflow.catch(() => {});
  project = await freshProject({ 'data.csv': csv });
  const run = await runCli(
    [
      'train',
      '--json',
      '--data',
      'data.csv',
      '--snapshot',
      '--system-metrics-interval',
      '0.2',
      '--',
      'python3',
      script('mlflow_train.py'),
      '4',
    ],
    { cwd: project },
  );
  if (run.exitCode !== 0) throw new Error(`train failed: ${run.stderr}`);
  record = jsonOf(run);
  expect(run.stderr).toContain('logged ['); // the script's stdout went to stderr
}, 120_000);

afterAll(async () => (await mlflow.catch(() => null))?.stop());

describe('mlci train with an unchanged MLflow script', () => {
  it('records params, full metric histories, tags, artifacts and lineage', async () => {
    expect(record.status).toBe('FINISHED');
    expect(record.exitCode).toBe(0);
    expect(record.id).toMatch(/^[0-9a-f]{32}$/);
    expect(record.name).toBe('sgd-iris');
    expect(record.params).toEqual({ epochs: '4', eta0: '0.01', model: 'SGDClassifier' });
    expect(record.metrics.train_loss.map((p: any) => p.step)).toEqual([0, 1, 2, 3]);
    expect(record.metrics.val_loss).toHaveLength(4);
    for (const p of record.metrics.train_loss) expect(p.timestamp).toBeGreaterThanOrEqual(record.startTime);
    expect(record.metrics.val_accuracy[0].value).toBeGreaterThan(0.3);
    expect(record.metrics['system/cpu_utilization_percentage'].length).toBeGreaterThanOrEqual(2);
    expect(record.metrics['system/system_memory_usage_megabytes'][0].value).toBeGreaterThan(0);
    expect(record.tags.team).toBe('tracking');
    const paths = record.artifacts.map((a: any) => a.path);
    expect(paths).toEqual(expect.arrayContaining(['reports/notes.txt', 'model/MLmodel']));
    expect(paths.some((p: string) => /^model\/model\.(pkl|skops)$/.test(p))).toBe(true);
    const notes = record.artifacts.find((a: any) => a.path === 'reports/notes.txt');
    expect(notes.sha256).toBe(sha('trained on iris\n'));
    const blob = join(project, '.mlci', 'blobs', 'sha256', notes.sha256.slice(0, 2), notes.sha256.slice(2));
    expect(await readFile(blob, 'utf8')).toBe('trained on iris\n');
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: project, encoding: 'utf8' }).trim();
    expect(record.lineage.git).toEqual({ commit, branch: 'main', dirty: false });
    expect(record.lineage.datasets).toEqual([
      { path: 'data.csv', sha256: sha(csv), dvcMd5: md5(csv), dvcHash: 'md5', size: csv.length, snapshot: true },
    ]);
    expect(record.lineage.environment.python).toMatch(/^3\./);
    expect(record.lineage.environment.pipFreeze.some((l: string) => l.toLowerCase().startsWith('mlflow'))).toBe(true);
    expect(JSON.parse(await readFile(join(project, '.mlci', 'runs', record.id, 'run.json'), 'utf8'))).toEqual(record);
  });

  it('lists, shows with sparklines, gates and restores the run', async () => {
    const runs = jsonOf(await runCli(['runs', '--json'], { cwd: project }));
    expect(runs.map((r: any) => r.id)).toEqual([record.id]);
    const shown = await runCli(['show', record.id.slice(0, 6)], { cwd: project });
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toMatch(/train_loss .*[▁▂▃▄▅▆▇█]{2,}/);
    expect(jsonOf(await runCli(['show', 'sgd-iris', '--json'], { cwd: project })).id).toBe(record.id);

    const pass = await runCli(['gate', record.id, '--json', '--assert', 'val_accuracy >= 0.3', '--assert', 'not rising(train_loss, 3)'], {
      cwd: project,
    });
    expect(pass.exitCode).toBe(0);
    expect(jsonOf(pass).assertions[0].values.val_accuracy).toBe(record.metrics.val_accuracy[0].value);
    const fail = await runCli(['gate', record.id, '--assert', 'train_accuracy - val_accuracy <= -1'], { cwd: project });
    expect(fail.exitCode).toBe(1);
    expect(fail.stdout).toContain('FAIL');
    const unknown = await runCli(['gate', record.id, '--assert', 'val_acc > 1'], { cwd: project });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/val_acc.*\n.*train_loss/);

    const out = join(project, 'restored');
    const got = await runCli(['data', 'get', `${record.id.slice(0, 8)}:data.csv`, '--to', out, '--json'], { cwd: project });
    expect(got.exitCode).toBe(0);
    expect(await readFile(join(out, 'data.csv'), 'utf8')).toBe(csv);
    const byHash = await runCli(['data', 'get', sha(csv), '--to', join(project, 'by-hash')], { cwd: project });
    expect(byHash.exitCode).toBe(0);
    expect(await readFile(join(project, 'by-hash', sha(csv)), 'utf8')).toBe(csv);
    // A tampered blob is refused and nothing is written.
    const blob = join(project, '.mlci', 'blobs', 'sha256', sha(csv).slice(0, 2), sha(csv).slice(2));
    await writeFile(blob, 'x,y\n1,2\n3,5\n');
    const tampered = await runCli(['data', 'get', `${record.id}:data.csv`, '--to', join(project, 'bad')], { cwd: project });
    expect(tampered.exitCode).toBe(2);
    expect(tampered.stderr).toMatch(/tampered/);
    await expect(readFile(join(project, 'bad', 'data.csv'))).rejects.toThrow();
  });

  it('exports into a real mlflow server, read back with the mlflow client', async () => {
    const { uri } = await mlflow;
    const exported = await runCli(['export', record.id, '--to', uri, '--experiment', 'mlci-export', '--json'], { cwd: project });
    expect(exported.exitCode, exported.stderr).toBe(0);
    const result = jsonOf(exported);
    expect(result.artifacts).toBe(record.artifacts.length);
    const readBack = execFileSync(
      'python3',
      [
        '-c',
        `
import json, sys
from mlflow import MlflowClient
c = MlflowClient(sys.argv[1])
run = c.get_run(sys.argv[2])
hist = [(m.step, m.value) for m in c.get_metric_history(run.info.run_id, "train_loss")]
arts = sorted(f.path for f in c.list_artifacts(run.info.run_id, "reports"))
notes = open(c.download_artifacts(run.info.run_id, "reports/notes.txt", sys.argv[3])).read()
print(json.dumps({"status": run.info.status, "name": run.info.run_name, "params": run.data.params, "tags": run.data.tags,
  "exp": c.get_experiment(run.info.experiment_id).name, "hist": sorted(hist), "arts": arts, "notes": notes}))
`,
        uri,
        result.mlflowRunId,
        await mkdtemp(join(tmpdir(), 'mlci-dl-')),
      ],
      { encoding: 'utf8' },
    );
    const back = JSON.parse(readBack);
    expect(back.status).toBe('FINISHED');
    expect(back.name).toBe('sgd-iris');
    expect(back.exp).toBe('mlci-export');
    expect(back.params).toEqual(record.params);
    expect(back.tags['mlci.run_id']).toBe(record.id);
    expect(back.hist).toEqual(record.metrics.train_loss.map((p: any) => [p.step, p.value]));
    expect(back.arts).toEqual(['reports/notes.txt']);
    expect(back.notes).toBe('trained on iris\n');
  }, 300_000);
});
