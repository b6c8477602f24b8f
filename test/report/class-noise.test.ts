import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns, estimateClassNoise, type Prediction } from '@mlci/report';

interface Row {
  id: string;
  y_true: number;
  y_pred: number;
  score: number;
}
interface Case {
  name: string;
  baseline: Row[];
  candidate: Row[];
  f1: [number, number];
  auc?: [number, number];
}
const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures/classification_reference.json'), 'utf8')) as { cases: Case[] };
const preds = (rows: Row[]): Prediction[] =>
  rows.map((r) => ({ id: r.id, yTrue: String(r.y_true), yPred: String(r.y_pred), score: String(r.score) }));

describe('F1 / AUC noise against scikit-learn', () => {
  for (const c of ref.cases) {
    it(`${c.name}: F1 point estimates match f1_score`, () => {
      const e = estimateClassNoise(preds(c.baseline), preds(c.candidate), 'f1')!;
      expect(e.baselineValue).toBeCloseTo(c.f1[0], 12);
      expect(e.candidateValue).toBeCloseTo(c.f1[1], 12);
      expect(e.ci.low).toBeLessThan(e.delta);
      expect(e.ci.high).toBeGreaterThan(e.delta);
    });
    if (c.auc) {
      it(`${c.name}: AUC point estimates match roc_auc_score`, () => {
        const e = estimateClassNoise(preds(c.baseline), preds(c.candidate), 'auc')!;
        expect(e.baselineValue).toBeCloseTo(c.auc![0], 12);
        expect(e.candidateValue).toBeCloseTo(c.auc![1], 12);
      });
    }
  }
});

describe('F1 / AUC noise in the verdict', () => {
  const c = ref.cases[0];
  const base = preds(c.baseline);
  const cand = preds(c.candidate);
  it('is deterministic and calls a small F1 change within noise', () => {
    const e = estimateClassNoise(base, cand, 'f1')!;
    expect(estimateClassNoise(base, cand, 'f1')).toEqual(e);
    expect(e.spansZero).toBe(true);
    const r = compareRuns(
      { metrics: { val_f1: [{ step: 0, value: e.candidateValue }] } } as never,
      { metrics: { val_f1: [{ step: 0, value: e.baselineValue }] } } as never,
      { classNoise: [e] },
    );
    const m = r.metrics.find((x) => x.key === 'val_f1')!;
    expect(m.verdict).toBe('within-noise');
    expect(m.noiseSource).toBe('f1');
  });
  it("does not judge a metric whose values are not the predictions' own (e.g. train F1)", () => {
    const e = estimateClassNoise(base, cand, 'f1')!;
    const r = compareRuns(
      { metrics: { train_f1: [{ step: 0, value: 0.95 }] } } as never,
      { metrics: { train_f1: [{ step: 0, value: 0.9 }] } } as never,
      { classNoise: [e] },
    );
    expect(r.metrics[0].noiseApplied).toBe(false);
    expect(r.metrics[0].verdict).toBe('improved');
  });
  it('calls a clear AUC gain improved, not noise', () => {
    // The candidate ranks every positive above every negative (AUC 1 against sklearn's 0.864).
    const perfect = base.map((p) => ({ ...p, score: String(Number(p.yTrue) + Number(p.score) / 10) }));
    const e = estimateClassNoise(base, perfect, 'auc')!;
    expect(e.candidateValue).toBe(1);
    expect(e.spansZero).toBe(false);
    const r = compareRuns(
      { metrics: { roc_auc: [{ step: 0, value: e.candidateValue }] } } as never,
      { metrics: { roc_auc: [{ step: 0, value: e.baselineValue }] } } as never,
      { classNoise: [e] },
    );
    expect(r.metrics[0]).toMatchObject({ verdict: 'improved', noiseApplied: true, noiseSource: 'auc' });
  });
});
