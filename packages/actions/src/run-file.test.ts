import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { parseRunFile } from './run-file';

const refusal = (text: string): MlciError => {
  try {
    parseRunFile(text, 'results/train.json', 'the hint');
  } catch (error) {
    return error as MlciError;
  }
  throw new Error('not refused');
};

describe('parseRunFile', () => {
  it('reads "NaN", "Infinity", "-Infinity" and null (an older writer) as numbers, other values untouched', () => {
    const run = parseRunFile(
      JSON.stringify({
        id: 'a'.repeat(32),
        metrics: {
          loss: [
            { step: 0, value: 'NaN', timestamp: 0 },
            { step: 1, value: null, timestamp: 1 },
          ],
          acc: [{ step: 0, value: 'Infinity', timestamp: 0 }],
          low: [{ step: 0, value: '-Infinity', timestamp: 0 }],
          ok: [{ step: 0, value: 0.5, timestamp: 0 }],
        },
      }),
      'train.json',
      'hint',
    );
    expect(run.metrics.loss.map((p) => p.value)).toEqual([NaN, NaN]);
    expect(run.metrics.acc[0].value).toBe(Infinity);
    expect(run.metrics.low[0].value).toBe(-Infinity);
    expect(run.metrics.ok[0].value).toBe(0.5);
    expect(run.name).toBe('a'.repeat(32));
  });

  it('keeps a metric named __proto__ as a metric', () => {
    const run = parseRunFile('{"id": "r", "metrics": {"__proto__": [{"step": 0, "value": "NaN", "timestamp": 0}]}}', 'f', 'h');
    expect(Object.keys(run.metrics)).toEqual(['__proto__']);
    expect(run.metrics['__proto__'][0].value).toBeNaN();
  });

  it.each([
    ['not JSON', '{"id":', 'invalid JSON'],
    ['a list', '[1]', 'expected an object with `id` and `metrics`'],
    ['no id', '{"metrics": {}}', 'expected an object with `id` and `metrics`'],
    ['no metrics', '{"id": "r"}', '"metrics" is missing or not an object'],
    ['a metric that is not a list', '{"id": "r", "metrics": {"loss": 3}}', 'metric "loss" is not a list of points'],
    ['a null point', '{"id": "r", "metrics": {"loss": [null]}}', 'metric "loss" is not a list of points'],
  ])('refuses %s naming the file, with the hint', (_what, text, message) => {
    const error = refusal(text);
    expect(error).toBeInstanceOf(MlciError);
    expect(error.kind).toBe('input');
    expect(error.location.file).toBe('results/train.json');
    expect(error.message).toContain(message);
    expect(error.hint).toBe('the hint');
  });
});
