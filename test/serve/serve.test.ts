/**
 * mlci serve end to end: sklearn models saved by MLflow (a classifier in skops format, a regressor in
 * cloudpickle), served by the bundled CLI on an ephemeral loopback port, checked against the models' own
 * predict() in Python; every endpoint, every input format, bad requests, size limits, metrics, SIGTERM.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, parsePrometheus, startServe, sumOf, type ServeProcess } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'mlci-serve-test-'));
let expected: any;
let classifier: ServeProcess;
let regressor: ServeProcess;

beforeAll(async () => {
  execFileSync('python3', [join(import.meta.dirname, 'make_models.py'), dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  [classifier, regressor] = await Promise.all([
    startServe([join(dir, 'classifier'), '--max-body', '4096']),
    startServe([join(dir, 'regressor')]),
  ]);
}, 240_000);

afterAll(async () => {
  await Promise.all([classifier?.stop(), regressor?.stop()]);
});

describe('mlci serve: MLflow scoring protocol', () => {
  it('reports ready with the sklearn loader, answers /ping, /health and /version', async () => {
    expect(classifier.ready).toMatchObject({ loader: 'sklearn', host: '127.0.0.1' });
    expect(classifier.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const path of ['/ping', '/health']) {
      const res = await fetch(classifier.url + path);
      expect(res.status).toBe(200);
    }
    const version = await (await fetch(classifier.url + '/version')).json();
    expect(version).toMatchObject({ server: 'mlci', loader: 'sklearn', mlflow_version: expect.any(String) });
  });

  it("gives the model's own predictions for dataframe_split, dataframe_records, instances, inputs and CSV", async () => {
    const { probe, probe_records: records, probe_csv: csv } = expected;
    const columnar = Object.fromEntries(probe.columns.map((c: string, i: number) => [c, probe.data.map((r: unknown[]) => r[i])]));
    const bodies: Array<[string, unknown, string?]> = [
      ['dataframe_split', { dataframe_split: probe }],
      ['dataframe_records', { dataframe_records: records }],
      ['instances (records)', { instances: records }],
      ['inputs (column -> values)', { inputs: columnar }],
      ['instances (row arrays, matched to the signature by position)', { instances: probe.data }],
      ['text/csv', csv, 'text/csv'],
      ['charset parameter', { dataframe_split: probe }, 'application/json; charset=utf-8'],
    ];
    for (const [name, body, type] of bodies) {
      const c = await invoke(classifier.url, body, type);
      expect(c.status, `${name}: ${c.text}`).toBe(200);
      expect(c.json.predictions, name).toEqual(expected.classifier);
      const r = await invoke(regressor.url, body, type);
      expect(r.status, `${name}: ${r.text}`).toBe(200);
      r.json.predictions.forEach((p: number, i: number) => expect(p, name).toBeCloseTo(expected.regressor[i], 9));
    }
  });

  it("serves the model's own input example (serving_input_example.json)", async () => {
    const body = JSON.parse(readFileSync(join(dir, 'classifier', 'serving_input_example.json'), 'utf8'));
    const res = await invoke(classifier.url, body);
    expect(res.status).toBe(200);
    expect(res.json.predictions).toHaveLength(3);
    expect(expected.classes).toEqual(expect.arrayContaining(res.json.predictions));
  });

  it("rejects bad requests with 400 and MLflow's error JSON naming what is wrong", async () => {
    const row = expected.probe_records[0];
    const cases: Array<[unknown, RegExp, string?]> = [
      [{ dataframe_records: [{ length: row.length, width: row.width }] }, /missing column 'count'/],
      [{ dataframe_records: [{ ...row, width: 'wide' }] }, /column 'width' row 0: expected double, got string "wide"/],
      [{ dataframe_records: [row, { ...row, count: 2.5 }] }, /column 'count' row 1: expected long \(a whole number\), got number 2.5/],
      [{ dataframe_records: [{ ...row, count: null }] }, /column 'count' row 0: missing value/],
      [{ instances: [[1, 2]] }, /row 0 has 2 values; the model's signature has 3 columns/],
      [{ rows: [row] }, /exactly one of the input fields/],
      [{ dataframe_records: [row], instances: [row] }, /exactly one of the input fields/],
      ['{"dataframe_records": [', /valid JSON/],
      [[row], /Received a list/],
      ['length,width\n1,2\n', /missing column 'count'/, 'text/csv'],
      ['length,width,count\n1,x,2\n', /column 'width' row 0: expected double, got string "x"/, 'text/csv'],
      [{ dataframe_split: { columns: ['length', 'width', 'count'], data: [[1, 2]] } }, /data\[0\] has 2 values for 3 columns/],
    ];
    for (const [body, message, type] of cases) {
      const res = await invoke(classifier.url, body, type);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error_code).toBe('BAD_REQUEST');
      expect(res.json.message).toMatch(message);
    }
    // Extra columns are dropped, as MLflow's schema enforcement does.
    const extra = await invoke(classifier.url, { dataframe_records: [{ ...row, note: 'ignored' }] });
    expect(extra.status).toBe(200);
    expect(extra.json.predictions).toEqual([expected.classifier[0]]);
  });

  it('answers 415 for other content types and 404/405 for other routes', async () => {
    expect((await invoke(classifier.url, '<x/>', 'application/xml')).status).toBe(415);
    expect((await invoke(classifier.url, '{}', 'application/json; charset=latin-1')).status).toBe(415);
    const missing = await fetch(classifier.url + '/predict');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toMatch(/POST \/invocations/);
    expect((await fetch(classifier.url + '/invocations')).status).toBe(405);
  });

  it('refuses bodies over --max-body with 413, by Content-Length and while streaming', async () => {
    const big = { dataframe_records: Array.from({ length: 200 }, () => expected.probe_records[0]) };
    const declared = await invoke(classifier.url, big);
    expect(declared.status).toBe(413);
    expect(declared.json.message).toMatch(/limit is 4096/);
    // Chunked: no Content-Length, so the limit is found while reading.
    const streamed = await new Promise<number>((resolve, reject) => {
      const url = new URL(classifier.url + '/invocations');
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      const text = JSON.stringify(big);
      for (let i = 0; i < text.length; i += 1000) req.write(text.slice(i, i + 1000));
      req.end();
    });
    expect(streamed).toBe(413);
    // The server is still fine afterwards.
    expect((await invoke(classifier.url, { dataframe_records: [expected.probe_records[0]] })).status).toBe(200);
  });

  it('exposes Prometheus metrics: requests by status, latency histogram, class counts and a value histogram', async () => {
    const before = parsePrometheus(await (await fetch(classifier.url + '/metrics')).text());
    const ok = await invoke(classifier.url, { dataframe_split: expected.probe });
    await invoke(classifier.url, { dataframe_records: [{}] });
    const res = await fetch(classifier.url + '/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const after = parsePrometheus(await res.text());
    const delta = (name: string, ...labels: string[]) => sumOf(after, name, ...labels) - sumOf(before, name, ...labels);
    expect(delta('mlci_http_requests_total', 'route="/invocations"', 'status="200"')).toBe(1);
    expect(delta('mlci_http_requests_total', 'route="/invocations"', 'status="400"')).toBe(1);
    expect(delta('mlci_http_request_duration_seconds_count', 'route="/invocations"')).toBe(2);
    expect(after.get('mlci_http_request_duration_seconds_bucket{route="/invocations",le="+Inf"}')).toBe(
      after.get('mlci_http_request_duration_seconds_count{route="/invocations"}'),
    );
    expect(delta('mlci_prediction_errors_total', 'reason="validation"')).toBe(1);
    // Each predicted label counted once: the deltas per class match the labels returned.
    for (const label of expected.classes) {
      expect(delta('mlci_predictions_by_class_total', `class="${label}"`)).toBe(
        ok.json.predictions.filter((p: string) => p === label).length,
      );
    }
    expect(after.get('mlci_model_ready')).toBe(1);
    expect(after.get('process_resident_memory_bytes')).toBeGreaterThan(1e6);

    const r0 = parsePrometheus(await (await fetch(regressor.url + '/metrics')).text());
    await invoke(regressor.url, { dataframe_split: expected.probe });
    const r1 = parsePrometheus(await (await fetch(regressor.url + '/metrics')).text());
    expect(sumOf(r1, 'mlci_prediction_value_count') - sumOf(r0, 'mlci_prediction_value_count')).toBe(expected.probe.data.length);
    const sum = expected.regressor.reduce((a: number, b: number) => a + b, 0);
    expect(sumOf(r1, 'mlci_prediction_value_sum') - sumOf(r0, 'mlci_prediction_value_sum')).toBeCloseTo(sum, 6);
    expect(sumOf(r1, 'mlci_predictions_by_class_total')).toBe(0);
  });

  it('stops on SIGTERM: exit 0, quickly, with its Python worker gone', async () => {
    const server = await startServe([join(dir, 'regressor'), '--runtime', 'python']);
    // The worker is the server's child (python3 -c ...): find it in /proc before stopping.
    const children = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] === String(server.child.pid);
          } catch {
            return false;
          }
        });
    const workers = children();
    expect(workers.length).toBe(1);
    expect((await invoke(server.url, { dataframe_split: expected.probe })).status).toBe(200);
    const { code, ms } = await server.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    for (const pid of workers) expect(() => process.kill(Number(pid), 0)).toThrow();
  });
});
