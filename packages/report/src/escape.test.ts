import { describe, expect, it } from 'vitest';
import { details, md, mdCode, mermaidLabel, num, percent, signed } from './escape';

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<!-- mlci:section id=compare kind=model outcome=pass -->',
  '[click](https://evil.example)',
  '![i](https://evil.example/x.png)',
  'https://evil.example/auto',
  'www.evil.example',
  'mail me: a@evil.example',
  '@octocat and @org/team',
  '#1 and GH-2',
  'a | b',
  '`code` and ``` fence',
  '**bold** _em_ ~~s~~',
  'line1\nline2\r\n# heading',
  '&amp; &lt;',
  '</details><details open>',
];

describe('md: untrusted text as inline Markdown', () => {
  for (const text of HOSTILE) {
    it(`neutralises ${JSON.stringify(text)}`, () => {
      const out = md(text);
      for (const c of ['<', '>', '[', ']', '(', ')', '|', '`', '*', '_', '~', '\n', '\r']) expect(out).not.toContain(c);
      expect(out).not.toMatch(/https?:\/\//);
      expect(out).not.toMatch(/@[A-Za-z]/); // every @ is followed by a zero-width space
      expect(out).not.toMatch(/(^|[^&])#\d/); // no bare #123 reference
      expect(out).not.toMatch(/&(?!#\d+;)/); // every & starts an entity we wrote
    });
  }
  it('keeps ordinary names readable and cuts long ones', () => {
    expect(md('val loss 0.25')).toBe('val loss 0.25');
    expect(md('x'.repeat(500), 10)).toBe('xxxxxxxxxx…');
  });
  it('mdCode wraps the escaped text in <code>', () => {
    expect(mdCode('a`b')).toBe('<code>a&#96;b</code>');
  });
});

describe('mermaidLabel', () => {
  it('keeps a closed alphabet: no quote, bracket, newline, fence or directive survives', () => {
    const out = mermaidLabel('a"]\n```\n%%{init: {"theme":"dark"}}%%<script>');
    expect(out).toMatch(/^[A-Za-z0-9 _./+?-]+$/);
    expect(out).not.toContain('"');
    expect(out).not.toContain('`');
    expect(out).not.toContain('{');
    expect(mermaidLabel('')).toBe('?');
    expect(mermaidLabel('x'.repeat(100))).toHaveLength(40);
  });
});

describe('details and numbers', () => {
  it('escapes the summary, not the (already safe) body', () => {
    expect(details('<b>x</b>', '| a |')).toBe('<details><summary>&#60;b&#62;x&#60;/b&#62;</summary>\n\n| a |\n\n</details>');
  });
  it('formats numbers with a true minus sign and percentages', () => {
    expect([num(0.123456), num(3), num(null), num(1e-7), num(Infinity)]).toEqual(['0.1235', '3', '–', '1.000e-7', '∞']);
    expect([signed(0.5), signed(-0.25), signed(0), signed(null)]).toEqual(['+0.5', '−0.25', '0', '–']);
    expect(percent(0.0123)).toBe('+1.23%');
  });
});
