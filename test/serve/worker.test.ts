/**
 * The Python worker under failure, through a user predict.py (examples/serve/flaky): a crash mid-request is a
 * 503 and the worker comes back; a hang past --timeout is a 504 and the worker is replaced; a model error is a
 * 500; stdout noise from user code does not break the protocol; the queue bound answers 503 at once.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/runner';
import { invoke, parsePrometheus, startServe, type ServeProcess } from './helpers';

const flaky = join(repoRoot, 'examples/serve/flaky');
let server: ServeProcess;

beforeAll(async () => {
  server = await startServe([flaky, '--timeout', '1500', '--workers', '1']);
});
afterAll(async () => {
  await server?.stop();
});

async function untilReady(url: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await fetch(url + '/ping')).status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the server did not become ready again');
}

describe('mlci serve: the Python worker', () => {
  it('serves a user predict.py, with print() output kept off the protocol', async () => {
    expect(server.ready.loader).toBe('predict.py');
    const res = await invoke(server.url, { dataframe_records: [{ x: 1.5 }, { x: -2 }] });
    expect(res.status, res.text).toBe(200);
    expect(res.json.predictions).toEqual([3, -4]);
    expect(server.stderr()).toContain('stdout noise must not corrupt the protocol');
  });

  it('answers 503 when the worker dies mid-request, restarts it, and serves again', async () => {
    const crash = await invoke(server.url, { dataframe_records: [{ x: 1, crash: 1 }] });
    expect(crash.status).toBe(503);
    expect(crash.json).toMatchObject({ error_code: 'TEMPORARILY_UNAVAILABLE', message: expect.stringMatching(/worker died \(exit 17\)/) });
    await untilReady(server.url);
    const again = await invoke(server.url, { dataframe_records: [{ x: 4 }] });
    expect(again.json.predictions).toEqual([8]);
    const metrics = parsePrometheus(await (await fetch(server.url + '/metrics')).text());
    expect(metrics.get('mlci_worker_restarts_total')).toBeGreaterThanOrEqual(1);
    expect(metrics.get('mlci_prediction_errors_total{reason="crash"}')).toBe(1);
  });

  it('answers 504 past --timeout and replaces the stuck worker', async () => {
    const started = Date.now();
    const slow = await invoke(server.url, { dataframe_records: [{ x: 1, sleep: 30 }] });
    expect(slow.status).toBe(504);
    expect(slow.json.message).toMatch(/longer than 1500 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
    await untilReady(server.url);
    expect((await invoke(server.url, { dataframe_records: [{ x: 5 }] })).json.predictions).toEqual([10]);
  });

  it('answers 500 when the model raises, and 400 when it rejects the input (ValueError, KeyError)', async () => {
    const failed = await invoke(server.url, { dataframe_records: [{ x: 1, fail: 1 }] });
    expect(failed.status).toBe(500);
    expect(failed.json.message).toMatch(/RuntimeError: the model failed on purpose/);
    const bad = await invoke(server.url, { dataframe_records: [{ y: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error_code: 'BAD_REQUEST', message: expect.stringMatching(/KeyError/) });
  });

  it('queues concurrent requests on one worker and answers them all correctly', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => invoke(server.url, { dataframe_records: [{ x: i }] })));
    expect(results.map((r) => r.json.predictions[0])).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it('fails to start with exit 2 and the reason when the model cannot load', async () => {
    await expect(startServe([join(repoRoot, 'examples/serve')])).rejects.toThrow(/exited 2[\s\S]*cannot tell how to serve this model/);
  });
});
