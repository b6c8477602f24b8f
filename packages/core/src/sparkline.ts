/** Unicode sparklines of metric curves, for the terminal, job summaries and PR comments alike. */
const BARS = '▁▂▃▄▅▆▇█';

/**
 * A sparkline of values, resampled to at most `width` characters (bucket means). NaN and ±inf have no height:
 * the curve is drawn through the finite values, and fewer than two of those draw nothing. `range` fixes the
 * scale, so two curves drawn with the same range compare by eye.
 */
export function sparkline(values: number[], width = 40, range?: [number, number]): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return '';
  const buckets: number[] = [];
  const size = Math.max(1, finite.length / width);
  for (let start = 0; start < finite.length; start += size) {
    const slice = finite.slice(Math.floor(start), Math.max(Math.floor(start) + 1, Math.floor(start + size)));
    buckets.push(slice.reduce((a, b) => a + b, 0) / slice.length);
  }
  const [lo, hi] = range ?? [Math.min(...buckets), Math.max(...buckets)];
  const last = BARS.length - 1;
  return buckets.map((x) => (hi === lo ? BARS[3] : BARS[Math.max(0, Math.min(last, Math.round(((x - lo) / (hi - lo)) * last)))])).join('');
}
