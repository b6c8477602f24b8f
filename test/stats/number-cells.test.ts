// The summary's number reader (a fast path for plain decimals, the NUMBER pattern for the rest) must read
// exactly what Number() reads for every cell the pattern accepts, and refuse the same cells.
import { describe, expect, it } from 'vitest';
import { summarizeValues } from '@mlci/stats';

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** mulberry32, for reproducible random cells. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('number cells', () => {
  it('read as Number() reads them, for plain decimals of every length and for the edge forms', () => {
    const next = random(99);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');
    const cells = [
      '0',
      '-0',
      '+0',
      '1.',
      '.5',
      '-.5',
      '+5',
      '007',
      '0.1',
      '0.30000',
      '-2.00000',
      '123456789012345',
      '1234567890123456',
      '12345678901234567890',
      '0.000000000000001',
      '9007199254740993',
      '1e5',
      '1.5E-7',
      ' 5',
      '5 ',
      '\t-3.25 ',
      '999999999999999.9',
    ];
    for (let k = 0; k < 5000; k++) {
      const int = digits(1 + Math.floor(next() * 12));
      const frac = digits(Math.floor(next() * 10));
      cells.push(`${next() < 0.5 ? '-' : ''}${int}${frac ? `.${frac}` : next() < 0.1 ? '.' : ''}`);
    }
    for (const cell of cells) {
      const summary = summarizeValues([cell]);
      expect(NUMBER.test(cell), cell).toBe(true);
      expect(summary.kind, cell).toBe('numeric');
      if (summary.kind === 'numeric')
        expect(Object.is(summary.sum, Number(cell)) || (summary.sum === 0 && Number(cell) === 0), cell).toBe(true);
    }
  });

  it('refuses what NUMBER refuses, though Number() would read it', () => {
    for (const cell of ['0x10', '0b11', '0o7', '-', '+', '.', '1_000', '1.2.3', '--1', '1e', ' ', 'Infinity1', '١٢']) {
      expect(summarizeValues(['1', cell]).kind, cell).toBe('categorical');
    }
    // NaN and ±Infinity spellings are non-finite numbers, never categories.
    const nonFinite = summarizeValues(['1', 'NaN', 'inf', '-Infinity']);
    expect(nonFinite).toMatchObject({ kind: 'numeric', count: 1, nonFinite: 3 });
  });
});
