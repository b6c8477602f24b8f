/**
 * Issue #6's proof path on the shared GitHub emulator, through the shells users run: `mlci models … --github`
 * promotes run A (champion = A), the next pull request's compare-to-champion compares with A; promoting B moves
 * the champion and the same candidate is now compared with B; a rollback brings A back, and so does the
 * comparison. getChampion (what compare-to-champion calls) is checked in-process at each step too.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { getChampion } from '@mlci/registry';
import { startEmulator } from '../github-emulator/index';
import { jsonOf, runCli } from '../harness/cli';
import { runAction } from '../harness/runner';
import { newCommit, registryEnv, registryOn } from './emulator';
import { freshProject, recordRun } from './fixtures';

describe('promote → champion → comparison → rollback, on the GitHub emulator', () => {
  it('the comparison follows the champion the CLI moves, and a rollback restores it', async () => {
    const gh = await startEmulator();
    try {
      const { dir, store } = await freshProject();
      const a = await recordRun(store, { content: 'proof-A', accuracy: 0.8, commit: newCommit(gh, 'merge PR #1') });
      const b = await recordRun(store, { content: 'proof-B', accuracy: 0.9, commit: newCommit(gh, 'merge PR #2') });
      const candidate = await recordRun(store, { content: 'proof-C', accuracy: 0.85, commit: newCommit(gh, 'PR #3') });
      const env = registryEnv(gh);
      const models = async (...args: string[]) => {
        const run = await runCli(['models', ...args, '--github', '--project', dir, '--json'], { env });
        expect(run.exitCode, run.stderr).toBe(0);
        return jsonOf(run);
      };
      // The next pull request's comparison: candidate C against the registry champion, accuracy gated.
      const compare = async () => {
        const run = await runAction('compare-to-champion', {
          workspace: dir,
          env,
          inputs: {
            run: candidate.id,
            model: 'iris',
            baseline: 'champion',
            registry: 'github',
            thresholds: 'accuracy: higher',
            'github-token': 'ghs_test_write',
            comment: 'false',
          },
        });
        const result = JSON.parse(await readFile(run.outputs['result-file']!, 'utf8'));
        return {
          verdict: run.outputs.verdict,
          exitCode: run.exitCode,
          baseline: result.baseline,
          accuracy: result.metrics.find((m: { key: string }) => m.key === 'accuracy'),
        };
      };
      const champion = () => getChampion(registryOn(gh, 'ghs_test_read'), 'iris');

      expect(await models('promote', 'iris', '--run', a.id)).toMatchObject({
        version: '0.1.0',
        alias: 'champion',
        previous: null,
        runId: a.id,
      });
      expect(await models('show', 'iris@champion')).toMatchObject({ version: '0.1.0', runId: a.id, metrics: { accuracy: 0.8 } });
      expect(await champion()).toMatchObject({ version: '0.1.0', runId: a.id, metrics: { accuracy: 0.8 } });
      const first = await compare();
      expect(first).toMatchObject({
        verdict: 'pass',
        exitCode: 0,
        baseline: { source: 'champion', id: a.id },
        accuracy: { baseline: 0.8, candidate: 0.85, verdict: 'improved' },
      });

      expect(await models('promote', 'iris', '--run', b.id)).toMatchObject({ version: '0.2.0', previous: '0.1.0', runId: b.id });
      expect(await champion()).toMatchObject({ version: '0.2.0', runId: b.id, metrics: { accuracy: 0.9 } });
      const second = await compare();
      expect(second).toMatchObject({
        verdict: 'fail',
        exitCode: 1,
        baseline: { source: 'champion', id: b.id },
        accuracy: { baseline: 0.9, candidate: 0.85 },
      });

      expect(await models('rollback', 'iris', '--alias', 'champion')).toMatchObject({ version: '0.1.0', previous: '0.2.0' });
      expect(await models('show', 'iris@champion')).toMatchObject({ version: '0.1.0', runId: a.id, metrics: { accuracy: 0.8 } });
      expect(await champion()).toMatchObject({ version: '0.1.0', runId: a.id, metrics: { accuracy: 0.8 } });
      expect(await compare()).toMatchObject({
        verdict: 'pass',
        exitCode: 0,
        baseline: { source: 'champion', id: a.id },
        accuracy: { baseline: 0.8 },
      });

      // What is on GitHub: two immutable releases, three GTO assignment tags, nothing GitHub would reject.
      expect(gh.state.releases.map((r) => [r.tag_name, r.draft, r.immutable])).toEqual([
        ['iris@v0.1.0', false, true],
        ['iris@v0.2.0', false, true],
      ]);
      expect([...gh.state.refs.keys()].filter((k) => k.includes('#champion#')).sort()).toEqual([
        'refs/tags/iris#champion#1',
        'refs/tags/iris#champion#2',
        'refs/tags/iris#champion#3',
      ]);
      expect(gh.conformance).toEqual([]);
    } finally {
      await gh.stop();
    }
  });
});
