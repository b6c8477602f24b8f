// Benchmark: `mlci drift` vs pandas + scipy (ks_2samp, wasserstein_distance, chi2_contingency) on the same two
// generated CSVs of N rows x 20 columns, one of them shifted, in one invocation. Prints rows/s (both files
// counted), the ratio, and peak RSS of each, for each size given. Usage: node bench/drift/run.mjs [rows...]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const python = process.env.PYTHON ?? 'python3';
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'mlci-bench-drift-'));
const config = join(dir, 'drift.yml');
writeFileSync(config, 'ignore: [id, email]\nlargeSampleRows: 100000000\n'); // p-value tests on every column, as the peer does

function timed(cmd, args) {
  const started = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    peakRssMiB: Number(run.stderr.trim().split('\n').pop()) / 1024,
    stdout: run.stdout,
  };
}

console.log('rows/file  | mlci rows/s | peer rows/s | speed ratio | mlci peak RSS | peer peak RSS | drifted columns (mlci / peer)');
for (const rows of sizes.length ? sizes : [250_000, 1_000_000]) {
  const ref = join(dir, `ref-${rows}.csv`);
  const cur = join(dir, `cur-${rows}.csv`);
  execFileSync(python, [join(root, 'bench/validate/generate.py'), String(rows), ref]);
  execFileSync(python, [join(root, 'bench/validate/generate.py'), String(rows), cur, '0.01']);
  const mlci = timed(process.execPath, [join(root, 'dist/cli.js'), 'drift', cur, '--reference', ref, '--config', config, '--json']);
  const result = JSON.parse(mlci.stdout);
  const peer = timed(python, [join(here, 'scipy_peer.py'), ref, cur]);
  const peerResult = JSON.parse(peer.stdout.trim().split('\n').pop());
  const rate = (s) => Math.round((2 * rows) / s).toLocaleString('en-US');
  console.log(
    `${String(rows).padEnd(10)} | ${rate(mlci.seconds).padStart(11)} | ${rate(peer.seconds).padStart(11)} | ${(peer.seconds / mlci.seconds).toFixed(2).padStart(10)}x | ${mlci.peakRssMiB.toFixed(0).padStart(9)} MiB | ${peer.peakRssMiB.toFixed(0).padStart(9)} MiB | ${result.driftedColumns.length} / ${peerResult.drifted}`,
  );
  rmSync(ref);
  rmSync(cur);
}
rmSync(dir, { recursive: true, force: true });
