import { describe, expect, it } from 'vitest';
import { HashSet64 } from './hash-set';

describe('HashSet64', () => {
  it('finds repeats of strings, numbers and booleans, and keeps kinds apart', () => {
    const set = new HashSet64(16);
    for (const v of ['a', 'b', 1, 2.5, true, false, '1', 'true', '', null]) expect(set.add(v)).toBe(true);
    for (const v of ['a', 'b', 1, 2.5, true, false, '1', 'true', '', null]) expect(set.add(v)).toBe(false);
    expect(set.add(-0)).toBe(true);
    expect(set.add(0)).toBe(false);
    expect(set.add(NaN)).toBe(true);
    expect(set.add(Number('nan'))).toBe(false);
    expect(set.size).toBe(12);
  });

  it('reports no false repeats among 200,000 distinct strings, integers and floats while growing', () => {
    const set = new HashSet64(16);
    let repeats = 0;
    for (let i = 0; i < 200_000; i++) {
      if (!set.add(`user${i}@example.com`)) repeats++;
      if (!set.add(i)) repeats++;
      // i / 7 is an integer for multiples of 7: those repeat an integer already added, the rest are new.
      if (set.add(i / 7) === (i % 7 === 0)) repeats++;
    }
    expect(repeats).toBe(0);
    expect(set.size).toBe(600_000 - Math.ceil(200_000 / 7));
    for (let i = 0; i < 200_000; i += 997) expect(set.add(`user${i}@example.com`)).toBe(false);
    expect(set.bytes).toBeLessThanOrEqual(32 * set.size);
  });
});
