// Benchmark: `mlci drift` vs polars + scipy and pandas + scipy (ks_2samp, wasserstein_distance, chi2_contingency)
// on the same two generated CSVs of N rows x 20 columns (18 compared), one of them shifted, in one invocation.
// Prints, per size and tool: wall and CPU seconds, peak RSS, rows/s (both files counted), the ratios against
// mlci, and the drifted-column counts (they must agree). Usage: node bench/drift/run.mjs [rows...]
// Environment: MLCI_DIST (a bundle directory, default dist/), PEERS (default "polars,pandas"), PYTHON.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const python = process.env.PYTHON ?? 'python3';
const dist = resolve(process.env.MLCI_DIST ?? join(root, 'dist'));
const peers = (process.env.PEERS ?? 'polars,pandas').split(',').filter(Boolean);
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'mlci-bench-drift-'));
const config = join(dir, 'drift.yml');
writeFileSync(config, 'ignore: [id, email]\nlargeSampleRows: 100000000\n'); // p-value tests on every column, as the peers do

/** Runs a command under GNU time: wall, CPU (user + system, all threads) and peak RSS. */
function timed(cmd, args) {
  const started = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const line = run.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (!line) throw new Error(`${cmd} ${args.join(' ')} failed:\n${run.stderr}`);
  const [user, system, rssKiB] = line.split(' ').slice(1).map(Number);
  return { wall, cpu: user + system, rssMiB: rssKiB / 1024, stdout: run.stdout };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`machine: ${(await import('node:os')).cpus().length} cores; load average at start ${load()}`);
console.log('rows/file  | tool          | wall s | CPU s | peak RSS | rows/s     | wall vs mlci | CPU vs mlci | drifted');
for (const rows of sizes.length ? sizes : [1_000_000]) {
  const ref = join(dir, `ref-${rows}.csv`);
  const cur = join(dir, `cur-${rows}.csv`);
  // Past 1M rows, the 1M-row files repeated (Python writes about 10^5 rows/s: 10M rows would take minutes).
  const base = rows > 1_000_000 && rows % 1_000_000 === 0 ? 1_000_000 : rows;
  execFileSync(python, [join(root, 'bench/validate/generate.py'), String(base), ref]);
  execFileSync(python, [join(root, 'bench/validate/generate.py'), String(base), cur, '0.01']);
  if (base !== rows) {
    for (const file of [ref, cur]) {
      const [header, ...body] = readFileSync(file, 'utf8').split(/(?<=\n)/);
      const rest = body.join('');
      writeFileSync(file, header);
      for (let i = 0; i < rows / base; i++) appendFileSync(file, rest);
    }
    console.log(`${rows} rows: the ${base}-row files repeated ${rows / base} times`);
  }
  const results = [];
  const mlci = timed(process.execPath, [join(dist, 'cli.js'), 'drift', cur, '--reference', ref, '--config', config, '--json']);
  results.push({ tool: 'mlci', ...mlci, drifted: JSON.parse(mlci.stdout).driftedColumns.length });
  for (const peer of peers) {
    const run = timed(python, [join(here, 'scipy_peer.py'), ref, cur, peer]);
    results.push({ tool: `${peer}+scipy`, ...run, drifted: JSON.parse(run.stdout.trim().split('\n').pop()).drifted });
  }
  for (const r of results)
    console.log(
      `${String(rows).padEnd(10)} | ${r.tool.padEnd(13)} | ${r.wall.toFixed(1).padStart(6)} | ${r.cpu.toFixed(1).padStart(5)} | ${r.rssMiB.toFixed(0).padStart(4)} MiB | ${Math.round(
        (2 * rows) / r.wall,
      )
        .toLocaleString('en-US')
        .padStart(10)} | ${(r.wall / mlci.wall).toFixed(2).padStart(11)}x | ${(r.cpu / mlci.cpu).toFixed(2).padStart(10)}x | ${r.drifted}`,
    );
  console.log(`load average after ${rows} rows: ${load()}`);
  rmSync(ref);
  rmSync(cur);
}
rmSync(dir, { recursive: true, force: true });
if (!existsSync(dist)) console.error(`no bundle at ${dist}`);
