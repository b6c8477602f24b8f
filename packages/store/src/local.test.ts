import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalStore } from './local';
import type { RunRecord } from './run-record';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const fresh = async () => new LocalStore({ root: join(await mkdtemp(join(tmpdir(), 'mlci-store-')), '.mlci') });

function run(id: string, startTime: number, over: Partial<RunRecord> = {}): RunRecord {
  return {
    schema: 1,
    id,
    name: `run-${startTime}`,
    experiment: 'Default',
    status: 'FINISHED',
    startTime,
    endTime: startTime + 1,
    exitCode: 0,
    command: ['true'],
    params: {},
    metrics: {},
    tags: {},
    artifacts: [],
    lineage: {
      git: { commit: null, branch: null, dirty: false },
      datasets: [],
      environment: { node: 'v20', python: null, platform: 'linux-x64', lockFiles: [], pipFreeze: null },
    },
    ...over,
  };
}

describe('LocalStore blobs', () => {
  it('stores bytes and files by SHA-256 once, in the documented layout, and reads them back verified', async () => {
    const store = await fresh();
    const a = await store.putBlob({ bytes: 'hello' });
    expect(a).toEqual({ sha256: sha('hello'), size: 5, existed: false });
    const file = join(store.root, '..', 'data.bin');
    await writeFile(file, 'hello');
    expect(await store.putBlob({ path: file })).toEqual({ sha256: sha('hello'), size: 5, existed: true });
    expect(store.blobPath(a.sha256)).toBe(join(store.root, 'blobs', 'sha256', a.sha256.slice(0, 2), a.sha256.slice(2)));
    expect(Buffer.from(await store.getBlob(a.sha256)).toString()).toBe('hello');
    expect(await store.hasBlob(a.sha256)).toBe(true);
    expect(await store.hasBlob(sha('other'))).toBe(false);
    // no temp files left behind
    expect(await readdir(join(store.root, 'blobs', 'incoming'))).toEqual([]);
    const big = Buffer.alloc(3_000_000, 7);
    await writeFile(file, big);
    const b = await store.putBlob({ path: file });
    expect(b.sha256).toBe(sha(big));
    const dest = join(store.root, '..', 'out', 'nested', 'copy.bin');
    await store.restoreBlob(b.sha256, dest);
    expect((await readFile(dest)).equals(big)).toBe(true);
  });

  it('refuses a tampered blob with a clear error and never writes the restore target', async () => {
    const store = await fresh();
    const { sha256 } = await store.putBlob({ bytes: 'genuine' });
    await writeFile(store.blobPath(sha256), 'forged!');
    await expect(store.getBlob(sha256)).rejects.toThrow(/tampered/);
    const dest = join(store.root, '..', 'restored.txt');
    await expect(store.restoreBlob(sha256, dest)).rejects.toThrow(/hash to/);
    await expect(readFile(dest)).rejects.toThrow(/ENOENT/);
    await expect(store.getBlob(sha('absent'))).rejects.toThrow(/no blob/);
    await expect(store.getBlob('../../etc/passwd')).rejects.toThrow(/not a SHA-256/);
  });
});

describe('LocalStore runs', () => {
  it('lists newest first, finds by id, prefix or name, and keeps ended runs immutable', async () => {
    const store = await fresh();
    expect(await store.listRuns()).toEqual([]);
    const ids = ['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)];
    await store.putRun(run(ids[0], 1000));
    await store.putRun(run(ids[1], 3000, { experiment: 'x' }));
    await store.putRun(run(ids[2], 2000, { status: 'RUNNING' }));
    await store.putRun(run(ids[2], 2000, { status: 'FAILED', exitCode: 3 }));
    expect((await store.listRuns()).map((r) => r.id)).toEqual([ids[1], ids[2], ids[0]]);
    expect((await store.listRuns({ experiment: 'x' })).map((r) => r.id)).toEqual([ids[1]]);
    expect((await store.listRuns({ limit: 1 })).map((r) => r.id)).toEqual([ids[1]]);
    expect((await store.getRun('cccc')).status).toBe('FAILED');
    expect((await store.getRun('run-1000')).id).toBe(ids[0]);
    await expect(store.getRun('nope')).rejects.toThrow(/no run "nope"/);
    await expect(store.putRun(run(ids[0], 1000))).rejects.toThrow(/immutable/);
    const onDisk = JSON.parse(await readFile(join(store.root, 'runs', ids[0], 'run.json'), 'utf8'));
    expect(onDisk.id).toBe(ids[0]);
  });
});

describe('LocalStore run checks', () => {
  it('adds mlci.* check results beside an ended run, merged into what getRun returns, run.json untouched', async () => {
    const store = await fresh();
    const id = 'd'.repeat(32);
    await store.putRun(run(id, 1000, { tags: { owner: 'me' } }));
    const before = await readFile(join(store.root, 'runs', id, 'run.json'), 'utf8');
    await store.annotateRun(id, { 'mlci.gate.overfit-gate': 'pass' });
    await store.annotateRun(id, { 'mlci.gate.compare-to-champion': 'fail' });
    expect((await store.getRun(id)).tags).toEqual({
      owner: 'me',
      'mlci.gate.overfit-gate': 'pass',
      'mlci.gate.compare-to-champion': 'fail',
    });
    expect((await store.listRuns())[0].tags['mlci.gate.overfit-gate']).toBe('pass');
    expect(await readFile(join(store.root, 'runs', id, 'run.json'), 'utf8')).toBe(before);
    await expect(store.annotateRun(id, { owner: 'someone else' })).rejects.toThrow(/only mlci\.\* tags/);
    await expect(store.annotateRun('e'.repeat(32), { 'mlci.gate.x': 'pass' })).rejects.toThrow();
  });
});

describe('LocalStore run records from untrusted sources', () => {
  const unsafe = ['model/../../../../tmp/RUN_PWNED.txt', '/etc/passwd', 'model\\..\\x', 'model//x', './model/x', 'C:/x', ''];

  it('refuses to store a record whose artifact paths could escape a directory, naming the path', async () => {
    const store = await fresh();
    const blob = await store.putBlob({ bytes: 'pwned' });
    for (const path of unsafe) {
      const id = sha(path).slice(0, 32);
      await expect(store.putRun(run(id, 1, { artifacts: [{ path, sha256: blob.sha256, size: 5 }] }))).rejects.toMatchObject({
        kind: 'input',
        message: expect.stringContaining(`unsafe artifact path ${JSON.stringify(path)}`),
      });
      await expect(store.getRun(id)).rejects.toThrow();
    }
    await store.putRun(run('a'.repeat(32), 1, { artifacts: [{ path: 'model/MLmodel', sha256: blob.sha256, size: 5 }] }));
  });

  it('refuses a record edited on disk to name such a path, when it is read', async () => {
    const store = await fresh();
    const id = 'b'.repeat(32);
    await store.putRun(run(id, 1, { artifacts: [{ path: 'model/MLmodel', sha256: sha('x'), size: 1 }] }));
    const file = join(store.root, 'runs', id, 'run.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('model/MLmodel', 'model/../../../outside.txt'));
    await expect(store.getRun(id)).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringContaining('unsafe artifact path "model/../../../outside.txt"'),
    });
  });
});
