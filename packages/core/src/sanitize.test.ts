import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from './markdown';
import { sanitizeDeep, sanitizeText } from './sanitize';

// Nothing a terminal or a bidi renderer acts on may survive: ESC, C1 controls, CR, BEL, bidi marks.
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('sanitizeText', () => {
  const hostile = [
    ['CSI colour', 'red\u001b[31mRED\u001b[0m', 'red?RED?'],
    ['OSC title (BEL)', 'a\u001b]0;pwned\u0007b', 'a?b'],
    ['OSC 8 hyperlink (ST)', '\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\', '?click?'],
    ['cursor up + erase line', 'ok\u001b[1A\u001b[2Kforged', 'ok??forged'],
    ['8-bit CSI', 'x\u009b31my', 'x?y'],
    ['DCS', 'p\u001bPq#0;2;0;0;0\u001b\\q', 'p?q'],
    ['two-char ESC', 'a\u001bcb', 'a?b'],
    ['carriage return overwrite', 'safe\rEVIL', 'safe EVIL'],
    ['BEL and NUL', 'a\u0007b\u0000c', 'a?b?c'],
    ['RLO', 'invoice\u202Etxt.exe', 'invoice?txt.exe'],
    ['isolates and marks', '\u2066a\u2069\u200e\u200f\u061c', '?a????'],
  ] as const;
  for (const [name, input, expected] of hostile) {
    it(`neutralises ${name}`, () => {
      const out = sanitizeText(input);
      expect(out).toBe(expected);
      expect(out).not.toMatch(ACTIVE);
    });
  }

  it('keeps line feeds and tabs in the multi-line form, never a lone CR or an unterminated OSC past the line', () => {
    expect(sanitizeText('a\tb\r\nc\rd\u2028e', { multiline: true })).toBe('a\tb\nc?d\ne');
    expect(sanitizeText('x\u001b]0;no end\nnext line', { multiline: true })).toBe('x?\nnext line');
  });

  it('leaves ordinary text, accents, CJK and emoji alone', () => {
    for (const s of ['val loss 0.25', 'café naïve', '精度', 'rocket 🚀', 'Zürich-2024_v1.2']) expect(sanitizeText(s)).toBe(s);
  });

  it('sanitizes every string and key of a record without touching numbers or the prototype', () => {
    const record = JSON.parse(
      '{"name":"\\u001b]0;x\\u0007run","params":{"lr\\u202e":"0.1","__proto__":{"polluted":1}},"n":3,"ok":true,"z":null}',
    );
    const out = sanitizeDeep(record);
    expect(out.name).toBe('?run');
    expect(Object.keys(out.params)).toEqual(['lr?', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out.params)).toBe(Object.prototype);
    expect([out.n, out.ok, out.z]).toEqual([3, true, null]);
    expect(record.name).toContain('\u001b'); // the input is not changed
  });
});

describe('escapeMarkdown strips controls and bidi overrides', () => {
  it('renders no RLO, ESC or C1 into a report', () => {
    const out = escapeMarkdown('model\u202Elmth.exe \u001b[31m\u009d');
    expect(out).not.toMatch(ACTIVE);
    expect(out).toContain('model?lmth.exe');
  });
});
