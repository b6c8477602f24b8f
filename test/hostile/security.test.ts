/**
 * The hostile-input corpus, rows 1–4 of issue #12 (the security holes and the names that hung a run), replayed
 * through the `mlci` bin as a user runs it. Each package keeps its own regression test beside these:
 * test/report/compare-registry, test/store/unsafe-run-paths, packages/data/src/pattern, test/tracking/hostile-names.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../github-emulator/index';
import { newCommit, registryEnv } from '../registry/emulator';
import { freshProject, recordRun } from '../registry/fixtures';
import { expectCleanRefusal, expectNoCrash, expectNoRunningRun, runMlci } from './harness';

describe('hostile inputs: security rows', () => {
  it('row 1: the champion gate fails closed: GitHub answering 503, or a revoked token, is exit 3, never "no champion yet"', async () => {
    const gh = await startEmulator();
    try {
      const { dir, store } = await freshProject();
      const champion = await recordRun(store, { content: 'hostile-A', accuracy: 0.889, commit: newCommit(gh, 'main') });
      const candidate = await recordRun(store, { content: 'hostile-C', accuracy: 0.5, commit: newCommit(gh, 'PR') });
      const env = { ...registryEnv(gh), MLCI_GITHUB_PACE_WRITES: 'false' };
      const promoted = await runMlci(['models', 'promote', 'iris', '--run', champion.id, '--github', '--project', dir], { env });
      expect(promoted.exitCode, promoted.stderr).toBe(0);
      const compare = [
        'compare',
        candidate.id,
        '--baseline',
        'champion',
        '--model',
        'iris',
        '--metric',
        'accuracy:higher',
        '--registry',
        'github',
      ];
      gh.faults.add({ path: /\/git\/(matching-refs|refs)\//, status: 503, times: Infinity });
      const down = await runMlci(compare, { cwd: dir, env });
      gh.faults.clear();
      expectCleanRefusal(down, { exit: 3, names: [/HTTP 503/] });
      expect(down.stderr).not.toMatch(/no champion yet/);
      const revoked = await runMlci(compare, { cwd: dir, env: { ...env, GITHUB_TOKEN: 'ghs_revoked' } });
      expectCleanRefusal(revoked, { exit: 3, names: [/HTTP 401/] });
      // A baseline the user named that does not resolve is bad input, not a pass.
      expectCleanRefusal(await runMlci(['compare', candidate.id, '--baseline', 'zzzz'], { cwd: dir, env }), { exit: 2, names: ['zzzz'] });
    } finally {
      await gh.stop();
    }
  }, 180_000);

  it('row 2: a run record whose artifact path climbs out (model/../../…) is refused by serve, nothing written outside', async () => {
    const { dir, store } = await freshProject();
    const run = await recordRun(store, { content: 'traversal', accuracy: 0.5 });
    const file = join(dir, '.mlci/runs', run.id, 'run.json');
    const target = join(tmpdir(), `RUN_PWNED_${process.pid}_${Date.now()}.txt`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"model/model.pkl"', `"model/../../../../../../../..${target}"`));
    const served = await runMlci(['serve', run.id, '--port', '0'], { cwd: dir, ceilingMs: 60_000 });
    expectCleanRefusal(served, { exit: 2, names: ['..'] });
    expect(existsSync(target)).toBe(false);
  }, 120_000);

  it('row 3: a schema pattern (a+)+$ against a 41-character value ends at once (RE2, linear time)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-hostile-redos-'));
    writeFileSync(join(dir, 'data.csv'), `name\n${'a'.repeat(40)}!\n`);
    writeFileSync(
      join(dir, 'schema.json'),
      JSON.stringify({ fields: [{ name: 'name', type: 'string', constraints: { pattern: '(a+)+$' } }] }),
    );
    const run = await runMlci(['validate', 'data.csv', '--schema', 'schema.json'], { cwd: dir, ceilingMs: 30_000 });
    expectNoCrash(run);
    expect(run.exitCode).toBe(1); // the value does not match: a violation, reported, in linear time
    expect(run.stdout + run.stderr).toMatch(/pattern/);
  });

  it('row 4: metric and param names that are Object members are ordinary names; the run ends FINISHED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-hostile-proto-'));
    writeFileSync(join(dir, 'params.yaml'), 'constructor: 1\n__proto__: 2\n');
    const script = 'import json; json.dump({"constructor": 1, "toString": 2, "__proto__": 3}, open("metrics.json", "w"))';
    const run = await runMlci(['train', '--json', '--', 'python3', '-c', script], { cwd: dir });
    expectNoCrash(run);
    expect(run.exitCode, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record.status).toBe('FINISHED');
    for (const name of ['constructor', 'toString', '__proto__']) expect(Object.hasOwn(record.metrics, name), name).toBe(true);
    await expectNoRunningRun(dir);
  }, 120_000);
});
