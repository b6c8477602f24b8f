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
