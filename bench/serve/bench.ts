/**
 * mlci serve (ONNX path; Python path with 1 and 2 workers) vs `mlflow models serve` and BentoML for the same
 * scikit-learn model (MLflow model directory), in the same run,
 * on loopback: a bounded request loop (fixed count, N in flight), throughput, latency percentiles, and the
 * resident memory of each server's whole process tree (server + workers). Not part of `npm test`.
 *
 *   node scripts/build.mjs --out /tmp/dist-bench
 *   MLCI_DIST=/tmp/dist-bench npx tsx bench/serve/bench.ts      # BENCH_REQUESTS=2000 BENCH_CONCURRENCY=1,8
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTest } from '../../packages/serve/src/load';

const root = resolve(import.meta.dirname, '../..');
const cli = join(process.env.MLCI_DIST ? resolve(process.env.MLCI_DIST) : join(root, 'dist'), 'cli.js');
const requests = Number(process.env.BENCH_REQUESTS ?? 1000);
const concurrencies = (process.env.BENCH_CONCURRENCY ?? '1,8').split(',').map(Number);
/** Unmeasured requests per body sent to each server once it is ready (JIT, caches, lazy imports), the same for every server. */
const warmupRequests = Number(process.env.BENCH_WARMUP ?? 300);

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

/** CPU seconds (user + system) used so far by a process and its descendants, from /proc (clock ticks of 10 ms). */
function treeCpu(pid: number): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(p), Number(fields[1]));
      ticks.set(Number(p), Number(fields[11]) + Number(fields[12]));
    } catch {
      /* gone */
    }
  }
  const inTree = (p: number): boolean => p === pid || (parent.has(p) && p > 1 && inTree(parent.get(p)!));
  let total = 0;
  for (const [p, t] of ticks) if (inTree(p)) total += t;
  return total / 100;
}

