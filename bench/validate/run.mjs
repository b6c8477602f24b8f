// Benchmark: `mlci validate` vs pandas (read_csv + the same checks) on the same generated CSV, in one
// invocation. Prints rows/s, the ratio, and peak RSS of each; runs two sizes to show memory stays flat.
// Usage: node bench/validate/run.mjs [rows...]   (default 250000 1000000)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const python = process.env.PYTHON ?? 'python3';
const dir = mkdtempSync(join(tmpdir(), 'mlci-bench-validate-'));

/** Runs a command under GNU time for its peak RSS. */
function timed(cmd, args) {
  const started = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rssKiB = Number(run.stderr.trim().split('\n').pop());
  return { seconds, peakRssMiB: rssKiB / 1024, stdout: run.stdout, status: run.status };
}

console.log('rows       | mlci rows/s | pandas rows/s | speed ratio | mlci peak RSS | pandas peak RSS | violations (mlci / pandas)');
for (const rows of sizes.length ? sizes : [250_000, 1_000_000]) {
  const csv = join(dir, `data-${rows}.csv`);
  execFileSync(python, [join(here, 'generate.py'), String(rows), csv]);
  const mlci = timed(process.execPath, [join(root, 'dist/cli.js'), 'validate', csv, '--schema', join(here, 'schema.json'), '--json', '--sample', '10']);
  const mlciResult = JSON.parse(mlci.stdout);
  const peer = timed(python, [join(here, 'pandas_peer.py'), csv]);
  const peerResult = JSON.parse(peer.stdout.trim().split('\n').pop());
  const mlciRate = rows / mlci.seconds;
  const peerRate = rows / peer.seconds;
  console.log(
    `${String(rows).padEnd(10)} | ${Math.round(mlciRate).toLocaleString('en-US').padStart(11)} | ${Math.round(peerRate).toLocaleString('en-US').padStart(13)} | ${(mlciRate / peerRate).toFixed(2).padStart(10)}x | ${mlci.peakRssMiB.toFixed(0).padStart(9)} MiB | ${peer.peakRssMiB.toFixed(0).padStart(11)} MiB | ${mlciResult.totals.total} / ${peerResult.violations}`,
  );
  rmSync(csv);
}
rmSync(dir, { recursive: true, force: true });
