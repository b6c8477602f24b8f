import { describe, expect, it } from 'vitest';
import { escapeMarkdown, markdownTable } from './markdown';

describe('escapeMarkdown', () => {
  it('neutralises HTML, links, images, tables, code, mentions and newlines', () => {
    const hostile =
      '<img src=x onerror=alert(1)> [click](https://evil.example) ![i](x) a|b `c` **b** @octocat #1\n# heading www.evil.example';
    const out = escapeMarkdown(hostile);
    for (const forbidden of ['<', '>', '[', ']', '(', ')', '|', '`', '*', '\n', '://', '@octocat']) expect(out).not.toContain(forbidden);
    expect(out).not.toMatch(/(^|\s)#1\b/);
    expect(out).toContain('@\u200boctocat');
    expect(out).toContain('www\u200b.');
  });
  it('leaves plain words and numbers readable', () => {
    expect(escapeMarkdown('val loss 0.25')).toBe('val loss 0.25');
  });
});

describe('markdownTable', () => {
  it('renders header, alignment rule and rows', () => {
    expect(markdownTable(['a', 'b'], [['1', '2']], ['l', 'r'])).toBe('| a | b |\n| --- | ---: |\n| 1 | 2 |');
  });
});
