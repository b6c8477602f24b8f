/**
 * False-alarm simulation for KS at large n (issue #15 row 5), not run by `npm test`:
 *   npx tsx bench/drift/false-alarms.ts [pairs=2000] [rows=1000000] [sketchPairs=200]
 * Undrifted pairs of `rows` uniform values each (KS is distribution-free for continuous data) are compared the
 * way `mlci drift` compares two data files (every value kept, exact D, p as scipy.stats.ks_2samp): the share
 * with p < 0.05 should be 5 % within the binomial bound printed beside it. Then `sketchPairs` pairs through
 * shard summaries past their exact limit (quantile sketches): drifted, inconclusive and clear shares.
 */
import { compareSummaries, summarizeValues, type ColumnSummary, type TableSummary } from '../../packages/stats/src/index';

const [pairs, rows, sketchPairs] = [2000, 1_000_000, 200].map((d, i) => Number(process.argv[2 + i] ?? d));

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Binomial(n, p) bounds holding the count with probability 1 − alpha (alpha/2 per tail). */
function bounds(n: number, p: number, alpha: number): [number, number] {
  const pmf = (k: number) => {
    let lc = 0;
    for (let i = 1; i <= k; i++) lc += Math.log((n - k + i) / i);
    return Math.exp(lc + k * Math.log(p) + (n - k) * Math.log(1 - p));
  };
  let low = 0;
  for (let tail = pmf(0); tail <= alpha / 2; tail += pmf(++low));
  let high = n;
  for (let tail = pmf(n); tail <= alpha / 2; tail += pmf(--high));
  return [low, high];
}

const summary = (column: ColumnSummary): TableSummary => ({
  schema: 'mlci.table-summary/1',
  files: [],
  rows,
  exactLimit: 200_000,
  columns: { x: column },
});
const next = random(15);
const draw = () => Float64Array.from({ length: rows }, next);
const ks = { perColumn: { x: { test: 'ks' as const } } };
const started = Date.now();

let alarms = 0;
for (let i = 0; i < pairs; i++) {
  const x = compareSummaries(
    summary(summarizeValues(draw(), { keepValues: true })),
    summary(summarizeValues(draw(), { keepValues: true })),
    ks,
  ).columns[0];
  if (x.drifted) alarms++;
}
const [low, high] = bounds(pairs, 0.05, 0.05);
console.log(
  `exact: ${alarms} of ${pairs} undrifted pairs of ${rows.toLocaleString('en-US')} values drifted at alpha 0.05 = ${((alarms / pairs) * 100).toFixed(2)} % (95 % binomial bound around 5 %: ${low}–${high}, ${((low / pairs) * 100).toFixed(1)}–${((high / pairs) * 100).toFixed(1)} %)`,
);

let drifted = 0;
let inconclusive = 0;
let pointAlarms = 0;
for (let i = 0; i < sketchPairs; i++) {
  const x = compareSummaries(summary(summarizeValues(draw())), summary(summarizeValues(draw())), ks).columns[0];
  if (x.drifted) drifted++;
  if (x.ks!.inconclusive) inconclusive++;
  if (x.ks!.pValue < 0.05) pointAlarms++;
}
if (sketchPairs)
  console.log(
    `sketch: ${sketchPairs} undrifted pairs: drifted ${drifted}, inconclusive ${inconclusive}, not drifted ${sketchPairs - drifted - inconclusive}; the point estimate alone would have flagged ${pointAlarms} (${((pointAlarms / sketchPairs) * 100).toFixed(1)} %)`,
  );
console.log(
  `${((Date.now() - started) / 1000).toFixed(0)} s; load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
