import { describe, expect, it } from 'vitest';
import { castFor, INVALID } from './cast';

const cast = (type: 'number' | 'integer' | 'date', raw: unknown) => castFor({ name: 'x', type })(raw);

describe('casts', () => {
  it('reads numbers as the Table Schema grammar does, refusing what Number() alone would take', () => {
    for (const [raw, want] of [
      ['1', 1],
      ['-2.5', -2.5],
      ['+.5', 0.5],
      ['5.', 5],
      ['1e3', 1000],
      ['-1.5E-2', -0.015],
      ['007', 7],
      ['0', 0],
    ] as const)
      expect(cast('number', raw)).toBe(want);
    for (const raw of ['', ' 1', '1 ', '0x10', '0b11', '0o7', '1_000', '1,5', '.', '-', 'e5', '1e', 'toString', 'constructor', '١٢'])
      expect(cast('number', raw)).toBe(INVALID);
    expect(cast('number', 'NaN')).toBeNaN();
    expect(cast('number', '-inf')).toBe(-Infinity);
  });

  it('reads plain decimals by character codes to exactly the double Number() gives (50,000 random ones)', () => {
    let s = 12345;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let k = 0; k < 50_000; k++) {
      const digits = 1 + Math.floor(next() * 17); // past 15 digits the full path decides
      let text = '';
      for (let d = 0; d < digits; d++) text += Math.floor(next() * 10);
      const point = Math.floor(next() * (digits + 1));
      text = text.slice(0, point) + (next() < 0.8 ? '.' : '') + text.slice(point);
      if (next() < 0.3) text = (next() < 0.5 ? '-' : '+') + text;
      if (text.replace(/[+-]/, '') === '.') continue;
      expect(Object.is(cast('number', text), Number(text)), text).toBe(true);
      const integer = text.replace('.', '');
      if (integer.replace(/[+-]/, '').length <= 15) expect(Object.is(cast('integer', integer), Number(integer)), integer).toBe(true);
    }
  });

  it('reads integers digit by digit, and refuses unsafe ones', () => {
    for (const [raw, want] of [
      ['12', 12],
      ['-3', -3],
      ['+4', 4],
      ['0012', 12],
    ] as const)
      expect(cast('integer', raw)).toBe(want);
    for (const raw of ['', '-', '1.0', '1e3', ' 1', '0x1', '9007199254740993', 'NaN']) expect(cast('integer', raw)).toBe(INVALID);
    expect(cast('integer', 2.5)).toBe(INVALID);
  });

  it('reads calendar dates, leap years included', () => {
    expect(cast('date', '2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(cast('date', '2000-02-29')).toBe(Date.UTC(2000, 1, 29));
    expect(cast('date', '0001-01-01')).toBe(-62135596800000);
    expect(cast('date', '0099-12-31')).toBe(Date.parse('0099-12-31T00:00:00Z'));
    for (const raw of [
      '2023-02-29',
      '1900-02-29',
      '2024-04-31',
      '2024-13-01',
      '2024-00-10',
      '2024-01-00',
      '2024-1-01',
      '2024/01/01',
      '2024-01-01T00:00',
      '20240101',
    ])
      expect(cast('date', raw)).toBe(INVALID);
  });
});
