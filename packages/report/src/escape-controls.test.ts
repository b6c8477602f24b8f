/** Report text from pull requests can carry escape sequences and bidi overrides: none reaches a comment or a terminal. */
import { describe, expect, it } from 'vitest';
import { details, md, mdCode } from './escape';
import { formatComparison } from './render-terminal';
import type { ComparisonResult } from './compare';

const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const hostile = 'model\u202Eexe.txt \u001b]8;;https://x.example\u0007link\u001b]8;;\u0007 \u2067rtl\u2069 \u009b2J';

describe('report escaping strips controls and bidi characters', () => {
  it('md, mdCode and details', () => {
    for (const out of [md(hostile), mdCode(hostile), details(hostile, 'body')]) {
      expect(out).not.toMatch(ACTIVE);
      expect(out).toContain('model?exe.txt');
    }
  });

  it('the terminal comparison', () => {
    const result: ComparisonResult = {
      step: 'compare',
      outcome: 'fail',
      candidate: { id: 'a'.repeat(32), name: hostile },
      baseline: null,
      metrics: [],
      regressions: [hostile],
      withinNoise: [],
      notes: [hostile],
      noise: null,
    };
    const out = formatComparison(result, { colour: false });
    expect(out).not.toMatch(ACTIVE);
    expect(out).toContain('model?exe.txt');
  });
});
