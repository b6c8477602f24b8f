import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalStore } from '@mlci/store';
import { datasetReleaseTag, fetchDatasetFromRelease, publishDatasetsToRelease } from '@mlci/store/github';
import type { RunRecord } from '@mlci/store';
import type { Emulator } from '../github-emulator/index';
import { useEmulator } from './emulator-setup';
import { runAction } from '../harness/runner';
import { runCli } from '../harness/cli';

const emulatorOf = useEmulator();
let emulator: Emulator;
beforeAll(() => {
  emulator = emulatorOf();
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const repo = () => ({ owner: emulator.state.owner, repo: emulator.state.repo, baseUrl: emulator.url, paceWrites: false });
const newStore = () => new LocalStore({ root: mkdtempSync(join(tmpdir(), 'mlci-store-')) });
/** Just the part of a run record the publisher reads. */
const runWith = (hashes: string[]) =>
  ({ lineage: { datasets: hashes.map((h, i) => ({ path: `d${i}.csv`, sha256: h, snapshot: true })) } }) as unknown as RunRecord;

describe('datasets as release assets', () => {
  it('stores each dataset once on its own published release, and fetches it back verified', async () => {
    const store = newStore();
    const a = await store.putBlob({ bytes: 'a,b\n1,2\n' });
    const b = await store.putBlob({ bytes: 'c\n3\n4\n' });
    const first = await publishDatasetsToRelease(runWith([a.sha256, b.sha256, a.sha256]), store, { token: 'ghs_test_write', ...repo() });
    expect(first).toEqual({ uploaded: [a.sha256, b.sha256], existing: [] });
    const again = await publishDatasetsToRelease(runWith([a.sha256, b.sha256]), store, { token: 'ghs_test_write', ...repo() });
    expect(again).toEqual({ uploaded: [], existing: [a.sha256, b.sha256] });
    const ours = emulator.state.releases.filter((r) => r.tag_name.startsWith('mlci-data-'));
    expect(ours.map((r) => [r.tag_name, r.draft])).toEqual([
      [datasetReleaseTag(a.sha256), false],
      [datasetReleaseTag(b.sha256), false],
    ]);
    expect(emulator.state.assets.filter((x) => ours.some((r) => r.id === x.releaseId)).map((x) => x.name)).toEqual([a.sha256, b.sha256]);
    expect(ours[0].body).toContain(a.sha256);

    const elsewhere = newStore();
    expect(await fetchDatasetFromRelease(elsewhere, { token: 'ghs_test_read', ...repo(), sha256: a.sha256 })).toEqual({
      sha256: a.sha256,
      size: 8,
    });
    expect(Buffer.from(await elsewhere.getBlob(a.sha256)).toString()).toBe('a,b\n1,2\n');
    expect(emulator.conformance).toEqual([]);
  });

  it('refuses a tampered asset and stores nothing', async () => {
    const store = newStore();
    const c = await store.putBlob({ bytes: 'genuine\n' });
    await publishDatasetsToRelease(runWith([c.sha256]), store, { token: 'ghs_test_write', ...repo() });
    const asset = emulator.state.assets.find((x) => x.name === c.sha256)!;
    emulator.state.blobs.set(asset.blob, Buffer.from('forged!\n'));
    const elsewhere = newStore();
    await expect(fetchDatasetFromRelease(elsewhere, { token: 'ghs_test_read', ...repo(), sha256: c.sha256 })).rejects.toThrow(/hash to/);
    expect(await elsewhere.hasBlob(c.sha256)).toBe(false);
    expect(await elsewhere.hasBlob(sha('forged!\n'))).toBe(false);
    await expect(fetchDatasetFromRelease(elsewhere, { token: 'ghs_test_read', ...repo(), sha256: sha('never stored') })).rejects.toThrow(
      /no release/,
    );
    expect(emulator.conformance).toEqual([]);
  });

  it('train-and-log with snapshot: release keeps the dataset beyond artifact retention', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    const text = 'kept,for\ngood,1\n';
    writeFileSync(join(workspace, 'data.csv'), text);
    writeFileSync(join(workspace, 'train.mjs'), `console.log('trained')\n`);
    const inputs = {
      command: `["${process.execPath}", "train.mjs"]`,
      data: 'data.csv',
      snapshot: 'release',
      'system-metrics-interval': '0',
    };
    const env = { ...emulator.jobEnv(), MLCI_GITHUB_PACE_WRITES: 'false' };
    const first = await runAction('train-and-log', { workspace, env, inputs });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.outputs['datasets-released']).toBe('1');
    expect(first.outputs['datasets-uploaded']).toBe('1');
    const second = await runAction('train-and-log', { workspace, env: { ...emulator.jobEnv(), MLCI_GITHUB_PACE_WRITES: 'false' }, inputs });
    expect(second.exitCode, second.stdout + second.stderr).toBe(0);
    expect(second.outputs['datasets-released']).toBe('0');
    expect(second.outputs['datasets-uploaded']).toBe('0');

    // The artifact expires; `mlci data get --github` falls back to the release asset.
    const hash = sha(text);
    emulator.state.artifacts = emulator.state.artifacts.filter((x) => x.name !== `mlci-data-${hash}`);
    const cliEnv = {
      GITHUB_API_URL: emulator.url,
      GITHUB_REPOSITORY: `${emulator.state.owner}/${emulator.state.repo}`,
      GITHUB_TOKEN: 'ghs_test_read',
      MLCI_GITHUB_PACE_WRITES: 'false',
    };
    const elsewhere = mkdtempSync(join(tmpdir(), 'mlci-elsewhere-'));
    const got = await runCli(['data', 'get', hash, '--to', 'restored', '--github', '--json'], { cwd: elsewhere, env: cliEnv });
    expect(got.exitCode, got.stderr).toBe(0);
    expect(readFileSync(join(elsewhere, 'restored', hash), 'utf8')).toBe(text);

    const missing = await runCli(['data', 'get', sha('nowhere'), '--to', 'restored', '--github'], { cwd: elsewhere, env: cliEnv });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/no live artifact.*no release/);

    const bad = await runAction('train-and-log', { workspace, env, inputs: { ...inputs, snapshot: 'sometimes' } });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/snapshot.*must be true, false or release/);
    expect(bad.stdout + bad.stderr).not.toMatch(/internal error/);
    expect(emulator.conformance).toEqual([]);
  });
});
