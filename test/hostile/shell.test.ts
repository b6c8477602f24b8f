/**
 * Hostile rows of the shell layer (issue #12): remote failures are remote errors (exit 3, the HTTP status in the
 * message, never "internal error"), a symbolic link in a downloaded artifact is refused at once, and a failed
 * GitHub promotion leaves nothing that makes the rerun skip a version. Each runs the real `mlci` (or the
 * bundled action) against the GitHub emulator.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addArtifact, addWorkflowRun, startEmulator, type Emulator } from '../github-emulator/index';
import { runAction } from '../harness/runner';
import { failNth, newCommit, registryEnv } from '../registry/emulator';
import { freshProject, recordRun } from '../registry/fixtures';
import { record, seedStore } from '../report/fixtures-runs';
import { expectCleanRefusal, expectNoCrash, filesUnder, runMlci } from './harness';

let gh: Emulator;
beforeAll(async () => {
  gh = await startEmulator();
});
afterAll(() => gh?.stop());

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

/** A zip of stored entries; `symlink` entries carry the Unix S_IFLNK mode as `zip -y` writes them. */
function zipOf(entries: Array<{ name: string; data: string; symlink?: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = Buffer.from(e.data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(10, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.symlink ? 0o120777 : 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('shell layer: hostile rows', () => {
  it('mlci data get --github with a bad token: exit 3, HTTP 401 named with a hint, no "internal error"', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mlci-hostile-token-'));
    const sha = sha256('never stored');
    const run = await runMlci(['data', 'get', sha, '--to', 'restored', '--github'], { cwd, env: { ...registryEnv(gh, 'ghs_revoked') } });
    expectCleanRefusal(run, { exit: 3, names: [/HTTP 401/, 'Bad credentials', 'GET /repos/octo-org/octo-repo/actions/artifacts'] });
    expect(await filesUnder(join(cwd, 'restored'))).toEqual([]);
  });

  it('a symbolic link in an artifact zip: refused at once naming the artifact and the entry (no 25 s of retries), nothing written', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mlci-hostile-symlink-'));
    const sha = sha256('linked dataset');
    const wr = addWorkflowRun(gh.state, { status: 'completed', conclusion: 'success' });
    addArtifact(gh.state, wr.id, `mlci-data-${sha}`, zipOf([{ name: sha, data: '/etc/passwd', symlink: true }]));
    const started = Date.now();
    const run = await runMlci(['data', 'get', sha, '--to', 'restored', '--github'], { cwd, env: { ...registryEnv(gh, 'ghs_test_read') }, ceilingMs: 20_000 });
    expectCleanRefusal(run, { exit: 2, names: [`artifact mlci-data-${sha}`, `entry "${sha}" is a symbolic link`] });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await filesUnder(cwd)).toEqual([]);
  });

  it('an artifact entry climbing out of its directory (../) is refused the same way, nothing written outside', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mlci-hostile-slip-'));
    const sha = sha256('slipped dataset');
    const wr = addWorkflowRun(gh.state, { status: 'completed', conclusion: 'success' });
    addArtifact(gh.state, wr.id, `mlci-data-${sha}`, zipOf([{ name: `../../${sha}`, data: 'x' }]));
    const run = await runMlci(['data', 'get', sha, '--to', 'restored', '--github'], { cwd, env: { ...registryEnv(gh, 'ghs_test_read') }, ceilingMs: 20_000 });
    expectCleanRefusal(run, { exit: 2, names: [`artifact mlci-data-${sha}`, `entry "../../${sha}"`] });
    expect(await filesUnder(cwd)).toEqual([]);
  });

  it('a failed GitHub promotion (an upload answered 500): exit 3 with the status, and the rerun publishes the same version', async () => {
    const { dir, store } = await freshProject();
    const run = await recordRun(store, { content: 'hostile-promote', accuracy: 0.5, commit: newCommit(gh, 'hostile promote') });
    const versions = () => gh.state.releases.filter((r) => r.tag_name.startsWith('iris@')).map((r) => [r.tag_name, r.draft]);
    failNth(gh, { method: 'POST', path: /\/releases\/\d+\/assets$/ }, 3, { status: 500 });
    const failed = await runMlci(['models', 'promote', 'iris', '--run', run.id, '--github', '--project', dir], { cwd: dir, env: registryEnv(gh) });
    expectCleanRefusal(failed, { exit: 3, names: [/could not upload \S+ to iris@v0\.1\.0: GitHub answered HTTP 500/, 'the draft was deleted'] });
    expect(versions()).toEqual([]);
    const rerun = await runMlci(['models', 'promote', 'iris', '--run', run.id, '--github', '--project', dir, '--json'], { cwd: dir, env: registryEnv(gh) });
    expectNoCrash(rerun);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ version: '0.1.0' });
    expect(versions()).toEqual([['iris@v0.1.0', false]]);
  });

  it('the sticky comment failing after retries (502 on every write): a remote error with the status, not a bug', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'mlci-hostile-sticky-'));
    const temp = await mkdtemp(join(tmpdir(), 'mlci-hostile-sticky-rt-'));
    const base = record('base', { accuracy: [0.9] });
    const cand = record('cand', { accuracy: [0.92] });
    await seedStore(workspace, [{ run: base }, { run: cand }]);
    await mkdir(join(temp, 'mlci', 'results'), { recursive: true });
    await writeFile(join(temp, 'mlci', 'results', 'train.json'), JSON.stringify(cand));
    gh.faults.add({ method: 'POST', path: '/repos/octo-org/octo-repo/issues/1/comments', status: 502, times: Infinity });
    try {
      const result = await runAction('compare-to-champion', {
        workspace,
        inputs: { baseline: base.id, 'github-token': 'ghs_test_write' },
        event: { pull_request: { number: 1, head: { sha: '0123456789abcdef0123456789abcdef01234567' } } },
        env: { RUNNER_TEMP: temp, GITHUB_API_URL: gh.url, MLCI_GITHUB_PACE_WRITES: 'false' },
      });
      const text = result.stdout + result.stderr;
      expect(result.exitCode, text).toBe(1);
      expect(text).toMatch(/mlci: error: GitHub POST \/repos\/octo-org\/octo-repo\/issues\/1\/comments failed: GitHub answered HTTP 502/);
      expect(text).toMatch(/hint: GitHub failed or could not be reached/);
      expect(text).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
    } finally {
      gh.faults.clear();
    }
  });
});
