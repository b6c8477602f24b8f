import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore } from './local';
import { decodeRunRecord, encodeRunRecord, type RunRecord } from './run-record';

const record = (): RunRecord => ({
  schema: 1,
  id: 'c'.repeat(32),
  name: 'r',
  experiment: 'Default',
  status: 'FINISHED',
  startTime: 1,
  endTime: 2,
  exitCode: 0,
  command: ['python3', 't.py'],
  params: {},
  metrics: {
    loss: [
      { step: 0, value: 1, timestamp: 1 },
      { step: 1, value: NaN, timestamp: 2 },
      { step: 2, value: Infinity, timestamp: 3 },
    ],
  },
  tags: {},
  artifacts: [],
  lineage: {
    git: { commit: null, branch: null, dirty: false },
    datasets: [],
    environment: { node: 'v20', python: null, platform: 'linux-x64', lockFiles: [], pipFreeze: null },
  },
  children: [
    {
      id: 'd'.repeat(32),
      name: 'c',
      experiment: 'Default',
      status: 'FINISHED',
      startTime: 1,
      endTime: 2,
      params: {},
      metrics: { acc: [{ step: 0, value: -Infinity, timestamp: 1 }] },
      tags: { 'mlflow.parentRunId': 'c'.repeat(32) },
      artifacts: [],
    },
  ],
});

describe('non-finite metric values in the run record', () => {
  it('are written as MLflow writes them in JSON and read back as numbers', async () => {
    const store = new LocalStore({ root: await mkdtemp(join(tmpdir(), 'mlci-record-')) });
    await store.putRun(record());
    const text = JSON.parse(await readFile(join(store.root, 'runs', 'c'.repeat(32), 'run.json'), 'utf8'));
    expect(text.metrics.loss.map((p: any) => p.value)).toEqual([1, 'NaN', 'Infinity']);
    expect(text.children[0].metrics.acc[0].value).toBe('-Infinity');
    const back = await store.getRun('c'.repeat(32));
    expect(back.metrics.loss.map((p) => p.value)).toEqual([1, NaN, Infinity]);
    expect(back.children![0].metrics.acc[0].value).toBe(-Infinity);
  });

  it('leave a finite record as it is, and read a null (an older writer) as NaN', () => {
    const finite = { metrics: { a: [{ step: 0, value: 1, timestamp: 1 }] } };
    expect(encodeRunRecord(finite)).toBe(finite);
    expect(decodeRunRecord({ metrics: { a: [{ step: 0, value: null as unknown as number, timestamp: 1 }] } }).metrics.a[0].value).toBeNaN();
  });

  it('keep a metric whose name is __proto__', () => {
    const metrics = JSON.parse('{"__proto__": [{"step": 0, "value": "NaN", "timestamp": 1}]}');
    const back = decodeRunRecord({ metrics });
    expect(Object.keys(back.metrics)).toEqual(['__proto__']);
    expect(Object.values(back.metrics as Record<string, Array<{ value: number }>>)[0][0].value).toBeNaN();
    expect(JSON.stringify(encodeRunRecord(back))).toBe('{"metrics":{"__proto__":[{"step":0,"value":"NaN","timestamp":1}]}}');
  });

  it('refuse a child run whose artifact path escapes', async () => {
    const store = new LocalStore({ root: await mkdtemp(join(tmpdir(), 'mlci-record-')) });
    const bad = record();
    bad.children![0].artifacts = [{ path: '../../etc/x', sha256: 'e'.repeat(64), size: 1 }];
    await expect(store.putRun(bad)).rejects.toThrow(/unsafe artifact path/);
  });
});
