// mlci's bootstrap and McNemar against values computed independently in Python (scipy.stats.binomtest,
// scipy.stats.chi2, numpy.quantile and a separate mulberry32): test/report/fixtures/noise_reference.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimateNoise, mcnemar, mulberry32, pairedBootstrap } from '@mlci/report';

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
      expect(noise.delta).toBeCloseTo(c.cand.reduce((s: number, v: number) => s + v, 0) / c.cand.length - c.base.reduce((s: number, v: number) => s + v, 0) / c.base.length, 12);
      // Order of candidate rows changes which pairs are drawn, so the interval differs slightly; it still
      // brackets the observed delta.
      expect(noise.ci.low).toBeLessThanOrEqual(noise.delta);
      expect(noise.ci.high).toBeGreaterThanOrEqual(noise.delta);
    }
  });
});
