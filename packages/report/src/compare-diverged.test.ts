import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '@mlci/store';
import { compareRuns, type RunLike } from './compare';
import { metricTable } from './render-sections';
import { formatComparison } from './render-terminal';

const run = (id: string, metrics: Record<string, number[]>): RunLike => ({
  id: id.padEnd(32, '0'),
  name: id,
  metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v.map((value, step): MetricPoint => ({ step, value, timestamp: step }))])),
});

describe('a metric that diverged (NaN or ±inf)', () => {
  const result = compareRuns(run('cand', { val_loss: [0.5, NaN], accuracy: [0.9], f1: [0.7] }), run('base', { val_loss: [0.4], accuracy: [Infinity], f1: [0.6] }), {
    metrics: { val_loss: { direction: 'lower' } },
  });
  const byKey = Object.fromEntries(result.metrics.map((m) => [m.key, m]));

  it('is a row that says so: a candidate NaN regresses (and fails when gated), a diverged baseline is beaten', () => {
    expect(byKey.val_loss).toMatchObject({ verdict: 'regressed', delta: null, relativeDelta: null, reason: "diverged: the candidate's last value is NaN" });
    expect(result.outcome).toBe('fail');
    expect(byKey.accuracy).toMatchObject({ verdict: 'improved', delta: null, reason: 'the baseline diverged (its last value is Infinity)' });
    expect(byKey.f1.verdict).toBe('improved');
  });

  it('shows "diverged" in the Markdown table and the terminal, not a missing row', () => {
    const table = metricTable(result.metrics);
    expect(table).toContain('| val&#95;loss | 0.4 | diverged (NaN) |  – |');
    expect(table).toContain('| diverged (∞) | 0.9 |');
    expect(formatComparison(result, { colour: false })).toMatch(/val_loss\s+0\.4\s+diverged \(NaN\)/);
  });
});
