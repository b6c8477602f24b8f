import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunCollector } from './collector';
import { flatten, parseMetricsJsonl, readMetricsFile, readParamsFile } from './capture-files';

const file = async (name: string, text: string) => {
  const path = join(await mkdtemp(join(tmpdir(), 'mlci-cf-')), name);
  await writeFile(path, text);
  return path;
};
import { splitWords } from './mlproject';

describe('file capture', () => {
  it('reads JSON Lines, skips a cut-short last line silently and names other bad lines', () => {
    const c = new RunCollector();
    const problems = parseMetricsJsonl(
      '{"key":"loss","value":0.3,"step":1}\nnot json\n{"key":"acc","value":"x"}\n{"key":"loss","value":0.2,"step":2,"timestamp":7}\n{"key":"lo',
      c,
      99,
    );
    expect(c.metrics.loss).toEqual([
      { step: 1, value: 0.3, timestamp: 99 },
      { step: 2, value: 0.2, timestamp: 7 },
    ]);
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

  it('returns the metric values it skips, with the key and why (string, null, list, NaN, empty mapping)', async () => {
    const path = await file(
      'metrics.json',
      '{"acc": 0.9, "ok": true, "s": "0.8", "n": null, "l": [1], "nan": NaN, "inf": Infinity, "v": {"e": {}, "f1": 0.5}}',
    );
    const { metrics, skipped } = await readMetricsFile(path);
    expect({ ...metrics }).toEqual({ acc: 0.9, ok: 1, 'v.f1': 0.5 });
    expect(skipped.map((s) => s.key).sort()).toEqual(['inf', 'l', 'n', 'nan', 's', 'v.e']);
    expect(skipped.find((s) => s.key === 's')!.why).toBe('a string ("0.8"), not a number');
    expect(skipped.find((s) => s.key === 'nan')!.why).toMatch(/not a finite number/);
  });

  it('names the file, the line and a hint for a metrics or params file that does not parse', async () => {
    const metrics = await file('metrics.json', '{"acc": 0.9,\n "f1": ');
    const m = await readMetricsFile(metrics).catch((e) => e);
    expect(m.describe()).toMatch(/metrics\.json(:\d+)?: metrics file is not valid YAML: .*\n  hint: .*json\.dump/);
    const params = await file('params.yaml', 'train:\n  lr: [0.1,\n  epochs: 3\n');
    const p = await readParamsFile(params).catch((e) => e);
    expect(p.describe()).toMatch(/params\.yaml(:\d+)?: params file is not valid YAML: .*\n  hint: /);
    await expect(readMetricsFile(await file('metrics.json', '[1, 2]'))).rejects.toThrow(
      /must hold a mapping of names to numbers, not a list/,
    );
  });
});
