/**
 * The real @actions/artifact 6.1 client against the emulator's results service: upload (Twirp create, Azure
 * block upload, finalize), list, download by id; the artifact then shows in the REST list of its run and
 * downloads there as the same zip.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulator, type Emulator } from './index';

let gh: Emulator;
const saved = { ...process.env };

beforeAll(async () => {
  gh = await startEmulator();
});
afterAll(async () => {
  process.env = saved;
  vi.restoreAllMocks();
  await gh.stop();
});

describe('Actions artifact service', () => {
  it('round-trips files through the real client and shows them in the REST run artifacts', async () => {
    const run = gh.state.workflowRuns.at(-1);
    const env = gh.jobEnv(run);
    const workspace = mkdtempSync(join(tmpdir(), 'artifact-ws-'));
    Object.assign(process.env, env, { GITHUB_WORKSPACE: workspace, RUNNER_TEMP: workspace, ACTIONS_ARTIFACT_UPLOAD_CONCURRENCY: '2' });
    mkdirSync(join(workspace, 'out/nested'), { recursive: true });
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    writeFileSync(join(workspace, 'out/metrics.json'), '{"accuracy":0.97}');
    writeFileSync(join(workspace, 'out/nested/model.bin'), big);

    // @actions/core writes its ::debug:: commands to stdout; keep the test output readable.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const client = new DefaultArtifactClient();
    const uploaded = await client.uploadArtifact(
      'mlci-run',
      [join(workspace, 'out/metrics.json'), join(workspace, 'out/nested/model.bin')],
      join(workspace, 'out'),
    );
    expect(uploaded.id).toBeGreaterThan(0);
    const again = await client
      .uploadArtifact('mlci-run', [join(workspace, 'out/metrics.json')], join(workspace, 'out'))
      .catch((e: Error) => e);
    expect(String(again)).toMatch(/already exists/);

    const { artifacts } = await client.listArtifacts();
    expect(artifacts.map((a) => [a.id, a.name])).toEqual([[uploaded.id, 'mlci-run']]);
    expect(artifacts[0]!.digest).toBe(`sha256:${uploaded.digest}`);

    const into = join(workspace, 'downloaded');
    const got = await client.downloadArtifact(uploaded.id!, { path: into });
    expect(got.digestMismatch).toBe(false);
    expect(readFileSync(join(into, 'metrics.json'), 'utf8')).toBe('{"accuracy":0.97}');
    expect(readFileSync(join(into, 'nested/model.bin')).equals(big)).toBe(true);

    // REST side: the run lists it, and the zip downloads through the 302 to the blob.
    const octokit = new Octokit({ auth: 'ghs_test_read', baseUrl: gh.url, log: { debug() {}, info() {}, warn() {}, error() {} } });
    const runId = Number(env.GITHUB_RUN_ID);
    const listed = (await octokit.actions.listWorkflowRunArtifacts({ owner: 'octo-org', repo: 'octo-repo', run_id: runId })).data;
    expect(listed.artifacts.map((a) => [a.id, a.name, a.size_in_bytes])).toEqual([[uploaded.id, 'mlci-run', uploaded.size]]);
    const zip = Buffer.from(
      (await octokit.actions.downloadArtifact({ owner: 'octo-org', repo: 'octo-repo', artifact_id: uploaded.id!, archive_format: 'zip' }))
        .data as ArrayBuffer,
    );
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(zip.length).toBe(uploaded.size);

    await client.deleteArtifact('mlci-run');
    expect((await client.listArtifacts()).artifacts).toEqual([]);
    expect(gh.conformance).toEqual([]);
    // The client really used Azure's block upload, not a shortcut.
    expect(gh.requests.some((q) => q.method === 'PUT' && q.query.comp === 'blocklist')).toBe(true);
  }, 30_000);
});
