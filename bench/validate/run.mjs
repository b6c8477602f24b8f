// Benchmark: `mlci validate` vs polars, DuckDB and pandas (the same checks as schema.json) on the same generated
// rows, as CSV and as typed Parquet, in one invocation. Prints, per size, format and tool: wall and CPU seconds
// (user + sys of all threads), peak RSS, rows/s, mlci's ratios to each peer, and every tool's violation count
// (they must agree: a MISMATCH line says when they do not); then #16's goals, met or missed, and mlci's start-up.
// Usage: node bench/validate/run.mjs [rows...]   (default 1000000; e.g. 1000000 10000000)
// Env: MLCI_DIST=dir (a private build instead of dist/), PYTHON=python with polars, duckdb and pandas,
//      BENCH_REPEAT=N (best wall of N, default 2), PANDAS_MAX_ROWS (default 1000000: pandas above it is skipped),
//      FORMATS (default "csv,parquet").
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const dist = resolve(process.env.MLCI_DIST ?? join(root, 'dist'));
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const python = process.env.PYTHON ?? 'python3';
const repeat = Number(process.env.BENCH_REPEAT ?? 2);
const pandasMaxRows = Number(process.env.PANDAS_MAX_ROWS ?? 1_000_000);
const formats = (process.env.FORMATS ?? 'csv,parquet').split(',').filter(Boolean);
if (!existsSync(join(dist, 'cli.js')))
  throw new Error(`no ${join(dist, 'cli.js')}: build it (node scripts/build.mjs --out DIR) or set MLCI_DIST`);
const dir = mkdtempSync(join(tmpdir(), 'mlci-bench-validate-'));
const BASE = 1_000_000;
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
process.on('SIGINT', () => process.exit(130));

