import { describe, expect, it } from 'vitest';
import { RunCollector } from './collector';
import { flatten, parseMetricsJsonl } from './capture-files';
import { splitWords } from './mlproject';

describe('file capture', () => {
  it('reads JSON Lines, skips a cut-short last line silently and names other bad lines', () => {
    const c = new RunCollector();
    const problems = parseMetricsJsonl('{"key":"loss","value":0.3,"step":1}\nnot json\n{"key":"acc","value":"x"}\n{"key":"loss","value":0.2,"step":2,"timestamp":7}\n{"key":"lo', c, 99);
    expect(c.metrics.loss).toEqual([{ step: 1, value: 0.3, timestamp: 99 }, { step: 2, value: 0.2, timestamp: 7 }]);
    expect(problems.map((p) => p.line)).toEqual([2, 3]);
    expect(parseMetricsJsonl('{"key":"lo\n', new RunCollector())).toEqual([{ line: 1, message: 'not valid JSON' }]);
  });

  it('flattens nested keys with dots and keeps lists whole', () => {
    expect(flatten({ a: { b: 1, c: { d: 'x' } }, e: [1, 2] })).toEqual({ 'a.b': 1, 'a.c.d': 'x', e: [1, 2] });
  });

  it('splits command templates into words without a shell', () => {
    expect(splitWords(`python train.py --name "a b" 'c d' e\\ f`)).toEqual(['python', 'train.py', '--name', 'a b', 'c d', 'e f']);
    expect(() => splitWords('python x.py > out')).toThrow(/shell syntax ">"/);
    expect(() => splitWords('echo "unclosed')).toThrow(/unterminated/);
  });
});
