/**
 * The two serving paths for scikit-learn models, end to end through the bundled CLI: the model converted to ONNX
 * (skl2onnx at load time, parity-checked, cached by model hash) and run in-process by onnxruntime-node, and the
 * Python worker (binary frames, micro-batches, pinned workers). The same models are served both ways and must
 * give the same answers: examples/iris's pipeline (StandardScaler + SGDClassifier) and the test LogisticRegression
 * and LinearRegression (make_models.py). A pipeline with a user transformer skl2onnx cannot convert still serves,
 * through Python, and says why. Skipped, saying so, only when setup could not install onnxruntime-node or skl2onnx.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/runner';
import { invoke, parsePrometheus, startServe, sumOf, type ServeProcess, onnxPathMissing } from './helpers';

const missing = onnxPathMissing();

const dir = mkdtempSync(join(tmpdir(), 'mlci-onnx-path-'));
// A private cache: the first start converts, later ones must find the conversion there.
const env = { MLCI_ONNX_CACHE: join(dir, 'cache') };
const servers: ServeProcess[] = [];
const serve = async (args: string[]) => {
  const s = await startServe(args, { env });
  servers.push(s);
  return s;
};
let paths: any;
let models: any;

describe.skipIf(missing.length > 0)(`mlci serve: ONNX and Python paths${missing.length ? ` (SKIPPED: ${missing.join('; ')})` : ''}`, () => {
  beforeAll(() => {
    execFileSync('python3', [join(import.meta.dirname, 'make_onnx_path_models.py'), join(dir, 'p')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    execFileSync('python3', [join(import.meta.dirname, 'make_models.py'), join(dir, 'm')], { stdio: ['ignore', 'ignore', 'pipe'] });
    paths = JSON.parse(readFileSync(join(dir, 'p/expected.json'), 'utf8'));
    models = JSON.parse(readFileSync(join(dir, 'm/expected.json'), 'utf8'));
  }, 240_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  }, 240_000);

  it("serves examples/iris's pipeline through ONNX with the same answers as the Python worker and sklearn", async () => {
    const model = join(dir, 'p/iris');
    const [onnx, python] = [await serve([model, '--runtime', 'onnx']), await serve([model, '--runtime', 'python'])];
    expect(onnx.ready).toMatchObject({ loader: 'sklearn', path: 'onnx', runtime: expect.stringMatching(/^onnxruntime-node /) });
    expect(python.ready).toMatchObject({ loader: 'sklearn', path: 'python', runtime: expect.stringMatching(/^python 3/) });
    expect(onnx.stderr()).toMatch(/serving through ONNX \(matrix float64; parity on \d+ rows/);
    const { probe } = paths;
    const records = probe.data.map((r: number[]) => Object.fromEntries(probe.columns.map((c: string, i: number) => [c, r[i]])));
    for (const body of [{ dataframe_split: probe }, { dataframe_records: records }, { instances: probe.data }]) {
      const [a, b] = await Promise.all([invoke(onnx.url, body), invoke(python.url, body)]);
      expect(a.status, a.text).toBe(200);
      expect(b.status, b.text).toBe(200);
      expect(a.json.predictions).toEqual(paths.iris);
      expect(b.json.predictions).toEqual(paths.iris);
    }
    // /health and /metrics say which path served.
    const health = await (await fetch(onnx.url + '/health')).json();
    expect(health).toMatchObject({ status: 'ok', path: 'onnx', loader: 'sklearn' });
    expect(await (await fetch(python.url + '/health')).json()).toMatchObject({ status: 'ok', path: 'python' });
    const m = parsePrometheus(await (await fetch(onnx.url + '/metrics')).text());
    expect(m.get('mlci_serving_path{path="onnx"}')).toBe(1);
    expect(sumOf(m, 'mlci_predicted_rows_total', 'path="onnx"')).toBe(3 * probe.data.length);
    expect(sumOf(m, 'mlci_predictions_by_class_total')).toBe(3 * probe.data.length); // classes_ came through the conversion
  }, 240_000);

  it('serves the test LogisticRegression and LinearRegression the same way on both paths (auto picks ONNX)', async () => {
    for (const [name, tolerance] of [
      ['classifier', null],
      ['regressor', 9],
    ] as const) {
      const model = join(dir, 'm', name);
      const [onnx, python] = [await serve([model]), await serve([model, '--runtime', 'python'])];
      expect(onnx.ready.path, onnx.stderr()).toBe('onnx');
      expect(python.ready.path).toBe('python');
      for (const body of [{ dataframe_split: models.probe }, { dataframe_records: models.probe_records }]) {
        const [a, b] = await Promise.all([invoke(onnx.url, body), invoke(python.url, body)]);
        expect(a.status, a.text).toBe(200);
        expect(b.status, b.text).toBe(200);
        if (tolerance === null) {
          expect(a.json.predictions).toEqual(models.classifier);
          expect(b.json.predictions).toEqual(models.classifier);
        } else
          models.regressor.forEach((want: number, i: number) => {
            expect(a.json.predictions[i]).toBeCloseTo(want, tolerance);
            expect(b.json.predictions[i]).toBeCloseTo(want, tolerance);
          });
      }
      // The same validation on both paths: a missing value in a long column is the signature's 400.
      const row = models.probe_records[0];
      for (const url of [onnx.url, python.url]) {
        const bad = await invoke(url, { dataframe_records: [{ ...row, count: null }] });
        expect(bad.status).toBe(400);
        expect(bad.json.message).toMatch(/column 'count' row 0: missing value/);
      }
    }
  }, 240_000);

  it('a second start finds the conversion in the cache (no Python child), and answers the same', async () => {
    const model = join(dir, 'm/classifier');
    const again = await serve([model]);
    expect(again.ready.path).toBe('onnx');
    expect(again.stderr()).toMatch(/serving through ONNX \(.*; cached\)/);
    const children = readdirSync('/proc').filter((p) => {
      try {
        return /^\d+$/.test(p) && /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] === String(again.child.pid);
      } catch {
        return false;
      }
    });
    expect(children).toEqual([]);
    expect((await invoke(again.url, { dataframe_split: models.probe })).json.predictions).toEqual(models.classifier);
    expect(readdirSync(env.MLCI_ONNX_CACHE).filter((e) => !e.startsWith('.'))).toHaveLength(3); // iris, classifier, regressor (custom comes next)
  }, 240_000);

  it('an ONNX cache that cannot be written (a file in its place) still converts and serves through ONNX, saying so', async () => {
    const blocker = join(dir, 'not-a-directory');
    writeFileSync(blocker, 'a file where the cache directory would be\n');
    const s = await startServe([join(dir, 'm/classifier')], { env: { MLCI_ONNX_CACHE: join(blocker, 'cache') } });
    servers.push(s);
    expect(s.ready.path).toBe('onnx');
    expect(s.stderr()).toMatch(/cannot write the ONNX cache .*not-a-directory\/cache .*converting in a temporary directory/);
    expect((await invoke(s.url, { dataframe_split: models.probe })).json.predictions).toEqual(models.classifier);
  }, 240_000);

  it('a model skl2onnx cannot convert still serves, through the Python worker, and /health says why', async () => {
    const model = join(dir, 'p/custom');
    const auto = await serve([model]);
    expect(auto.ready).toMatchObject({ path: 'python', fallback: expect.stringMatching(/skl2onnx could not convert the model.*Doubler/) });
    const res = await invoke(auto.url, { dataframe_split: paths.probe });
    expect(res.status, res.text).toBe(200);
    expect(res.json.predictions).toEqual(paths.custom);
    const health = await (await fetch(auto.url + '/health')).json();
    expect(health).toMatchObject({ path: 'python', fallback: expect.stringMatching(/Doubler/) });
    const m = parsePrometheus(await (await fetch(auto.url + '/metrics')).text());
    expect(m.get('mlci_serving_path{path="python"}')).toBe(1);
    // Asked for ONNX, it fails at start (exit 2) with the reason, instead of serving another way.
    await expect(startServe([model, '--runtime', 'onnx'], { env })).rejects.toThrow(
      /exited 2[\s\S]*cannot be served through ONNX[\s\S]*Doubler/,
    );
  }, 240_000);

  it('Python path: concurrent requests are micro-batched and each gets its own rows back; two workers are pinned to two CPUs', async () => {
    const model = join(dir, 'm/regressor');
    const two = await serve([model, '--runtime', 'python', '--workers', '2']);
    const health: any = await (await fetch(two.url + '/health')).json();
    expect(health.workers).toBe(2);
    if (availableParallelism() >= 2) expect(new Set(health.cpus).size).toBe(2);
    else expect(health.cpus).toHaveLength(2);
    const { probe } = models;
    // 60 requests in flight with 1 to 3 rows each: every answer is its own rows' predictions.
    const bodies = Array.from({ length: 60 }, (_, i) => ({
      dataframe_split: {
        columns: probe.columns,
        data: [probe.data[i % 9], probe.data[(i + 1) % 9], probe.data[(i + 2) % 9]].slice(0, 1 + (i % 3)),
      },
    }));
    const answers = await Promise.all(bodies.map((b) => invoke(two.url, b)));
    answers.forEach((a, i) => {
      expect(a.status, a.text).toBe(200);
      const want = [models.regressor[i % 9], models.regressor[(i + 1) % 9], models.regressor[(i + 2) % 9]].slice(0, 1 + (i % 3));
      expect(a.json.predictions).toHaveLength(want.length);
      a.json.predictions.forEach((p: number, k: number) => expect(p).toBeCloseTo(want[k], 9));
    });
  }, 240_000);

  it('Python path: a request the model fails on, micro-batched with others, fails alone (the batch is retried one by one)', async () => {
    // examples/serve/flaky raises on {"fail": 1} (500) and returns x * 2 otherwise; one worker, so requests queue and merge.
    const flaky = await serve([join(repoRoot, 'examples/serve/flaky'), '--workers', '1']);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => invoke(flaky.url, { dataframe_records: [{ x: i, fail: i % 7 === 3 ? 1 : 0 }] })),
    );
    answers.forEach((a, i) => {
      if (i % 7 === 3) {
        expect(a.status).toBe(500);
        expect(a.json.message).toMatch(/RuntimeError: the model failed on purpose/);
      } else {
        expect(a.status, a.text).toBe(200);
        expect(a.json.predictions).toEqual([2 * i]);
      }
    });
  }, 240_000);
});
