import { logChoose, logGamma } from './special';

/**
 * The one-sample Kolmogorov distribution of D_n, as scipy's kstwo computes it (Simard & L'Ecuyer 2011):
 * exact formulas at the ends, Durbin's matrix (Marsaglia–Tsang–Wang) where the matrix is small, the exact
 * one-sided Smirnov tail doubled where the probability is small, Pelz–Good's expansion for large n.
 * One deliberate difference: where scipy uses Pomeranz's recursion (n <= 140, 0.754693 < n·x² <= 4),
 * this uses the Durbin matrix, which computes the same exact probability.
 */

/** Exact one-sided P(D_n+ >= x) (Birnbaum & Tingey), summed in log space. */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const jmax = Math.floor(n * (1 - x));
  let sum = 0;
  for (let j = 0; j <= jmax; j++) {
    const a = 1 - x - j / n;
    const b = x + j / n;
    if (a <= 0) continue;
    sum += Math.exp(logChoose(n, j) + (n - j) * Math.log(a) + (j - 1) * Math.log(b));
  }
  return Math.min(1, Math.max(0, x * sum));
}

/** P(D_n <= d) by Durbin's matrix method with Marsaglia–Tsang–Wang scaling. */
export function kolmogorovCdfDurbin(n: number, d: number): number {
  const nd = n * d;
  if (nd <= 0.5) return 0;
  if (d >= 1) return 1;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const H = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  v[m - 1] = (1 + Math.max(2 * h - 1, 0) ** m - 2 * h ** m) * fac;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1];
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];
  const multiply = (a: Float64Array, b: Float64Array) => {
    const out = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < m; l++) {
        const ail = a[i * m + l];
        if (ail === 0) continue;
        for (let j = 0; j < m; j++) out[i * m + j] += ail * b[l * m + j];
      }
    }
    return out;
  };
  let power = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let base = H;
  let exponent = 0;
  let baseExponent = 0;
  const SCALE = 2 ** 128;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2) {
      power = multiply(power, base);
      exponent += baseExponent;
    }
    base = multiply(base, base);
    baseExponent *= 2;
    if (Math.abs(base[(k - 1) * m + k - 1]) > SCALE) {
      for (let i = 0; i < base.length; i++) base[i] /= SCALE;
      baseExponent += 128;
    }
  }
  let p = power[(k - 1) * m + k - 1];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < 2 ** -128) {
      p *= SCALE;
      exponent -= 128;
    }
  }
  return Math.min(1, Math.max(0, p * 2 ** exponent));
}

/** Pelz–Good asymptotic expansion of P(D_n <= x) (Li-Chien/Korolyuk terms to n^-3/2). */
export function kolmogorovCdfPelzGood(n: number, x: number): number {
  const PI2 = Math.PI ** 2;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  const q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI2 * PI2 * (1 - 2 * z2)) / 16;
  const k3d = (PI2 ** 3 * (5 - 30 * z2)) / 64;
  const k3c = (PI2 * PI2 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k >= 1; k--) {
    const mm = (2 * k - 1) ** 2;
    const qp = q ** (8 * k);
    const coeffs = [1, k1a + k1b * mm, k2a + k2b * mm + k2c * mm * mm, k3a + k3b * mm + k3c * mm * mm + k3d * mm * mm * mm];
    for (let i = 0; i < 4; i++) K[i] = K[i] * qp + coeffs[i];
  }
  const SQRT2PI = Math.sqrt(2 * Math.PI);
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT2PI) / divisors[i];
  const q2 = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxk; k >= 1; k--) {
    const qk = q2 ** (k * k);
    k2extra += k * k * qk;
    k3extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * k * k * qk;
  }
  K[2] += (k2extra * PI2 * SQRT2PI) / (-36 * z3);
  K[3] += (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i] / n ** (i / 2);
  return Math.min(1, Math.max(0, sum));
}

/** ln(n! / n^n). */
const logFactorialOverPower = (n: number) => logGamma(n + 1) - n * Math.log(n);

/** P(D_n >= x): scipy.stats.kstwo.sf(x, n). */
export function kolmogorovSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    return 1 - Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
  }
  if (t >= n - 1) return 2 * (1 - x) ** n;
  if (x >= 0.5) return Math.min(1, 2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return 1 - kolmogorovCdfDurbin(n, x);
    return Math.min(1, 2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return Math.min(1, 2 * smirnovSf(n, x));
  if (n <= 100_000 && n * x ** 1.5 <= 1.4) return 1 - kolmogorovCdfDurbin(n, x);
  return 1 - kolmogorovCdfPelzGood(n, x);
}
