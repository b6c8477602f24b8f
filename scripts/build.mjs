// Builds every entry point (the CLI and each action) in one esbuild pass with code splitting:
// shared code lands once in dist/chunks/, and each action's entry file stays a few lines.
// `node scripts/build.mjs --out DIR` builds elsewhere (the freshness test compares that with dist/).
import { build } from 'esbuild';
import { readdirSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outIndex = process.argv.indexOf('--out');
const outdir = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'dist');

export function entryPoints() {
  const entries = { cli: join(root, 'packages/cli/src/main.ts') };
  for (const name of readdirSync(join(root, 'actions')).sort()) {
    const src = join(root, 'actions', name, 'src/index.ts');
    if (existsSync(src)) entries[`actions/${name}`] = src;
  }
  // Worker-thread entries, located at run time relative to the chunk that starts them.
  entries['workers/summarize'] = join(root, 'packages/stats/src/summarize-worker.ts');
  entries['workers/validate'] = join(root, 'packages/data/src/validate-worker.ts');
  return entries;
}

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: entryPoints(),
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  // CommonJS dependencies (ajv, parts of the Azure SDK) call require(): give ESM output a real one.
  banner: {
    js: "import { createRequire as __mlciCreateRequire } from 'node:module'; const require = __mlciCreateRequire(import.meta.url);",
  },
});
