import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '@mlci/store';
import { compareRuns, type RunLike } from './compare';
import { defaultDirection, parseMetricFlag, parseThresholds } from './compare-spec';
import { estimateNoise } from './compare-noise';
import { parsePredictionsCsv } from './compare-predictions';
import { rankRuns } from './compare-sweep';

const pts = (...values: number[]): MetricPoint[] => values.map((value, step) => ({ step, value, timestamp: 1000 + step }));
const run = (id: string, metrics: Record<string, number | number[]>): RunLike => ({
  id: id.padEnd(32, '0'),
  name: id,
  metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Array.isArray(v) ? pts(...v) : pts(v)])),
});
const byKey = (r: ReturnType<typeof compareRuns>) => Object.fromEntries(r.metrics.map((m) => [m.key, m]));

describe('directions', () => {
  it('defaults by name', () => {
    expect(['val_loss', 'test-error', 'mse', 'MAE', 'rmse', 'latency_ms', 'train_time'].map(defaultDirection)).toEqual(
      Array(7).fill('lower'),
    );
    expect(['accuracy', 'val_f1', 'roc_auc', 'precision', 'recall', 'r2'].map(defaultDirection)).toEqual(Array(6).fill('higher'));
    expect(['epoch', 'n_estimators', 'lossy_thing'].map(defaultDirection)).toEqual(Array(3).fill('neutral'));
  });

  it('parses --metric flags from the right, keys may hold colons', () => {
    expect(parseMetricFlag('val_loss:lower')).toEqual(['val_loss', { direction: 'lower', gated: true }]);
    expect(parseMetricFlag('eval:acc:higher:0.9')).toEqual(['eval:acc', { direction: 'higher', threshold: 0.9, gated: true }]);
    expect(() => parseMetricFlag('acc:up')).toThrow(/KEY:higher\|lower/);
    expect(() => parseMetricFlag('acc:higher:abc')).toThrow(/not a number/);
  });

  it('parses MLflow-style thresholds YAML and rejects unknown fields', () => {
    expect(
      parseThresholds(
        'accuracy: {threshold: 0.9, min_absolute_change: 0.01}\nval_loss: lower\nlat: {greater_is_better: false, gated: false}',
      ),
    ).toEqual({
      accuracy: { threshold: 0.9, min_absolute_change: 0.01, gated: true },
      val_loss: { direction: 'lower', gated: true },
      lat: { direction: 'lower', gated: false },
    });
    expect(() => parseThresholds('acc: {treshold: 1}')).toThrow(/unknown field "treshold"/);
    expect(() => parseThresholds('acc: {min_absolute_change: -1}')).toThrow(/non-negative/);
    expect(() => parseThresholds('- a')).toThrow(/mapping/);
  });
});

