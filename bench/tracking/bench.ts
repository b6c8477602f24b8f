/**
 * Tracking overhead benchmark (not run by `npm test`):
 *   1. wall time of a training command run bare vs under `mlci train` (median of N runs each);
 *   2. metric values/s ingested through mlci's MLflow endpoint vs a real `mlflow server` (sqlite backend),
 *      same Python client script (bench/tracking/ingest_client.py).
 * Run: node scripts/build.mjs --out /tmp/dist-bench && MLCI_DIST=/tmp/dist-bench npx tsx bench/tracking/bench.ts
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { journalPath, LocalStore } from '@mlci/store';
import { MlflowServer, RunCollector, RunJournal } from '@mlci/tracking';
import { freePort, startMlflowServer } from '../../test/tracking/fixtures';

const root = resolve(import.meta.dirname, '../..');
const cli = join(resolve(process.env.MLCI_DIST ?? join(root, 'dist')), 'cli.js');
const N = Number(process.env.BENCH_RUNS ?? 5);

function run(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<{ ms: number; stdout: string; code: number | null }> {
  const start = performance.now();
  const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  return new Promise((done) => child.on('close', (code) => done({ ms: performance.now() - start, stdout, code })));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function wallTime(label: string, command: string[], bareEnv: (dir: string) => Record<string, string>) {
  const bare: number[] = [];
  const tracked: number[] = [];
  for (let i = 0; i < N; i++) {
    const dir = await mkdtemp(join(tmpdir(), 'mlci-bench-'));
    const b = await run(command, dir, bareEnv(dir));
    if (b.code !== 0) throw new Error(`bare ${label} failed`);
    bare.push(b.ms);
    const t = await run([process.execPath, cli, 'train', '--system-metrics-interval', '1', '--', ...command], dir);
    if (t.code !== 0) throw new Error(`mlci train ${label} failed`);
    tracked.push(t.ms);
  }
  const row = {
    command: label,
    bareMs: Math.round(median(bare)),
    mlciMs: Math.round(median(tracked)),
    overheadMs: Math.round(median(tracked) - median(bare)),
    ratio: +(median(tracked) / median(bare)).toFixed(2),
  };
  console.log(JSON.stringify(row));
  return row;
}

async function ingest(uri: string, batches: number, singles: number) {
  const r = await run(['python3', join(root, 'bench/tracking/ingest_client.py'), uri, String(batches), String(singles)], tmpdir());
  if (r.code !== 0) throw new Error(`ingest client failed against ${uri}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const examples = join(root, 'examples/tracking');
const results: unknown[] = [];
results.push(
  await wallTime(
    'python3 jsonl_train.py --epochs 20 (MLCI_METRICS_FILE)',
    ['python3', join(examples, 'jsonl_train.py'), '--epochs', '20'],
    (dir) => ({ MLCI_METRICS_FILE: join(dir, 'm.jsonl') }),
  ),
);
results.push(
  await wallTime(
    'python3 mlflow_train.py 20 (mlflow; bare = local sqlite store)',
    ['python3', join(examples, 'mlflow_train.py'), '20'],
    (dir) => ({ MLFLOW_TRACKING_URI: `sqlite:///${join(dir, 'mlflow.db')}` }),
  ),
);

const batches = Number(process.env.BENCH_BATCHES ?? 20);
const singles = Number(process.env.BENCH_SINGLES ?? 1000);
const store = new LocalStore({ root: join(await mkdtemp(join(tmpdir(), 'mlci-bench-')), '.mlci') });
// As `mlci train` runs it: every value journaled to disk as it arrives (packages/tracking/src/journal.ts).
const runId = 'b'.repeat(32);
const journal = RunJournal.open(journalPath(store.root, runId), runId);
const collector = new RunCollector();
collector.journalTo(journal);
const ours = await journal.scope(async () => MlflowServer.start({ store, runId, collector, port: await freePort() }));
journal.follow(ours.state);
const mlci = await ingest(ours.url, batches, singles);
await ours.close();
const journaledLines = journal.lines;
await journal.close(false);
// The same endpoint without a journal, to show what journaling costs.
const bare = await MlflowServer.start({ store, runId: 'c'.repeat(32), collector: new RunCollector(), port: await freePort() });
const mlciNoJournal = await ingest(bare.url, batches, singles);
await bare.close();
const real = await startMlflowServer(await mkdtemp(join(tmpdir(), 'mlci-bench-mlflow-')));
let theirs;
try {
  theirs = await ingest(real.uri, batches, singles);
} finally {
  real.stop();
}
const ingestRow = {
  workload: `${batches} log_batch x 1000 values, then ${singles} log_metric calls`,
  mlci: mlci,
  mlciNoJournal,
  mlflowServerSqlite: theirs,
  batchRatio: +(mlci.batch_values_per_s / theirs.batch_values_per_s).toFixed(2),
  singleRatio: +(mlci.single_calls_per_s / theirs.single_calls_per_s).toFixed(2),
  recordedValues: (collector.metrics.batch_metric?.length ?? 0) + (collector.metrics.single_metric?.length ?? 0),
  journaledLines,
  journalRatio: +(mlci.batch_values_per_s / mlciNoJournal.batch_values_per_s).toFixed(2),
};
console.log(JSON.stringify(ingestRow));
results.push(ingestRow);
