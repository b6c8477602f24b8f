import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LocalStore, type RunRecord } from '@mlci/store';

/** A project directory with an empty `.mlci` store. */
export async function freshProject(): Promise<{ dir: string; store: LocalStore }> {
  const dir = await mkdtemp(join(tmpdir(), 'mlci-registry-'));
  return { dir, store: new LocalStore({ root: join(dir, '.mlci') }) };
}

/**
 * Records a FINISHED run whose artifacts include an MLflow-like model directory (MLmodel, model.pkl, a nested
 * file) with `content` in model.pkl, so different runs have different model bytes.
 */
export async function recordRun(
  store: LocalStore,
  options: {
    content: string;
    accuracy: number;
    commit?: string;
    startTime?: number;
    tags?: Record<string, string>;
    status?: RunRecord['status'];
  },
): Promise<RunRecord> {
  const files: Record<string, string> = {
    'model/MLmodel': `flavors:\n  sklearn:\n    pickled_model: model.pkl\n`,
    'model/model.pkl': options.content,
    'model/code/helper.py': `# ${options.content}\n`,
    'predictions.csv': 'id,y_true,y_pred\n1,a,a\n',
  };
  const artifacts = [];
  for (const [path, text] of Object.entries(files)) {
    const info = await store.putBlob({ bytes: text });
    artifacts.push({ path, sha256: info.sha256, size: info.size });
  }
  const start = options.startTime ?? Date.now();
  const record: RunRecord = {
    schema: 1,
    id: randomBytes(16).toString('hex'),
    name: `train-${options.content}`,
    experiment: 'Default',
    status: options.status ?? 'FINISHED',
    startTime: start,
    endTime: start + 1000,
    exitCode: 0,
    command: ['python', 'train.py'],
    params: { alpha: '0.001', name: '<b>@everyone</b>' },
    metrics: {
      accuracy: [{ step: 0, value: options.accuracy, timestamp: start }],
      'system/cpu': [{ step: 0, value: 3, timestamp: start }],
    },
    tags: options.tags ?? {},
    artifacts,
    lineage: {
      git: { commit: options.commit ?? null, branch: 'main', dirty: false },
      datasets: [{ path: 'data/train.csv', sha256: 'a'.repeat(64), dvcMd5: 'b'.repeat(32), size: 10, snapshot: false }],
      environment: { node: process.version, python: '3.11.7', platform: 'linux-x64', lockFiles: [], pipFreeze: null },
    },
  };
  await store.putRun(record);
  return record;
}
