// Benchmark: `mlci validate` vs pandas (read_csv + the same checks) on the same generated CSV, in one
// invocation. Prints rows/s (wall clock and CPU), the ratio, and the peak RSS of each process; runs two
// sizes to show that mlci's memory stays flat in the number of rows.
// Usage: node bench/validate/run.mjs [rows...]   (default 250000 1000000)
// Env: MLCI_DIST=dir (a private build instead of dist/), PYTHON=python with pandas, BENCH_REPEAT=N (best of N, default 2).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const dist = resolve(process.env.MLCI_DIST ?? join(root, 'dist'));
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const python = process.env.PYTHON ?? 'python3';
const repeat = Number(process.env.BENCH_REPEAT ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'mlci-bench-validate-'));

/** Runs a command under GNU time: wall seconds, CPU seconds (user + sys) and peak RSS; best wall of `repeat`. */
function timed(cmd, args) {
  let best;
  for (let r = 0; r < repeat; r++) {
    const started = process.hrtime.bigint();
    const run = spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [user, sys, rssKiB] = run.stderr.trim().split('\n').pop().split(' ').map(Number);
    const result = { seconds, cpuSeconds: user + sys, peakRssMiB: rssKiB / 1024, stdout: run.stdout, status: run.status };
    if (!best || seconds < best.seconds) best = result;
  }
  return best;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(
  `node ${process.version}, ${python}: pandas ${execFileSync(python, ['-c', 'import pandas; print(pandas.__version__)'], { encoding: 'utf8' }).trim()}, best of ${repeat}`,
);
console.log(
  'rows      | mlci rows/s (wall / CPU) | pandas rows/s (wall / CPU) | ratio (wall / CPU) | mlci peak RSS | pandas peak RSS | violations (mlci / pandas)',
);
for (const rows of sizes.length ? sizes : [250_000, 1_000_000]) {
  const csv = join(dir, `data-${rows}.csv`);
  execFileSync(python, [join(here, 'generate.py'), String(rows), csv]);
  const mlci = timed(process.execPath, [
    join(dist, 'cli.js'),
    'validate',
    csv,
    '--schema',
    join(here, 'schema.json'),
    '--json',
    '--sample',
    '10',
  ]);
  const mlciResult = JSON.parse(mlci.stdout);
  const peer = timed(python, [join(here, 'pandas_peer.py'), csv]);
  const peerResult = JSON.parse(peer.stdout.trim().split('\n').pop());
  console.log(
    [
      String(rows).padEnd(9),
      `${fmt(rows / mlci.seconds)} / ${fmt(rows / mlci.cpuSeconds)}`.padStart(24),
      `${fmt(rows / peer.seconds)} / ${fmt(rows / peer.cpuSeconds)}`.padStart(26),
      `${(peer.seconds / mlci.seconds).toFixed(2)}x / ${(peer.cpuSeconds / mlci.cpuSeconds).toFixed(2)}x`.padStart(18),
      `${mlci.peakRssMiB.toFixed(0)} MiB`.padStart(13),
      `${peer.peakRssMiB.toFixed(0)} MiB`.padStart(15),
      `${mlciResult.totals.total} / ${peerResult.violations}`,
    ].join(' | '),
  );
  rmSync(csv);
}
rmSync(dir, { recursive: true, force: true });
