import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chiSquareContingency, jensenShannon, wasserstein1 } from './distances';
import { kolmogorovSf } from './kolmogorov';
import { ks2Samp } from './ks';

// Values computed by scipy (packages/stats/fixtures/make_scipy_reference.py; its version is in the file).
const reference = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/scipy_reference.json'), 'utf8'));
const sorted = (values: number[]) => Float64Array.from(values).sort();

/** |actual − expected| within `rel` relative (or 1e-12 absolute near zero). */
function close(actual: number, expected: number, rel: number) {
  expect(Math.abs(actual - expected), `${actual} vs scipy ${expected}`).toBeLessThanOrEqual(Math.max(1e-12, rel * Math.abs(expected)));
}

describe('against scipy', () => {
  it.each(reference.ks_2samp.map((c: any): [string, any] => [c.name, c]))('ks_2samp: %s', (...args: any[]) => {
    const c = args[1];
    const result = ks2Samp(sorted(c.a), sorted(c.b));
    close(result.statistic, c.statistic, 1e-12);
    close(result.pValue, c.pValue, result.method === 'exact' ? 1e-9 : 1e-6);
  });

  it.each(reference.kstwo_sf.map((c: any): [string, any] => [`n=${c.n} x=${c.x}`, c]))('kstwo.sf: %s', (...args: any[]) => {
    const c = args[1];
    close(kolmogorovSf(c.n, c.x), c.sf, 1e-8);
  });

  it.each(reference.chi2_contingency.map((c: any): [string, any] => [c.name, c]))('chi2_contingency: %s', (...args: any[]) => {
    const c = args[1];
    const result = chiSquareContingency(c.reference, c.current)!;
    close(result.statistic, c.statistic, 1e-12);
    close(result.pValue, c.pValue, 1e-10);
    expect(result.dof).toBe(c.dof);
  });

  it.each(reference.wasserstein_distance.map((c: any): [string, any] => [c.name, c]))('wasserstein_distance: %s', (...args: any[]) => {
    const c = args[1];
    close(wasserstein1(sorted(c.a), sorted(c.b)), c.value, 1e-12);
  });

  it.each(reference.jensenshannon_base2.map((c: any): [string, any] => [c.name, c]))('jensenshannon(base=2): %s', (...args: any[]) => {
    const c = args[1];
    close(jensenShannon(c.p, c.q), c.value, 1e-12);
  });
});
