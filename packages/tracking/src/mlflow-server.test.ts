import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStore } from '@mlci/store';
import { RunCollector } from './collector';
import { MlflowServer } from './mlflow-server';

let server: MlflowServer | undefined;
afterEach(async () => server?.close());

async function start() {
  const collector = new RunCollector();
  const store = new LocalStore({ root: join(await mkdtemp(join(tmpdir(), 'mlci-mlflow-unit-')), '.mlci') });
  server = await MlflowServer.start({ store, runId: 'a'.repeat(32), collector });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server!.url}${path}`, {
      method,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    const text = await res.text();
    return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : text };
  };
  return { collector, store, call };
}

describe('mlci MLflow endpoint', () => {
  it('gives the first created run the mlci run id and records what it logs', async () => {
    const { collector, call } = await start();
    const created = await call('POST', '/api/2.0/mlflow/runs/create', {
      experiment_id: '0',
      start_time: 1,
      run_name: 'r1',
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(created.json.run.info.run_id).toBe('a'.repeat(32));
    expect(created.json.run.info.artifact_uri).toBe(`mlflow-artifacts:/0/${'a'.repeat(32)}/artifacts`);
    const id = created.json.run.info.run_id;
    expect(
      (await call('POST', '/api/2.0/mlflow/runs/log-metric', { run_id: id, key: 'loss', value: 'NaN', timestamp: 5, step: 0 })).status,
    ).toBe(200);
    await call('POST', '/api/2.0/mlflow/runs/log-metric', { run_id: id, key: 'loss', value: 0.5, timestamp: 6, step: 1 });
    await call('POST', '/api/2.0/mlflow/runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' });
    const changed = await call('POST', '/api/2.0/mlflow/runs/log-parameter', { run_id: id, key: 'lr', value: '0.2' });
    expect(changed.status).toBe(400);
    expect(changed.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(collector.metrics.loss).toEqual([
      { step: 0, value: NaN, timestamp: 5 },
      { step: 1, value: 0.5, timestamp: 6 },
    ]);
    expect(collector.params).toEqual({ lr: '0.1' });
    expect(collector.tags).toMatchObject({ k: 'v', 'mlflow.runName': 'r1' });
    const second = await call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    expect(second.json.run.info.run_id).not.toBe(id);
    const got = await call('GET', `/api/2.0/mlflow/runs/get?run_id=${id}`);
    expect(got.json.run.data.metrics).toEqual([{ key: 'loss', value: 0.5, timestamp: 6, step: 1 }]);
    // A NaN goes back to the client as proto JSON writes it: the string "NaN", not null.
    const history = await call('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${id}&metric_key=loss`);
    expect(history.json.metrics.map((m: any) => m.value)).toEqual(['NaN', 0.5]);
  });

  it('keeps every other run as a child run: nested ones with their parent, a later top-level one without', async () => {
    const { call } = await start();
    const post = async (path: string, body: unknown) => (await call('POST', `/api/2.0/mlflow/${path}`, body)).json;
    // A nested run created first is not the mlci run: the first top-level run is.
    const orphan = (await post('runs/create', { experiment_id: '0', tags: [{ key: 'mlflow.parentRunId', value: 'f'.repeat(32) }] })).run
      .info;
    const top = (await post('runs/create', { experiment_id: '0' })).run.info;
    expect(top.run_id).toBe('a'.repeat(32));
    expect(orphan.run_id).not.toBe(top.run_id);
    const child = (
      await post('runs/create', { experiment_id: '0', run_name: 'c', tags: [{ key: 'mlflow.parentRunId', value: top.run_id }] })
    ).run.info;
    await post('runs/log-metric', { run_id: child.run_id, key: 'acc', value: 0.5, timestamp: 1, step: 0 });
    await post('runs/update', { run_id: child.run_id, status: 'FINISHED', end_time: 9 });
    const later = (await post('runs/create', { experiment_id: '0' })).run.info;
    const children = server!.state.childRuns('FAILED', 10);
    expect(children.map((c) => c.id)).toEqual([orphan.run_id, child.run_id, later.run_id]);
    expect(children[1]).toMatchObject({
      name: 'c',
      status: 'FINISHED',
      endTime: 9,
      tags: { 'mlflow.parentRunId': top.run_id, 'mlflow.runName': 'c' },
    });
    expect(children[1].metrics.acc).toEqual([{ step: 0, value: 0.5, timestamp: 1 }]);
    // Left RUNNING by the script: it ends as the mlci run did.
    expect(children[2]).toMatchObject({ status: 'FAILED', endTime: 10 });
    expect(children[2].tags['mlflow.parentRunId']).toBeUndefined();
  });

  it('names the mlci run as mlci does, and keeps a --name the script tries to change', async () => {
    const collector = new RunCollector();
    const store = new LocalStore({ root: join(await mkdtemp(join(tmpdir(), 'mlci-mlflow-unit-')), '.mlci') });
    server = await MlflowServer.start({ store, runId: 'b'.repeat(32), collector, runName: 'fixed', nameFixed: true });
    const post = async (path: string, body: unknown) =>
      (await (await fetch(`${server!.url}/api/2.0/mlflow/${path}`, { method: 'POST', body: JSON.stringify(body) })).json()) as any;
    const run = (await post('runs/create', { experiment_id: '0', run_name: 'mine' })).run.info;
    expect(run.run_name).toBe('fixed');
    await post('runs/set-tag', { run_id: run.run_id, key: 'mlflow.runName', value: 'other' });
    expect(collector.name).toBe('fixed');
    expect(collector.tags['mlflow.runName']).toBe('fixed');
  });

  it("enforces MLflow's log-batch limits atomically, with MLflow's error bodies", async () => {
    const { collector, call } = await start();
    const id = (await call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' })).json.run.info.run_id;
    const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i }));
    expect((await call('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: id, metrics: metrics(1000) })).status).toBe(200);
    const tooMany = await call('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: id, metrics: metrics(1001) });
    expect(tooMany).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(tooMany.json.message).toMatch(/at most 1000 metrics/);
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: '1' }));
    expect((await call('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: id, params })).json.message).toMatch(/at most 100 params/);
    const tags = Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: '1' }));
    expect((await call('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: id, tags })).json.message).toMatch(/at most 100 tags/);
    const mixed = await call('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: id, metrics: metrics(950), params: params.slice(0, 60) });
    expect(mixed.json.message).toMatch(/at most 1000 total/);
    expect(collector.metrics.m).toHaveLength(1000);
    expect(Object.keys(collector.params)).toEqual([]);
    expect((await call('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: 'f'.repeat(32) })).json.error_code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
    expect((await call('POST', '/api/2.0/mlflow/runs/log-batch', '{not json')).json.error_code).toBe('MALFORMED_REQUEST');
    expect((await call('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=nope')).json.error_code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
    expect((await call('GET', '/api/2.0/mlflow/not-a-route')).json).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
  });

  it('stores artifact uploads in the content-addressed store and serves them back', async () => {
    const { collector, store, call } = await start();
    const id = (await call('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' })).json.run.info.run_id;
    const put = await fetch(`${server!.url}/api/2.0/mlflow-artifacts/artifacts/0/${id}/artifacts/dir/a.txt`, {
      method: 'PUT',
      body: 'hello',
    });
    expect(put.status).toBe(200);
    const [ref] = collector.artifacts;
    expect(ref.path).toBe('dir/a.txt');
    expect(Buffer.from(await store.getBlob(ref.sha256)).toString()).toBe('hello');
    expect(await (await fetch(`${server!.url}/api/2.0/mlflow-artifacts/artifacts/0/${id}/artifacts/dir/a.txt`)).text()).toBe('hello');
    const list = await call('GET', `/api/2.0/mlflow-artifacts/artifacts?path=0/${id}/artifacts`);
    expect(list.json.files).toEqual([{ path: 'dir', is_dir: true }]);
    const evil = await fetch(`${server!.url}/api/2.0/mlflow-artifacts/artifacts/0/${id}/artifacts/..%2F..%2Fx`, {
      method: 'PUT',
      body: 'x',
    });
    expect(evil.status).toBe(400);
  });
});