/** Runs a command under GNU time: wall, CPU (user + sys, all threads) and peak RSS; the run with the best wall of `times`. */
function timed(cmd, args, times = repeat) {
  let best;
  for (let r = 0; r < times; r++) {
    const started = process.hrtime.bigint();
    const run = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const line = run.stderr.split('\n').find((l) => l.startsWith('TIME '));
    if (!line) throw new Error(`${cmd} ${args.join(' ')} failed:\n${run.stderr}`);
    const [, user, sys, rssKiB] = line.split(' ').slice(1).map(Number);
    const result = { wall, cpu: user + sys, rssMiB: rssKiB / 1024, stdout: run.stdout, stderr: run.stderr, status: run.status };
    if (!best || wall < best.wall) best = result;
  }
  return best;
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const version = (mod) => execFileSync(python, ['-c', `import ${mod}; print(${mod}.__version__)`], { encoding: 'utf8' }).trim();
const peerVersions = { polars: version('polars'), duckdb: version('duckdb'), pandas: version('pandas') };
const commit = spawnSync('git', ['-C', root, 'log', '-1', '--format=%h'], { encoding: 'utf8' }).stdout.trim();
console.log(
  `node ${process.version}, ${python}: polars ${peerVersions.polars}, duckdb ${peerVersions.duckdb}, pandas ${peerVersions.pandas}; ` +
    `${cpus().length} cores; mlci from ${dist} (tree at ${commit}); best wall of ${repeat} at ${BASE.toLocaleString('en-US')} rows and below, 1 run above`,
);
console.log(`load average at start: ${load()}`);

// Above 1M rows the 1M-row file is repeated (generate.py writes about 10^5 rows/s), so `id` repeats: every tool then
// checks a schema without `unique` (mlci: schema-no-unique.json written here; the peers: --no-unique).
const schema = join(here, 'schema.json');
const noUnique = join(dir, 'schema-no-unique.json');
const parsed = JSON.parse(readFileSync(schema, 'utf8'));
for (const field of parsed.fields) delete field.constraints?.unique;
writeFileSync(noUnique, JSON.stringify(parsed, null, 2));

const header = 'rows       | format  | tool   | wall s | CPU s | peak RSS | rows/s (wall) | mlci/tool wall | mlci/tool CPU | violations';
const goals = [];
let baseCsv;
for (const rows of sizes.length ? sizes : [BASE]) {
  const repeated = rows > BASE && rows % BASE === 0;
  const times = rows > BASE ? 1 : repeat;
  const csv = join(dir, `data-${rows}.csv`);
  if (repeated) {
    if (!baseCsv) {
      baseCsv = join(dir, `data-${BASE}.csv`);
      execFileSync(python, [join(here, 'generate.py'), String(BASE), baseCsv]);
    }
    const text = readFileSync(baseCsv);
    const body = text.subarray(text.indexOf(10) + 1);
    writeFileSync(csv, text.subarray(0, text.indexOf(10) + 1));
    for (let i = 0; i < rows / BASE; i++) appendFileSync(csv, body);
  } else {
    execFileSync(python, [join(here, 'generate.py'), String(rows), csv]);
    if (rows === BASE) baseCsv = csv;
  }
  const schemaFile = repeated ? noUnique : schema;
  const peerFlags = repeated ? ['--no-unique'] : [];
  const files = { csv };
  if (formats.includes('parquet')) {
    files.parquet = join(dir, `data-${rows}.parquet`);
    execFileSync(python, [join(here, 'to_parquet.py'), csv, files.parquet, schemaFile]);
  }
  const mib = (f) => `${(statSync(f).size / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `\n${fmt(rows)} rows × 20 columns (${Object.entries(files)
      .map(([k, f]) => `${k} ${mib(f)}`)
      .join(', ')})${repeated ? `: the ${fmt(BASE)}-row file ×${rows / BASE}, schema without unique` : ''}; load ${load()}`,
  );
  console.log(header);
  const counts = {};
  for (const format of formats) {
    const file = files[format];
    const results = [];
    const m = timed(process.execPath, [join(dist, 'cli.js'), 'validate', file, '--schema', schemaFile, '--json', '--sample', '10'], times);
    let report;
    try {
      report = JSON.parse(m.stdout);
    } catch {
      throw new Error(`mlci validate ${file} printed no JSON report (exit ${m.status}):\n${m.stderr}`);
    }
    results.push({ tool: 'mlci', ...m, violations: report.totals.total, rows: report.rows ?? rows });
    counts[format] = { mlci: report.totals };
    const peers = ['polars', 'duckdb'];
    if (format === 'csv' && rows <= pandasMaxRows) peers.push('pandas');
    for (const peer of peers) {
      const p = timed(python, [join(here, `${peer}_peer.py`), file, ...peerFlags], times);
      const out = JSON.parse(p.stdout.trim().split('\n').pop());
      if (out.rows !== rows) console.log(`MISMATCH: ${peer} read ${out.rows} rows of ${rows}`);
      results.push({ tool: peer, ...p, violations: out.violations });
    }
    const [mlci] = results;
    for (const r of results) {
      console.log(
        [
          fmt(rows).padEnd(10),
          format.padEnd(7),
          r.tool.padEnd(6),
          r.wall.toFixed(2).padStart(6),
          r.cpu.toFixed(2).padStart(5),
          `${r.rssMiB.toFixed(0)} MiB`.padStart(8),
          fmt(rows / r.wall).padStart(13),
          `${(mlci.wall / r.wall).toFixed(2)}×`.padStart(14),
          `${(mlci.cpu / r.cpu).toFixed(2)}×`.padStart(13),
          String(r.violations),
        ].join(' | '),
      );
    }
    if (format === 'csv' && rows > pandasMaxRows) console.log(`(pandas skipped above ${fmt(pandasMaxRows)} rows: PANDAS_MAX_ROWS)`);
    const distinct = new Set(results.map((r) => r.violations));
    if (distinct.size > 1)
      console.log(`MISMATCH (${format}, ${fmt(rows)} rows): ${results.map((r) => `${r.tool} ${r.violations}`).join(', ')}`);
    else console.log(`violations agree (${format}): ${mlci.violations}`);
    const by = Object.fromEntries(results.map((r) => [r.tool, r]));
    const goal = (what, ok, detail) => goals.push(`${ok ? 'met   ' : 'MISSED'} ${fmt(rows)} ${format}: ${what} (${detail})`);
    const w = (t) => `${by[t].wall.toFixed(2)} s`;
    if (format === 'csv') {
      for (const [t, name] of [
        ['polars', "polars'"],
        ['duckdb', "DuckDB's"],
      ]) {
        goal(`wall ≤ ${name}`, mlci.wall <= by[t].wall, `${w('mlci')} vs ${w(t)}`);
        goal(
          `CPU ≤ 1.2× ${name}`,
          mlci.cpu <= 1.2 * by[t].cpu,
          `${mlci.cpu.toFixed(2)} s vs 1.2 × ${by[t].cpu.toFixed(2)} = ${(1.2 * by[t].cpu).toFixed(2)} s`,
        );
      }
    } else goal(`wall ≤ polars'`, mlci.wall <= by.polars.wall, `${w('mlci')} vs ${w('polars')}`);
    if (rows >= 10 * BASE) goal('peak RSS ≤ 300 MiB', mlci.rssMiB <= 300, `${mlci.rssMiB.toFixed(0)} MiB`);
  }
  if (counts.csv && counts.parquet) {
    // The typed Parquet file holds null where the CSV had a value that does not cast: those type violations go.
    const typeViolations = Object.values(counts.csv.mlci.byField ?? {}).reduce((sum, f) => sum + (f.type ?? 0), 0);
    const expected = counts.csv.mlci.total - typeViolations;
    console.log(
      `CSV ${counts.csv.mlci.total} − its ${typeViolations} type violations (values the typed Parquet holds as null) = ${expected}; ` +
        `mlci on Parquet: ${counts.parquet.mlci.total}${expected === counts.parquet.mlci.total ? ' (consistent)' : ' (MISMATCH)'}`,
    );
  }
  for (const f of Object.values(files)) if (f !== baseCsv) rmSync(f, { force: true });
  console.log(`load average after ${fmt(rows)} rows: ${load()}`);
}

// Start-up: best of 5 of `mlci --version` minus best of 5 of a bare `node -e 0`, interleaved (so load hits both alike).
let bare = Infinity;
let cli = Infinity;
for (let i = 0; i < 5; i++) {
  bare = Math.min(bare, timed(process.execPath, ['-e', '0'], 1).wall);
  cli = Math.min(cli, timed(process.execPath, [join(dist, 'cli.js'), '--version'], 1).wall);
}
console.log(
  `\nstart-up: mlci --version ${cli.toFixed(3)} s − node -e 0 ${bare.toFixed(3)} s = ${(cli - bare).toFixed(3)} s (goal ≤ 0.25 s)`,
);
goals.push(`${cli - bare <= 0.25 ? 'met   ' : 'MISSED'} start-up ≤ 0.25 s over node -e 0 (${(cli - bare).toFixed(3)} s)`);
console.log(`\n#16 goals:\n${goals.join('\n')}`);
console.log(`load average at end: ${load()}`);
