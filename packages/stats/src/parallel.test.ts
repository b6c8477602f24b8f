import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compareSummaries } from './drift';
import { summarizeAll } from './parallel';
import { summarizeTable, type NumericSummary } from './summary';

const dir = mkdtempSync(join(tmpdir(), 'mlci-parallel-'));

describe('summarizeAll in worker threads', () => {
  it('gives the summaries and the comparison of reading here, spilled files and in-memory arrays alike', async () => {
    // The worker entry as the bundle has it (dist/workers/summarize.js), built from the sources.
    const worker = join(dir, 'summarize.mjs');
    await build({
      absWorkingDir: resolve(import.meta.dirname, '../../..'),
      entryPoints: [resolve(import.meta.dirname, 'summarize-worker.ts')],
      outfile: worker,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
      banner: { js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);" },
    });
    const write = (name: string, rows: number, shift: number) => {
      const path = join(dir, name);
      const lines = Array.from({ length: rows }, (_, i) => `${((i * 7919) % 1000) / 100 + shift},${i % 4},${(i * 31) % 17}`);
      writeFileSync(path, ['x,k,z', ...lines].join('\n') + '\n');
      return path;
    };
    const paths = [write('ref.csv', 3000, 0), write('cur.csv', 2500, 0.05)];
    for (const memory of [{}, { spoolDir: mkdtempSync(join(dir, 'spool-')), memoryBudget: 0, spoolShape: { chunk: 100, fanIn: 4 } }]) {
      const options = { keepValues: true, ...memory };
      const [ref, cur] = await summarizeAll(paths, options, worker);
      const here = [await summarizeTable(paths[0], options), await summarizeTable(paths[1], options)];
      const sorted = (ref.columns.x as NumericSummary).sorted!;
      expect('spoolDir' in memory ? sorted.file : sorted.array).toBeDefined();
      const strip = (s: typeof ref) =>
        JSON.stringify({ ...s, columns: Object.fromEntries(Object.entries(s.columns).map(([k, c]) => [k, { ...c, sorted: undefined }])) });
      expect(strip(ref)).toBe(strip(here[0]));
      expect(strip(cur)).toBe(strip(here[1]));
      expect(compareSummaries(ref, cur, { largeSampleRows: 1e9 })).toEqual(compareSummaries(here[0], here[1], { largeSampleRows: 1e9 }));
    }
  }, 60_000);
});
