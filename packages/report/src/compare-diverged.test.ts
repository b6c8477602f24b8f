import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '@mlci/store';
import { compareRuns, type RunLike } from './compare';
import { metricTable, trainSection } from './render-sections';
import { formatComparison } from './render-terminal';

const run = (id: string, metrics: Record<string, number[]>): RunLike => ({
  id: id.padEnd(32, '0'),
  name: id,
  metrics: Object.fromEntries(
    Object.entries(metrics).map(([k, v]) => [k, v.map((value, step): MetricPoint => ({ step, value, timestamp: step }))]),
  ),
});

describe('a metric that diverged (NaN or ±inf)', () => {
  const result = compareRuns(
    run('cand', { val_loss: [0.5, NaN], accuracy: [0.9], f1: [0.7] }),
    run('base', { val_loss: [0.4], accuracy: [Infinity], f1: [0.6] }),
    {
      metrics: { val_loss: { direction: 'lower' } },
    },
  );
  const byKey = Object.fromEntries(result.metrics.map((m) => [m.key, m]));

  it('is a row that says so: a candidate NaN regresses (and fails when gated), a diverged baseline is beaten', () => {
    expect(byKey.val_loss).toMatchObject({
      verdict: 'regressed',
      delta: null,
      relativeDelta: null,
      reason: "diverged: the candidate's last value is NaN",
    });
    expect(result.outcome).toBe('fail');
    expect(byKey.accuracy).toMatchObject({
      verdict: 'improved',
      delta: null,
      reason: 'the baseline diverged (its last value is Infinity)',
    });
    expect(byKey.f1.verdict).toBe('improved');
  });

  it('shows "diverged" in the Markdown table and the terminal, not a missing row', () => {
    const table = metricTable(result.metrics);
    expect(table).toContain('| val&#95;loss | 0.4 | diverged (NaN) |  – |');
    expect(table).toContain('| diverged (∞) | 0.9 |');
    expect(formatComparison(result, { colour: false })).toMatch(/val_loss\s+0\.4\s+diverged \(NaN\)/);
  });
});

describe('the train section', () => {
  const record = {
    id: 'a'.repeat(32),
    name: 'grid',
    status: 'FINISHED',
    startTime: 0,
    endTime: 1000,
    exitCode: 0,
    metrics: {
      loss: [
        { step: 0, value: 1, timestamp: 0 },
        { step: 1, value: 'NaN', timestamp: 1 },
      ],
      acc: [{ step: 0, value: null, timestamp: 0 }],
    },
    children: [
      {
        id: 'b'.repeat(32),
        name: 'C=1',
        status: 'FINISHED',
        metrics: { mean_test_score: [{ step: 0, value: 0.9, timestamp: 0 }] },
        tags: { 'mlflow.parentRunId': 'a'.repeat(32) },
      },
      {
        id: 'c'.repeat(32),
        name: 'second',
        status: 'FAILED',
        metrics: { loss: [{ step: 0, value: '-Infinity', timestamp: 0 }] },
        tags: {},
      },
    ],
  };
  const body = trainSection(record).body;

  it('shows a diverged value as such, whether the record says "NaN" or null', () => {
    expect(body).toContain('| loss | diverged (NaN) |');
    expect(body).toContain('| acc | diverged (NaN) |');
  });

  it('names the child runs with their parent and last values', () => {
    expect(body).toContain('2 child runs');
    expect(body).toContain('| C&#61;1 | grid | finished | mean&#95;test&#95;score 0.9 |');
    expect(body).toContain('| second | (top level) | failed | loss diverged (−∞) |');
  });
});
