// mlci's bootstrap and McNemar against values computed independently in Python (scipy.stats.binomtest,
// scipy.stats.chi2, numpy.quantile and a separate mulberry32): test/report/fixtures/noise_reference.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns, estimateErrorNoise, estimateNoise, mcnemar, mulberry32, pairedBootstrap } from '@mlci/report';

const reference = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/noise_reference.json'), 'utf8'));

describe('noise estimate vs the Python reference', () => {
  it('mulberry32 draws the same numbers as the Python implementation', () => {
    const draw = mulberry32(12345);
    for (const expected of reference.mulberry32_12345) expect(draw()).toBe(expected);
  });

  it('McNemar p-values match scipy (exact binomial below 25 discordant pairs, chi-square with continuity above)', () => {
    for (const [b, c, expected] of reference.mcnemar) {
      const got = mcnemar(b, c);
      expect(got.method, `b=${b} c=${c}`).toBe(expected.method);
      expect(got.pValue, `b=${b} c=${c}`).toBeCloseTo(expected.pValue, 6);
      if (expected.statistic !== undefined) expect(got.statistic).toBeCloseTo(expected.statistic, 10);
    }
  });

  it('the paired bootstrap interval matches the Python resampling exactly', () => {
    for (const c of reference.bootstrap) {
      const ci = pairedBootstrap(c.base, c.cand, { resamples: c.resamples, seed: c.seed, confidence: c.confidence });
      expect(ci.low).toBeCloseTo(c.low, 12);
      expect(ci.high).toBeCloseTo(c.high, 12);
    }
  });

  it('estimateNoise pairs predictions by id and reports the same figures', () => {
    for (const c of reference.bootstrap) {
      const ids = c.base.map((_: number, i: number) => `ex${i}`);
      const base = ids.map((id: string, i: number) => ({ id, yTrue: 'a', yPred: c.base[i] ? 'a' : 'b' }));
      // Candidate listed in reverse order: pairing must go by id, not position.
      const cand = ids.map((id: string, i: number) => ({ id, yTrue: 'a', yPred: c.cand[i] ? 'a' : 'b' })).reverse();
      const noise = estimateNoise(base, cand, { seed: c.seed })!;
      expect(noise.shared).toBe(c.base.length);
      expect([noise.mcnemar.baselineOnly, noise.mcnemar.candidateOnly]).toEqual([c.b, c.c]);
      expect(noise.mcnemar.pValue).toBeCloseTo(c.mcnemar.pValue, 6);
      expect(noise.delta).toBeCloseTo(
        c.cand.reduce((s: number, v: number) => s + v, 0) / c.cand.length -
          c.base.reduce((s: number, v: number) => s + v, 0) / c.base.length,
        12,
      );
      // Order of candidate rows changes which pairs are drawn, so the interval differs slightly; it still
      // brackets the observed delta.
      expect(noise.ci.low).toBeLessThanOrEqual(noise.delta);
      expect(noise.ci.high).toBeGreaterThanOrEqual(noise.delta);
    }
  });

  it('regression errors (MSE, RMSE, MAE): the bootstrap interval of the delta matches the Python resampling', () => {
    for (const c of reference.regression) {
      const preds = (y: number[]) => y.map((v, i) => ({ id: `r${i}`, yTrue: String(c.y_true[i]), yPred: String(v) }));
      const e = estimateErrorNoise(preds(c.y_base), preds(c.y_cand), c.metric, {
        seed: c.seed,
        resamples: c.resamples,
        confidence: c.confidence,
      })!;
      expect(e.shared).toBe(c.y_true.length);
      expect(e.baselineValue).toBeCloseTo(c.baseline, 10);
      expect(e.candidateValue).toBeCloseTo(c.candidate, 10);
      expect(e.ci.low, c.metric).toBeCloseTo(c.low, 10);
      expect(e.ci.high, c.metric).toBeCloseTo(c.high, 10);
      // Applied to the run metric with the same name and values: within noise exactly when the interval spans 0.
      const run = (id: string, v: number) => ({
        id: id.padEnd(32, '0'),
        name: id,
        metrics: { [`val_${c.metric}`]: [{ step: 0, value: v, timestamp: 0 }] },
      });
      const m = compareRuns(run('c', c.candidate), run('b', c.baseline), { errorNoise: [e] }).metrics[0];
      expect(m).toMatchObject({
        noiseApplied: true,
        noiseSource: c.metric,
        verdict: c.low <= 0 && c.high >= 0 ? 'within-noise' : c.candidate < c.baseline ? 'improved' : 'regressed',
      });
    }
    // Both kinds of outcome are exercised by the fixture.
    expect(reference.regression.some((c: any) => c.low <= 0 && c.high >= 0)).toBe(true);
    expect(reference.regression.some((c: any) => c.high < 0)).toBe(true);
  });
});
