/**
 * A folder dataset leaving a job: train-and-log with `data: <folder>` and `snapshot: true` uploads one
 * mlci-data-<manifest sha256> artifact (manifest + blobs/<sha256>), once per repository; elsewhere
 * `mlci data get SHA256 --github` (no local run needed) brings the folder back, every file verified.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeDirectory } from '@mlci/store';
import type { Emulator } from '../github-emulator/index';
import { useEmulator } from './emulator-setup';
import { runAction } from '../harness/runner';
import { runCli } from '../harness/cli';

const emulatorOf = useEmulator();
let emulator: Emulator;
beforeAll(() => {
  emulator = emulatorOf();
});

describe('folder datasets as workflow artifacts', () => {
  it('uploads a snapshotted folder once and restores it elsewhere by its manifest hash, verified', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-ws-'));
    mkdirSync(join(workspace, 'shards', 'part'), { recursive: true });
    writeFileSync(join(workspace, 'shards', 'a.csv'), 'x\n1\n');
    writeFileSync(join(workspace, 'shards', 'part', 'b.csv'), 'x\n2\n');
    writeFileSync(join(workspace, 'shards', 'part', 'copy.csv'), 'x\n1\n'); // same bytes as a.csv: one blob
    writeFileSync(join(workspace, 'train.mjs'), `console.log('trained')\n`);
    const inputs = { command: `["${process.execPath}", "train.mjs"]`, data: 'shards', snapshot: 'true', 'system-metrics-interval': '0' };
    const first = await runAction('train-and-log', { workspace, env: emulator.jobEnv(), inputs });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.outputs['datasets-uploaded']).toBe('1');
    const second = await runAction('train-and-log', { workspace, env: emulator.jobEnv(), inputs });
    expect(second.outputs['datasets-uploaded']).toBe('0');
    const { sha256 } = await describeDirectory(join(workspace, 'shards'));
    const names = emulator.state.artifacts.map((a) => a.name).filter((n) => n.startsWith('mlci-data-'));
    expect(names).toEqual([`mlci-data-${sha256}`]);
    expect(emulator.conformance).toEqual([]);

    const elsewhere = mkdtempSync(join(tmpdir(), 'mlci-elsewhere-'));
    const env = { GITHUB_API_URL: emulator.url, GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_TOKEN: 'ghs_test_read' };
    const without = await runCli(['data', 'get', sha256, '--to', 'restored'], { cwd: elsewhere, env });
    expect(without.exitCode).toBe(2);
    const got = await runCli(['data', 'get', sha256, '--to', 'restored', '--github', '--json'], { cwd: elsewhere, env });
    expect(got.exitCode, got.stderr).toBe(0);
    // @actions/artifact prints ::debug:: lines on stdout before the one JSON document.
    expect(JSON.parse(got.stdout.slice(got.stdout.search(/^\{/m)))).toMatchObject({ sha256, files: 3 });
    expect(readFileSync(join(elsewhere, 'restored', sha256, 'part', 'copy.csv'), 'utf8')).toBe('x\n1\n');
    expect((await describeDirectory(join(elsewhere, 'restored', sha256))).sha256).toBe(sha256);
    expect(emulator.conformance).toEqual([]);
  });
});