async function waitPing(url: string, child: ChildProcess, route: string, ms = 240_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
    if (
      await fetch(url + route).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return Date.now() - started;
    await new Promise((r) => setTimeout(r, 20));
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

const bentoml = process.env.BENCH_BENTOML ?? '/tmp/bench-bentoml/bin/bentoml';
const cache = join(dir, 'onnx-cache');
const mlci = (args: string[]) => (port: number) =>
  spawn(process.execPath, [cli, 'serve', model, '--port', String(port), ...args], {
    stdio: ['ignore', 'ignore', 'ignore'],
    detached: true,
    env: { ...process.env, MLCI_ONNX_CACHE: cache },
  });

interface Server {
  name: string;
  start(port: number): ChildProcess;
  /** Route answering 200 once ready. @default /ping */
  ready?: string;
  skip?: string;
}
const servers: Server[] = [
  { name: 'mlci serve (ONNX path)', start: mlci([]) },
  { name: 'mlci serve --runtime python', start: mlci(['--runtime', 'python']) },
  { name: 'mlci serve --runtime python --workers 2', start: mlci(['--runtime', 'python', '--workers', '2']) },
  {
    name: 'mlflow models serve',
    start: (port) =>
      spawn('mlflow', ['models', 'serve', '-m', model, '--env-manager', 'local', '-h', '127.0.0.1', '-p', String(port)], {
        stdio: ['ignore', 'ignore', 'ignore'],
        detached: true,
      }),
  },
  {
    name: 'BentoML (1 worker)',
    ready: '/readyz',
    skip: existsSync(bentoml) ? undefined : `no bentoml at ${bentoml} (set BENCH_BENTOML; install it as bench/serve/README.md says)`,
    start: (port) =>
      spawn(bentoml, ['serve', 'bentoml_service:Classifier', '--host', '127.0.0.1', '--port', String(port)], {
        cwd: import.meta.dirname,
        stdio: ['ignore', 'ignore', 'ignore'],
        detached: true,
        env: { ...process.env, BENCH_MODEL_DIR: model },
      }),
  },
];

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const loads = [`start ${load()}`];
console.log(`load average at start: ${load()} (${availableParallelism()} CPUs)`);

// The first start converts the model (skl2onnx + parity check) into the cache; the measured server finds it there.
{
  const port = await freePort();
  const started = Date.now();
  const child = mlci([])(port);
  try {
    await waitPing(`http://127.0.0.1:${port}`, child, '/ping');
    console.log(`first start with conversion (skl2onnx + parity check, then cached): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await stop(child);
  }
}

interface Cell {
  server: string;
  body: string;
  concurrency: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  /** Server CPU (process tree) per request, µs: less sensitive to other jobs on the machine than req/s. */
  cpuUs: number;
  rss: number;
}
interface Running {
  server: Server;
  child: ChildProcess;
  url: string;
  readyMs: number;
  idle: number;
}
/**
 * Every server is started first (one at a time, so each ready time is its own), then the cells are run
 * interleaved: each cell goes to every server in turn, `rounds` times. On a machine shared with other jobs the
 * load then weighs on all servers alike, where one server after another would each meet another load.
 */
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const measured: Cell[] = [];
const skipped: string[] = [];
/** Every server that started (its ready time and idle RSS are reported even if it fails a cell later). */
const started: Running[] = [];
/** Those still answering: a server that fails a cell is stopped and leaves the rounds. */
const running: Running[] = [];
const bodies = [
  ['1 row', one],
  ['100 rows', hundred],
] as const;
try {
  for (const s of servers) {
    if (s.skip) {
      skipped.push(`${s.name}: skipped, ${s.skip}`);
      console.log(skipped.at(-1));
      continue;
    }
    const port = await freePort();
    const child = s.start(port);
    const url = `http://127.0.0.1:${port}`;
    try {
      const readyMs = await waitPing(url, child, s.ready ?? '/ping');
      const idle = treeRss(child.pid!);
      for (const [, body] of bodies) await loadTest({ url, body, requests: warmupRequests, concurrency: 1 });
      started.push({ server: s, child, url, readyMs, idle });
      running.push(started.at(-1)!);
      console.log(`${s.name}: ready in ${(readyMs / 1000).toFixed(2)} s, ${idle} MiB idle`);
    } catch (error) {
      skipped.push(`${s.name}: failed to start, ${(error as Error).message}`);
      console.log(skipped.at(-1));
      await stop(child);
    }
  }
  loads.push(`all started ${load()}`);
  for (let round = 1; round <= rounds; round++) {
    for (const [label, body] of bodies)
      for (const concurrency of concurrencies)
        for (const r of [...running]) {
          try {
            const cpuBefore = treeCpu(r.child.pid!);
            const result = await loadTest({ url: r.url, body, requests, concurrency, warmup: 20 });
            const cpuUs = ((treeCpu(r.child.pid!) - cpuBefore) / (requests + 20)) * 1e6;
            if (result.errors) throw new Error(`${result.errors} errors ${JSON.stringify(result.statuses)}`);
            const predictions = JSON.parse(result.firstBody ?? '{}').predictions;
            if (label === '1 row' && JSON.stringify(predictions) !== JSON.stringify([expected.classifier[0]]))
              throw new Error(`answered ${result.firstBody}; the model's own prediction is ${JSON.stringify([expected.classifier[0]])}`);
            const { p50, p95, p99 } = result.latencyMs;
            measured.push({
              server: r.server.name,
              body: label,
              concurrency,
              throughput: result.throughput,
              p50,
              p95,
              p99,
              cpuUs,
              rss: treeRss(r.child.pid!),
            });
          } catch (error) {
            skipped.push(`${r.server.name}: failed, ${(error as Error).message}`);
            console.log(skipped.at(-1));
            running.splice(running.indexOf(r), 1);
            await stop(r.child);
          }
        }
    loads.push(`after round ${round} ${load()}`);
    console.log(`round ${round} of ${rounds} done (load ${load()})`);
  }
} finally {
  for (const r of running) await stop(r.child);
  rmSync(dir, { recursive: true, force: true });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const roundsOf = (server: string, body: string, c: number) =>
  measured.filter((x) => x.server === server && x.body === body && x.concurrency === c);
/** A cell's figures: the median over its rounds. */
const find = (server: string, body: string, c: number): Cell | undefined => {
  const all = roundsOf(server, body, c);
  if (!all.length) return undefined;
  const of = (key: 'throughput' | 'p50' | 'p95' | 'p99' | 'cpuUs' | 'rss') => median(all.map((x) => x[key]));
  return {
    server,
    body,
    concurrency: c,
    throughput: of('throughput'),
    p50: of('p50'),
    p95: of('p95'),
    p99: of('p99'),
    cpuUs: of('cpuUs'),
    rss: of('rss'),
  };
};
const rows: string[] = [];
for (const s of servers)
  for (const [label] of bodies)
    for (const c of concurrencies) {
      const cell = find(s.name, label, c);
      const start = started.find((r) => r.server === s);
      if (!cell || !start) continue;
      rows.push(
        `| ${s.name} | ${label} | ${c} | ${cell.throughput.toFixed(0)} | ${cell.p50.toFixed(2)} | ${cell.p95.toFixed(2)} | ${cell.p99.toFixed(2)} | ${cell.cpuUs.toFixed(0)} | ${start.idle} → ${Math.round(cell.rss)} | ${(start.readyMs / 1000).toFixed(2)} |`,
      );
    }
console.log(
  `\n${requests} requests per cell after 20 warm-up (and ${warmupRequests} of each body per server before its first cell), ${rounds} interleaved rounds, medians shown; RSS = server process tree, MiB (idle → after the cell); ready = seconds to the first 200 from its health route (mlci: the conversion cached)`,
);
console.log(`load average (1, 5, 15 min) on ${availableParallelism()} CPUs: ${loads.join('; ')}\n`);
console.log(
  '| server | body | in flight | req/s | p50 ms | p95 ms | p99 ms | server CPU µs/req | RSS MiB | ready s |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
);
console.log(rows.join('\n'));
console.log(
  '\n| cell | req/s ONNX ÷ mlflow | python ÷ mlflow | ONNX ÷ BentoML | python --workers 2 ÷ 1 | CPU/req mlflow ÷ ONNX |\n| --- | ---: | ---: | ---: | ---: | ---: |',
);
for (const body of ['1 row', '100 rows'])
  for (const c of concurrencies) {
    const ratio = (a?: Cell, b?: Cell) => (a && b ? `${(a.throughput / b.throughput).toFixed(1)}×` : '—');
    const mlflow = find('mlflow models serve', body, c);
    console.log(
      `| ${body}, ${c} in flight | ${ratio(find(servers[0].name, body, c), mlflow)} | ${ratio(find(servers[1].name, body, c), mlflow)} | ${ratio(find(servers[0].name, body, c), find('BentoML (1 worker)', body, c))} | ${ratio(find(servers[2].name, body, c), find(servers[1].name, body, c))} | ${mlflow && find(servers[0].name, body, c) ? `${(mlflow.cpuUs / find(servers[0].name, body, c)!.cpuUs).toFixed(1)}×` : '—'} |`,
    );
  }
for (const line of skipped) console.log(`- ${line}`);
