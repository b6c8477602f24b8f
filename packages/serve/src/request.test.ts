import { describe, expect, it } from 'vitest';
import { HttpError } from './http-error';
import { parseCsv, parseInvocation } from './request';
import { enforceSignature, parseSignature } from './signature';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const signature = parseSignature(
  '[{"type": "double", "name": "a", "required": true}, {"type": "string", "name": "s", "required": false}]',
  'MLmodel',
)!;

describe('parseInvocation', () => {
  it('reads the four JSON forms into the same table', () => {
    const table = {
      kind: 'table',
      columns: ['a', 's'],
      rows: [
        [1, 'x'],
        [2, 'y'],
      ],
    };
    expect(
      parseInvocation(
        json({
          dataframe_split: {
            columns: ['a', 's'],
            data: [
              [1, 'x'],
              [2, 'y'],
            ],
          },
        }),
        'application/json',
        null,
      ),
    ).toEqual(table);
    expect(
      parseInvocation(
        json({
          dataframe_records: [
            { a: 1, s: 'x' },
            { a: 2, s: 'y' },
          ],
        }),
        'application/json',
        null,
      ),
    ).toEqual(table);
    expect(
      parseInvocation(
        json({
          instances: [
            { a: 1, s: 'x' },
            { a: 2, s: 'y' },
          ],
        }),
        'application/json',
        null,
      ),
    ).toEqual(table);
    expect(parseInvocation(json({ inputs: { a: [1, 2], s: ['x', 'y'] }, params: { k: 1 } }), 'application/json', null)).toEqual(table);
    expect(
      parseInvocation(
        json({
          inputs: [
            [1, 2],
            [3, 4],
          ],
        }),
        'application/json',
        null,
      ),
    ).toEqual({
      kind: 'tensor',
      data: [
        [1, 2],
        [3, 4],
      ],
    });
  });

  it('names columns by the signature when dataframe_split has none', () => {
    expect(parseInvocation(json({ dataframe_split: { data: [[1, 'x']] } }), 'application/json', signature)).toEqual({
      kind: 'table',
      columns: ['a', 's'],
      rows: [[1, 'x']],
    });
  });

  it('reads CSV with quotes, CRLF and typed cells', () => {
    expect(parseCsv('a,s\r\n1,"x, ""y"""\r\n')).toEqual([
      ['a', 's'],
      ['1', 'x, "y"'],
    ]);
    expect(parseInvocation(Buffer.from('a,s\n1.5,007\n,\n'), 'text/csv', signature)).toEqual({
      kind: 'table',
      columns: ['a', 's'],
      rows: [
        [1.5, '007'],
        [null, ''],
      ],
    });
  });

  it('answers 400 for unusable bodies and 415 for other content', () => {
    const status = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as HttpError).status;
      }
      return 200;
    };
    expect(status(() => parseInvocation(Buffer.from([0xff, 0xfe]), 'application/json', null))).toBe(400);
    expect(status(() => parseInvocation(json({ dataframe_records: 3 }), 'application/json', null))).toBe(400);
    expect(status(() => parseInvocation(json({ inputs: { a: [1, 2], b: [1] } }), 'application/json', null))).toBe(400);
    expect(status(() => parseInvocation(Buffer.from('a\n"1'), 'text/csv', null))).toBe(400);
    expect(status(() => parseInvocation(json({}), undefined, null))).toBe(415);
    expect(status(() => parseInvocation(json({}), 'application/json; boundary=x', null))).toBe(415);
  });
});

describe('enforceSignature', () => {
  it('orders columns as the signature does, drops extras, allows a missing optional column', () => {
    expect(enforceSignature({ kind: 'table', columns: ['z', 'a'], rows: [[0, 1]] }, signature)).toEqual({
      kind: 'table',
      columns: ['a'],
      rows: [[1]],
    });
  });
  it('checks tensor signatures by rank and fixed dimensions', () => {
    const t = parseSignature([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } }], 'MLmodel');
    expect(() => enforceSignature({ kind: 'tensor', data: [[1, 2, 3]] }, t)).toThrow(/dimension 1 is 3; the model's signature expects 2/);
    expect(() => enforceSignature({ kind: 'tensor', data: [[1, 'a']] }, t)).toThrow(/expects float32/);
    expect(enforceSignature({ kind: 'tensor', data: [[1, 2]] }, t)).toEqual({ kind: 'tensor', data: [[1, 2]] });
  });
});
