/**
 * Folder dataset hashing benchmark (not run by `npm test`): a generated folder of BENCH_FILES small files
 * (default 100 000, in 100 sub-folders) hashed by mlci (describeDirectory: SHA-256 + DVC md5 per file, the
 * manifest and the .dir md5) and by the peer, `dvc add --no-commit` (DVC 3.67: md5 per file and the .dir,
 * no cache copy), in the same run. Reports wall time, peak RSS (VmHWM / ru_maxrss of each child) and checks
 * that the two .dir md5 are equal.
 * Run: npx tsx bench/dvc/bench.ts        # BENCH_FILES=100000 BENCH_KEEP=1 keeps the folder
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');
const FILES = Number(process.env.BENCH_FILES ?? 100_000);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** Deterministic contents: 200–1200 bytes each, text lines (some CRLF), every 10th file binary. */
function generate(dir: string): number {
  let bytes = 0;
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let d = 0; d < 100; d++) mkdirSync(join(dir, `part-${String(d).padStart(3, '0')}`), { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const size = 200 + Math.floor(rand() * 1000);
    let body: Buffer;
    if (i % 10 === 0) body = Buffer.from(Array.from({ length: size }, () => Math.floor(rand() * 256)));
    else body = Buffer.from(`row-${i},${rand().toFixed(6)}${i % 3 === 0 ? '\r\n' : '\n'}`.repeat(Math.ceil(size / 24)).slice(0, size));
    writeFileSync(join(dir, `part-${String(i % 100).padStart(3, '0')}`, `f${i}.dat`), body);
    bytes += body.length;
  }
  return bytes;
}

/** Runs a command under python's resource accounting: wall ms and the child's peak RSS (MiB). */
function measured(argv: string[], cwd: string): { ms: number; rssMiB: number; stdout: string } {
  const code = `
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE)
ms = (time.perf_counter() - t) * 1000
if p.returncode: sys.exit(p.returncode)
sys.stdout.write(f"{ms:.0f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
sys.stdout.buffer.write(p.stdout)`;
  const out = execFileSync('python3', ['-c', code, ...argv], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, DVC_NO_ANALYTICS: '1' },
  });
  const [head, ...rest] = out.split('\n');
  const [ms, kb] = head.split(' ').map(Number);
  return { ms, rssMiB: kb / 1024, stdout: rest.join('\n') };
}

async function main() {
  if (spawnSync('dvc', ['--version']).status !== 0) throw new Error('dvc is not installed: python3 -m pip install dvc==3.67.1');
  const work = mkdtempSync(join(tmpdir(), 'mlci-bench-dvc-'));
  const repo = join(work, 'repo');
  mkdirSync(repo);
  console.log(`load average at start: ${load()}`);
  const data = join(repo, 'data');
  const bytes = generate(data);
  console.log(`generated ${FILES} files, ${(bytes / 2 ** 20).toFixed(1)} MiB`);

  // mlci's hashing as one plain Node program (bundled, so the figure is mlci's, not a TypeScript loader's).
  const child = join(work, 'hash-child.mjs');
  await build({
    stdin: {
      contents: `import { describeDirectory } from '@mlci/store';
const d = await describeDirectory(process.argv[2]);
console.log(JSON.stringify({ md5: d.md5, files: d.files, size: d.size, manifestBytes: d.manifest.length }));`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: child,
    logLevel: 'warning',
    // As scripts/build.mjs: CommonJS dependencies call require(), so ESM output gets a real one.
    banner: {
      js: "import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);",
    },
  });
  const idle = measured([process.execPath, '-e', '0'], work);
  const mlci = measured([process.execPath, child, data], work);
  const ours = JSON.parse(mlci.stdout) as { md5: string; files: number; manifestBytes: number };

  execFileSync('dvc', ['init', '--no-scm', '-q'], { cwd: repo });
  const dvc = measured(['dvc', 'add', '--no-commit', '-q', 'data'], repo);
  const dvcMd5 = /md5: (\S+)/.exec(readFileSync(join(repo, 'data.dvc'), 'utf8'))![1];
  console.log(`load average at end: ${load()}`);

  const rows = [
    ['mlci describeDirectory', mlci],
    ['dvc add --no-commit', dvc],
  ] as const;
  console.log('\n| hasher | wall | peak RSS |\n| --- | ---: | ---: |');
  for (const [name, m] of rows) console.log(`| ${name} | ${(m.ms / 1000).toFixed(1)} s | ${m.rssMiB.toFixed(0)} MiB |`);
  console.log(`| (node -e 0, for scale) | ${(idle.ms / 1000).toFixed(2)} s | ${idle.rssMiB.toFixed(0)} MiB |`);
  console.log(
    `\nwall ratio dvc/mlci: ×${(dvc.ms / mlci.ms).toFixed(2)}; peak RSS ratio dvc/mlci: ×${(dvc.rssMiB / mlci.rssMiB).toFixed(2)}`,
  );
  console.log(`mlci manifest: ${(ours.manifestBytes / 2 ** 20).toFixed(1)} MiB for ${ours.files} files`);
  console.log(`.dir md5: mlci ${ours.md5}, dvc ${dvcMd5}: ${ours.md5 === dvcMd5 ? 'equal' : 'DIFFERENT'}`);
  if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
  if (ours.md5 !== dvcMd5) process.exit(1);
}

await main();
