/** Run records in a real local store, for the CLI and action tests. */
import { LocalStore, type RunRecord } from '@mlci/store';
import { join } from 'node:path';

let counter = 0;
export function record(name: string, metrics: Record<string, number[]>, extra: Partial<RunRecord> = {}): RunRecord {
  counter++;
  const id = (name.replace(/[^0-9a-f]/g, '') + counter.toString(16))
    .padEnd(32, '0')
    .slice(0, 32)
    .replace(/^(.{28}).{4}/, `$1${counter.toString(16).padStart(4, '0')}`);
  return {
    schema: 1,
    id,
    name,
    experiment: 'Default',
    status: 'FINISHED',
    startTime: 1_700_000_000_000 + counter * 1000,
    endTime: 1_700_000_000_500 + counter * 1000,
    exitCode: 0,
    command: ['python', 'train.py'],
    params: {},
    metrics: Object.fromEntries(
      Object.entries(metrics).map(([k, v]) => [k, v.map((value, step) => ({ step, value, timestamp: 1_700_000_000_000 + step }))]),
    ),
    tags: {},
    artifacts: [],
    lineage: {
      git: { commit: null, branch: 'main', dirty: false },
      datasets: [],
      environment: { node: process.version, python: null, platform: 'linux-x64', lockFiles: [], pipFreeze: null },
    },
    ...extra,
  };
}

/** Stores runs (and a predictions artifact per run when given) under `<dir>/.mlci`. */
export async function seedStore(dir: string, runs: Array<{ run: RunRecord; predictions?: string }>): Promise<LocalStore> {
  const store = new LocalStore({ root: join(dir, '.mlci') });
  for (const { run, predictions } of runs) {
    if (predictions) {
      const blob = await store.putBlob({ bytes: predictions });
      run.artifacts = [...run.artifacts, { path: 'eval/predictions.csv', sha256: blob.sha256, size: blob.size }];
    }
    await store.putRun(run);
  }
  return store;
}

/** A predictions CSV where the first `right` of `n` examples are predicted correctly. */
export const predictionsCsv = (n: number, right: number) =>
  ['id,y_true,y_pred', ...Array.from({ length: n }, (_, i) => `ex${i},1,${i < right ? 1 : 0}`)].join('\n') + '\n';
