/** `mlci compare --baseline champion --registry github` finds the champion on the GitHub emulator, not locally. */
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../github-emulator/index';
import { jsonOf, runCli } from '../harness/cli';
import { newCommit, registryEnv } from '../registry/emulator';
import { freshProject, recordRun } from '../registry/fixtures';

describe('mlci compare --registry github', () => {
  it('compares with the champion promoted on GitHub; the local registry has none', async () => {
    const gh = await startEmulator();
    try {
      const { dir, store } = await freshProject();
      const a = await recordRun(store, { content: 'cmp-A', accuracy: 0.9, commit: newCommit(gh, 'merge PR #1') });
      const c = await recordRun(store, { content: 'cmp-C', accuracy: 0.8, commit: newCommit(gh, 'PR #2') });
      const env = { ...registryEnv(gh), MLCI_GITHUB_PACE_WRITES: 'false' };
      const promote = await runCli(['models', 'promote', 'iris', '--run', a.id, '--github', '--project', dir, '--json'], { env });
      expect(promote.exitCode, promote.stderr).toBe(0);
      const args = ['compare', c.id, '--baseline', 'champion', '--model', 'iris', '--metric', 'accuracy:higher', '--json'];
      const remote = await runCli([...args, '--registry', 'github'], { cwd: dir, env });
      expect(remote.exitCode, remote.stderr).toBe(1); // accuracy fell 0.9 → 0.8 against the GitHub champion
      expect(jsonOf(remote)).toMatchObject({ baseline: { source: 'champion', id: a.id } });
      const local = await runCli(args, { cwd: dir, env });
      expect(JSON.stringify(jsonOf(local))).not.toContain(a.id);
      const bad = await runCli([...args, '--registry', 'gitlab'], { cwd: dir, env });
      expect(bad.exitCode).toBe(2);

      // A merge gate fails closed (issue #12): GitHub failing or a revoked token is exit 3, never "no champion yet".
      gh.faults.add({ path: /\/git\/(matching-refs|refs)\//, status: 503, times: Infinity });
      const down = await runCli([...args, '--registry', 'github'], { cwd: dir, env });
      gh.faults.clear();
      expect(down.exitCode, down.stderr).toBe(3);
      expect(down.stderr).toMatch(/HTTP 503/);
      expect(down.stderr).not.toMatch(/no champion yet/);
      const revoked = await runCli([...args, '--registry', 'github'], { cwd: dir, env: { ...env, GITHUB_TOKEN: 'ghs_revoked' } });
      expect(revoked.exitCode, revoked.stderr).toBe(3);
      expect(revoked.stderr).toMatch(/HTTP 401/);
      // A baseline named on the command line that does not resolve is bad input.
      expect((await runCli(['compare', c.id, '--baseline', 'zzzz'], { cwd: dir, env })).exitCode).toBe(2);
      const noModel = await runCli(['compare', c.id, '--baseline', 'champion'], { cwd: dir, env });
      expect(noModel.exitCode).toBe(2);
      expect(noModel.stderr).toContain('add --model NAME');
    } finally {
      await gh.stop();
    }
  });
});
