/**
 * ONNX models in-process (onnxruntime-node): scikit-learn models converted by skl2onnx (committed fixtures),
 * served by mlci serve and compared with scikit-learn's own predictions. Skipped, saying so, when
 * onnxruntime-node is not installed (it is optional: scripts/setup.sh installs it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/runner';
import { invoke, parsePrometheus, startServe, sumOf, type ServeProcess } from './helpers';

const installed = (() => {
  try {
    createRequire(join(repoRoot, 'package.json')).resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
})();
const expected = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/onnx-expected.json'), 'utf8'));
let regressor: ServeProcess;
let classifier: ServeProcess;

describe.skipIf(!installed)(`mlci serve: ONNX in-process${installed ? '' : ' (SKIPPED: onnxruntime-node is not installed)'}`, () => {
  beforeAll(async () => {
    [regressor, classifier] = await Promise.all([
      startServe([join(repoRoot, 'examples/serve/onnx-regressor')]),
      startServe([join(repoRoot, 'examples/serve/onnx-classifier/model.onnx')]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([regressor?.stop(), classifier?.stop()]);
  });

  it('loads with the onnx loader and matches scikit-learn within float32 precision', async () => {
    expect(regressor.ready).toMatchObject({ loader: 'onnx', runtime: expect.stringMatching(/^onnxruntime-node \d/) });
    for (const body of [{ dataframe_split: { columns: expected.columns, data: expected.data } }, { instances: expected.data }]) {
      const res = await invoke(regressor.url, body);
      expect(res.status, res.text).toBe(200);
      res.json.predictions.forEach((p: number, i: number) => expect(p).toBeCloseTo(expected.regressor[i], 4));
    }
    const c = await invoke(classifier.url, { dataframe_split: { columns: expected.columns, data: expected.data } });
    expect(c.status, c.text).toBe(200);
    expect(c.json.predictions).toEqual(expected.classifier);
  });

  it('answers 400 for input the model cannot take, and counts predictions in /metrics', async () => {
    const wrongWidth = await invoke(regressor.url, { instances: [[1, 2]] });
    expect(wrongWidth.status).toBe(400);
    expect(wrongWidth.json.error_code).toBe('BAD_REQUEST');
    const text = await invoke(regressor.url, { instances: [[1, 'x', 3]] });
    expect(text.status).toBe(400);
    expect(text.json.message).toMatch(/the ONNX input is float32/);
    const m = parsePrometheus(await (await fetch(regressor.url + '/metrics')).text());
    expect(sumOf(m, 'mlci_prediction_value_count')).toBe(2 * expected.data.length);
  });
});