describe('compareRuns', () => {
  it('gives deltas, relative deltas and verdicts by direction', () => {
    const r = compareRuns(
      run('cand', { accuracy: 0.9, val_loss: [0.5, 0.3], epoch: 10, only_new: 1 }),
      run('base', { accuracy: 0.8, val_loss: 0.4, epoch: 12, gone: 3 }),
    );
    const m = byKey(r);
    expect(m.accuracy).toMatchObject({ baseline: 0.8, candidate: 0.9, verdict: 'improved', direction: 'higher', gated: false });
    expect(m.accuracy.delta).toBeCloseTo(0.1, 12);
    expect(m.accuracy.relativeDelta).toBeCloseTo(0.125, 12);
    expect(m.val_loss).toMatchObject({ verdict: 'improved', candidate: 0.3 });
    expect(m.val_loss.curve).toEqual({ baseline: null, candidate: [0.5, 0.3] });
    expect(m.epoch).toMatchObject({ verdict: null, direction: 'neutral' });
    expect(m.only_new.verdict).toBe('new');
    expect(m.gone.verdict).toBe('missing');
    expect(r.outcome).toBe('pass'); // nothing declared, nothing gated
  });

  it('fails only on declared (gated) regressions, honouring min_absolute_change / min_relative_change / threshold', () => {
    const base = run('base', { accuracy: 0.9, f1: 0.8, val_loss: 0.5, auc: 0.7 });
    const cand = run('cand', { accuracy: 0.895, f1: 0.79, val_loss: 0.52, auc: 0.75 });
    const r = compareRuns(cand, base, {
      metrics: {
        accuracy: { min_absolute_change: 0.01 },
        f1: { min_relative_change: 0.05 },
        val_loss: { gated: false },
        auc: { threshold: 0.8 },
      },
    });
    const m = byKey(r);
    expect(m.accuracy).toMatchObject({ verdict: 'unchanged', gated: true });
    expect(m.accuracy.reason).toMatch(/min_absolute_change 0.01/);
    expect(m.f1.verdict).toBe('unchanged');
    expect(m.val_loss).toMatchObject({ verdict: 'regressed', gated: false });
    expect(m.auc.verdict).toBe('regressed'); // improved over baseline, but below the absolute threshold
    expect(m.auc.reason).toMatch(/below the threshold 0.8/);
    expect(r.regressions).toEqual(['auc']);
    expect(r.outcome).toBe('fail');
  });

  it('a declared metric the candidate did not log fails; one neither logged is a note', () => {
    const r = compareRuns(run('c', { a: 1 }), run('b', { accuracy: 0.9 }), { metrics: { accuracy: {}, nothing: { direction: 'higher' } } });
    expect(r.regressions).toEqual(['accuracy']);
    expect(r.notes.join()).toMatch(/"nothing" was declared but neither run logged it/);
  });

  it('without a baseline every metric is new and the outcome passes unless a threshold is missed', () => {
    const r = compareRuns(run('c', { accuracy: 0.5 }), null, { metrics: { accuracy: { threshold: 0.9 } } });
    expect(r.baseline).toBeNull();
    expect(r.notes[0]).toMatch(/no baseline/);
    expect(byKey(r).accuracy.verdict).toBe('regressed');
    expect(compareRuns(run('c', { accuracy: 0.95 }), null, { metrics: { accuracy: { threshold: 0.9 } } }).metrics[0].verdict).toBe('new');
  });

  it('calls a change within noise when the bootstrap interval spans 0, and only for metrics that match the predictions', () => {
    const n = 50;
    const ids = Array.from({ length: n }, (_, i) => String(i));
    // Baseline right on 40, candidate on 41: a 2-point gain on 50 examples is noise.
    const base = ids.map((id, i) => ({ id, yTrue: '1', yPred: i < 40 ? '1' : '0' }));
    const cand = ids.map((id, i) => ({ id, yTrue: '1', yPred: i < 41 ? '1' : '0' }));
    const noise = estimateNoise(base, cand)!;
    expect(noise.spansZero).toBe(true);
    const r = compareRuns(
      run('c', { val_accuracy: 41 / 50, train_accuracy: 0.99 }),
      run('b', { val_accuracy: 40 / 50, train_accuracy: 0.97 }),
      { noise, metrics: { val_accuracy: {} } },
    );
    const m = byKey(r);
    expect(m.val_accuracy).toMatchObject({ verdict: 'within-noise', noiseApplied: true });
    expect(m.val_accuracy.reason).toMatch(/95% CI .* spans 0 \(McNemar p = 1\.00\)/);
    expect(m.train_accuracy).toMatchObject({ verdict: 'improved', noiseApplied: false });
    // A large, consistent gain is not noise.
    const big = estimateNoise(
      ids.map((id, i) => ({ id, yTrue: '1', yPred: i < 25 ? '1' : '0' })),
      ids.map((id) => ({ id, yTrue: '1', yPred: '1' })),
    )!;
    expect(big.spansZero).toBe(false);
    expect(big.mcnemar).toMatchObject({ method: 'chi2-continuity', baselineOnly: 0, candidateOnly: 25 });
    expect(compareRuns(run('c', { accuracy: 1 }), run('b', { accuracy: 0.5 }), { noise: big }).metrics[0].verdict).toBe('improved');
  });
});

describe('predictions and sweeps', () => {
  it('parses predictions CSV with quotes and any column order; errors name the line', () => {
    expect(parsePredictionsCsv('y_pred,id,y_true\r\n1,"a,1",1\n0,b,1\n', 'p.csv')).toEqual([
      { id: 'a,1', yTrue: '1', yPred: '1' },
      { id: 'b', yTrue: '1', yPred: '0' },
    ]);
    expect(() => parsePredictionsCsv('id,y_true\n1,1', 'p.csv')).toThrow(/no "y_pred" column/);
    expect(() => parsePredictionsCsv('id,y_true,y_pred\n1,1,1\n1,0,0', 'p.csv')).toThrow(/appears twice/);
  });

  it('ranks sweep runs by the primary metric, runs without it last', () => {
    const runs = [run('a', { val_loss: 0.4 }), run('b', { val_loss: 0.2 }), run('c', {}), run('d', { val_loss: 0.2 })];
    const r = rankRuns(runs, 'val_loss');
    expect(r.ranked.map((x) => [x.name, x.rank])).toEqual([
      ['b', 1],
      ['d', 2],
      ['a', 3],
      ['c', 4],
    ]);
    expect(r.best).toBe(runs[1].id);
    expect(rankRuns(runs, 'accuracy', 'higher').best).toBeNull();
    expect(() => rankRuns(runs, 'epoch')).toThrow(/direction is unknown/);
  });
});
