import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chiSquareContingency, wasserstein1 } from './distances';
import { erf, erfc } from './erf';
import { kolmogorovSf } from './kolmogorov';
import { ks2Samp } from './ks';

// A wider scipy grid than scipy_reference.json: fixtures/make_scipy_extra.py (scipy's version is in the file).
const extra = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/scipy_extra.json'), 'utf8'));
const unscale = (values: number[]) => values.map((v) => v / extra.scale);
const sorted = (values: number[]) => Float64Array.from(unscale(values)).sort();

/** Relative error, with differences below 1e-300 (both underflowed) counted as none. */
const relativeError = (actual: number, expected: number) =>
  Math.abs(actual - expected) < 1e-300 ? 0 : Math.abs(actual - expected) / Math.abs(expected);

function close(actual: number, expected: number, rel: number, what = '') {
  expect(relativeError(actual, expected), `${what} ${actual} vs scipy ${expected}`).toBeLessThanOrEqual(rel);
}

describe('kstwo.sf over every regime of scipy._kolmogn', () => {
  // Measured worst relative error per regime (scipy 1.17): 8e-11 in the 2·smirnov tail for n > 140, 6e-12 where
  // scipy uses Pomeranz and mlci Durbin's matrix, below 1e-13 elsewhere. 1e-9 leaves room for platform libm.
  const tolerance = (_regime: string) => 1e-9;
  it.each(extra.kstwo_sf.map((c: any): [string, any] => [`n=${c.n} x=${c.x.toPrecision(6)} (${c.regime})`, c]))('%s', (...args: any[]) => {
    const c = args[1];
    close(kolmogorovSf(c.n, c.x), c.sf, tolerance(c.regime));
  });
});

describe('ks_2samp at the edges', () => {
  it.each(extra.ks_2samp.map((c: any): [string, any] => [c.name, c]))('%s', (...args: any[]) => {
    const c = args[1];
    const result = ks2Samp(sorted(c.a), sorted(c.b));
    close(result.statistic, c.statistic, 1e-12, 'statistic');
    expect(result.method).toBe(Math.max(c.a.length, c.b.length) <= 10_000 ? 'exact' : 'asymptotic');
    close(result.pValue, c.pValue, result.method === 'exact' ? 1e-9 : 1e-6, 'p-value');
  });
});

describe('chi2_contingency with new, vanished and rare categories', () => {
  it.each(extra.chi2_contingency.map((c: any): [string, any] => [c.name, c]))('%s', (...args: any[]) => {
    const c = args[1];
    const result = chiSquareContingency(c.reference, c.current)!;
    close(result.statistic, c.statistic, 1e-12, 'statistic');
    close(result.pValue, c.pValue, 1e-10, 'p-value');
    expect(result.dof).toBe(c.dof);
    expect(result.lowExpected).toBe(c.lowExpected);
  });
});

describe('wasserstein_distance with weights (the sketch path)', () => {
  it.each(extra.wasserstein_weighted.map((c: any): [string, any] => [c.name, c]))('%s', (...args: any[]) => {
    const c = args[1];
    // Sort values with their weights together.
    const pairs = (v: number[], w: number[] | null) =>
      unscale(v)
        .map((x, i) => [x, w ? w[i] : 1])
        .sort((p, q) => p[0] - q[0]);
    const a = pairs(c.a, c.wa);
    const b = pairs(c.b, c.wb);
    const value = wasserstein1(
      Float64Array.from(a, (p) => p[0]),
      Float64Array.from(b, (p) => p[0]),
      Float64Array.from(a, (p) => p[1]),
      Float64Array.from(b, (p) => p[1]),
    );
    close(value, c.value, 1e-12);
  });
});

describe('erf and erfc', () => {
  it.each(extra.erf.map((c: any): [string, any] => [`x=${c.x}`, c]))('%s', (...args: any[]) => {
    const c = args[1];
    close(erf(c.x), c.erf, 1e-13, 'erf');
    close(erfc(c.x), c.erfc, 1e-13, 'erfc');
  });
});
