import { gammaQ, logGamma } from './special';

/**
 * The error function and its complement, written on the regularised incomplete gamma functions
 * (erf x = P(½, x²), erfc x = Q(½, x²) for x ≥ 0) rather than a rational fit, so they share special.ts's
 * precision: relative error about 1e-14 against scipy.special (fixtures/scipy_extra.json), including erfc's
 * far tail, where 1 − erf(x) would have lost every digit.
 */

/** Lower regularised gamma P(½, x²) by its power series; x² < 1.5, where the series converges fast. */
function erfSeries(x: number): number {
  const x2 = x * x;
  // P(a, z) = z^a e^-z / Γ(a+1) · Σ z^n / ((a+1)…(a+n)), with a = ½ and z = x².
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 200; n++) {
    term *= x2 / (0.5 + n);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return Math.abs(x) * Math.exp(-x2 - logGamma(1.5)) * sum;
}

/** erf(x) = 2/√π ∫₀ˣ e^(−t²) dt. Odd; ±1 beyond |x| ≈ 6. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === 0) return x; // keeps the sign of −0, as scipy does
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  if (ax * ax < 1.5) return sign * erfSeries(ax);
  return sign * (1 - gammaQ(0.5, ax * ax));
}

/** erfc(x) = 1 − erf(x), computed directly so the tail keeps its relative precision (underflows past x ≈ 27). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x * x < 1.5) return 1 - erfSeries(x);
  return gammaQ(0.5, x * x);
}

/** Standard normal CDF Φ(z), from erfc so both tails keep relative precision. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}
