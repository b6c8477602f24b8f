/**
 * mlci serve vs `mlflow models serve` for the same scikit-learn model (MLflow model directory), in the same run,
 * on loopback: a bounded request loop (fixed count, N in flight), throughput, latency percentiles, and the
 * resident memory of each server's whole process tree (server + workers). Not part of `npm test`.
 *
 *   node scripts/build.mjs --out /tmp/dist-bench
 *   MLCI_DIST=/tmp/dist-bench npx tsx bench/serve/bench.ts      # BENCH_REQUESTS=2000 BENCH_CONCURRENCY=1,8
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTest } from '../../packages/serve/src/load';

const root = resolve(import.meta.dirname, '../..');
const cli = join(process.env.MLCI_DIST ? resolve(process.env.MLCI_DIST) : join(root, 'dist'), 'cli.js');
const requests = Number(process.env.BENCH_REQUESTS ?? 2000);
const concurrencies = (process.env.BENCH_CONCURRENCY ?? '1,8').split(',').map(Number);

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });

/** RSS of a process and all its descendants, from /proc (MiB). */
function treeRss(pid: number): number {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      parent.set(Number(p), Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]));
      rss.set(Number(p), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
    } catch {
      /* gone */
    }
  }
  const inTree = (p: number): boolean => p === pid || (parent.has(p) && p > 1 && inTree(parent.get(p)!));
  let kb = 0;
  for (const [p, r] of rss) if (inTree(p)) kb += r;
  return Math.round(kb / 1024);
}

async function waitPing(url: string, child: ChildProcess, ms = 120_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
    if (
      await fetch(url + '/ping').then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('not ready');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  // mlflow models serve runs uvicorn under its own process group: signal the group we started.
  process.kill(-child.pid!, 'SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

const dir = mkdtempSync(join(tmpdir(), 'mlci-bench-serve-'));
execFileSync('python3', [join(root, 'test/serve/make_models.py'), dir], { stdio: ['ignore', 'ignore', 'inherit'] });
const model = join(dir, 'classifier');
const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
const one = JSON.stringify({ dataframe_split: { columns: expected.probe.columns, data: [expected.probe.data[0]] } });
const hundred = JSON.stringify({
  dataframe_split: {
    columns: expected.probe.columns,
    data: Array.from({ length: 100 }, (_, i) => expected.probe.data[i % expected.probe.data.length]),
  },
});

const servers: Array<{ name: string; start(port: number): ChildProcess }> = [
  {
    name: 'mlci serve',
    start: (port) =>
      spawn(process.execPath, [cli, 'serve', model, '--port', String(port)], { stdio: ['ignore', 'ignore', 'ignore'], detached: true }),
  },
  {
    name: 'mlci serve --workers 2',
    start: (port) =>
      spawn(process.execPath, [cli, 'serve', model, '--port', String(port), '--workers', '2'], {
        stdio: ['ignore', 'ignore', 'ignore'],
        detached: true,
      }),
  },
  {
    name: 'mlflow models serve',
    start: (port) =>
      spawn('mlflow', ['models', 'serve', '-m', model, '--env-manager', 'local', '-h', '127.0.0.1', '-p', String(port)], {
        stdio: ['ignore', 'ignore', 'ignore'],
        detached: true,
      }),
  },
];

const rows: string[] = [];
try {
  for (const s of servers) {
    const port = await freePort();
    const child = s.start(port);
    const url = `http://127.0.0.1:${port}`;
    try {
      const readyMs = await waitPing(url, child);
      const idle = treeRss(child.pid!);
      for (const [label, body] of [
        ['1 row', one],
        ['100 rows', hundred],
      ] as const) {
        for (const concurrency of concurrencies) {
          const r = await loadTest({ url, body, requests, concurrency, warmup: 20 });
          if (r.errors) throw new Error(`${s.name}: ${r.errors} errors ${JSON.stringify(r.statuses)}`);
          const row = `| ${s.name} | ${label} | ${concurrency} | ${r.throughput.toFixed(0)} | ${r.latencyMs.p50.toFixed(2)} | ${r.latencyMs.p95.toFixed(2)} | ${r.latencyMs.p99.toFixed(2)} | ${idle} → ${treeRss(child.pid!)} | ${(readyMs / 1000).toFixed(1)} |`;
          rows.push(row);
          console.log(row);
        }
      }
    } finally {
      await stop(child);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\n${requests} requests per cell after 20 warm-up; RSS = server process tree, MiB (idle → after the cell); ready = seconds to the first /ping 200\n`,
);
console.log(
  '| server | body | concurrency | req/s | p50 ms | p95 ms | p99 ms | RSS MiB | ready s |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
);
console.log(rows.join('\n'));
