/** train()'s promise that no failure leaves a run RUNNING: stores that fail the way full or broken disks do. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { LocalStore, type RunRecord } from '@mlci/store';
import { RecordedRunError, train } from './train';

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'mlci-train-'));
  const store = new LocalStore({ root: join(dir, '.mlci') });
  await writeFile(join(dir, 'out.bin'), 'weights');
  return { dir, store };
}
const statuses = async (store: LocalStore) => (await store.listRuns()).map((r) => r.status);
const base = (dir: string, store: LocalStore) => ({
  command: ['true'],
  projectDir: dir,
  store,
  systemMetricsInterval: 0,
  artifacts: ['out.bin'],
});

describe('train when the store fails', () => {
  it('a full disk while storing an artifact: RecordedRunError naming the store, the run FAILED with the reason', async () => {
    const { dir, store } = await setup();
    store.putBlob = async () => {
      throw enospc(); // a stream's write error: no path of its own
    };
    const error = await train(base(dir, store)).catch((e) => e);
    expect(error).toBeInstanceOf(RecordedRunError);
    expect(error.kind).toBe('input');
    expect(error.describe()).toMatch(
      /\.mlci: storing artifact out\.bin: no space left on device \(run [0-9a-f]{32} recorded as FAILED\)\n  hint: free space/,
    );
    expect(error.result.record.status).toBe('FAILED');
    expect(await statuses(store)).toEqual(['FAILED']);
    expect((await store.listRuns())[0].tags['mlci.error']).toMatch(/storing artifact out\.bin: no space left/);
    expect((await store.listRuns())[0].tags['mlci.owner']).toBeUndefined();
  });

  it('the full record does not fit: a FAILED record without metrics is kept instead', async () => {
    const { dir, store } = await setup();
    const putRun = store.putRun.bind(store);
    store.putRun = async (record: RunRecord) => {
      if (record.status !== 'RUNNING' && record.artifacts.length)
        throw Object.assign(enospc(), { path: join(dir, '.mlci', 'runs', record.id, '.run.json.tmp') });
      return putRun(record);
    };
    const error = await train(base(dir, store)).catch((e) => e);
    expect(error).toBeInstanceOf(MlciError);
    expect(error.message).toMatch(/no space left on device \(run [0-9a-f]{32} recorded as FAILED without its metrics\)/);
    const [run] = await store.listRuns();
    expect(run.status).toBe('FAILED');
    expect(run.tags['mlci.error']).toMatch(/metrics and artifacts were not kept/);
  });

  it('nothing can be written any more: the error says the run is left RUNNING and how it gets marked', async () => {
    const { dir, store } = await setup();
    const putRun = store.putRun.bind(store);
    store.putRun = async (record: RunRecord) => {
      if (record.status !== 'RUNNING') throw Object.assign(enospc(), { path: join(dir, '.mlci', 'runs') });
      return putRun(record);
    };
    const error = await train(base(dir, store)).catch((e) => e);
    expect(error).toBeInstanceOf(MlciError);
    expect(error.message).toMatch(/left RUNNING; a later mlci command on this machine marks it abandoned/);
  });

  it('a bug (not a file-system error) still ends the run FAILED, and reaches the user as the bug it is', async () => {
    const { dir, store } = await setup();
    store.putBlob = async () => {
      throw new TypeError('boom');
    };
    const error = await train(base(dir, store)).catch((e) => e);
    expect(error).toBeInstanceOf(TypeError);
    const [run] = await store.listRuns();
    expect(run.status).toBe('FAILED');
    expect(run.tags['mlci.error']).toBe('internal error: boom');
  });

  it('a store that cannot take the RUNNING record: refused before the command runs', async () => {
    const { dir, store } = await setup();
    store.putRun = async () => {
      throw Object.assign(new Error('EROFS: read-only file system, open'), {
        code: 'EROFS',
        path: join(dir, '.mlci', 'runs', 'x', '.run.json.tmp'),
      });
    };
    const marker = join(dir, 'ran');
    const error = await train({ ...base(dir, store), command: ['touch', marker] }).catch((e) => e);
    expect(error).toBeInstanceOf(MlciError);
    expect(error.describe()).toMatch(/recording run [0-9a-f]{32}: read-only file system\n  hint: .* read-only mount/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });
});
