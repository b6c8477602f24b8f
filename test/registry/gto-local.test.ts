/**
 * The local registry in a GTO repository (a laptop): models registered by `gto register` / `gto assign` alone are
 * read from the project's git tags (one `git for-each-ref`), listed and shown as `gto show` shows them; writes to
 * them are refused with the way to make them. A model with local records keeps them and ignores tags.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '@mlci/store';
import { jsonOf, runCli } from '../harness/cli';
import { recordRun } from './fixtures';

const run = promisify(execFile);
const missing = (() => {
  try {
    execFileSync('gto', ['--version'], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `gto is not installed (${(error as Error).message.split('\n')[0]}); scripts/setup.sh installs it`;
  }
})();
if (missing) console.warn(`skipping the local GTO test: ${missing}`);

const git = async (dir: string, args: string[]) => (await run('git', args, { cwd: dir })).stdout.trim();

describe.skipIf(missing !== null)('local registry in a GTO repository', () => {
  it('lists and shows what gto show shows; promote and rollback of a GTO model are refused with the way to do them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlci-gto-local-'));
    await git(dir, ['init', '-q', '-b', 'main']);
    await git(dir, ['config', 'user.email', 'ml@example.com']);
    await git(dir, ['config', 'user.name', 'ML Engineer']);
    await writeFile(join(dir, '.gitignore'), '.mlci/\n');
    const commits: string[] = [];
    for (const i of [1, 2]) {
      await writeFile(join(dir, 'model.txt'), `model ${i}\n`);
      await git(dir, ['add', '.']);
      await git(dir, ['commit', '-q', '-m', `train ${i}`]);
      commits.push(await git(dir, ['rev-parse', 'HEAD']));
    }
    const gto = async (args: string[]) => {
      // Each tag its own second (git dates have one-second resolution; GTO misorders a tie, see gto.test.ts).
      const start = Math.floor(Date.now() / 1000);
      while (Math.floor(Date.now() / 1000) <= start) await new Promise((r) => setTimeout(r, 50));
      return run('gto', args, { cwd: dir });
    };
    await gto(['register', 'iris', commits[0]!]); // v0.0.1
    await gto(['register', 'iris', commits[1]!, '--bump-minor']); // v0.1.0
    await gto(['assign', 'iris', '--version', 'v0.0.1', '--stage', 'prod']);
    await gto(['assign', 'iris', '--version', 'v0.1.0', '--stage', 'prod']);
    // A model with local records in the same project (run outside git lineage): untouched by the tags.
    const store = new LocalStore({ root: join(dir, '.mlci') });
    const local = await recordRun(store, { content: 'local-model', accuracy: 0.9 });
    const mlci = (args: string[]) => runCli(['models', ...args, '--project', dir, '--json']);
    expect((await mlci(['promote', 'wine', '--run', local.id])).exitCode).toBe(0);

    const gtoShow = JSON.parse((await gto(['show', '--json'])).stdout);
    expect(gtoShow).toEqual({ iris: { version: 'v0.1.0', stage: { prod: 'v0.1.0' }, registered: true, active: true } });
    const listed = await mlci(['list']);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(
      jsonOf(listed).map((m: { name: string; aliases: object; versions: Array<{ version: string; source: string }> }) => [
        m.name,
        m.aliases,
        m.versions.map((v) => `${v.version}:${v.source}`),
      ]),
    ).toEqual([
      ['iris', { prod: '0.1.0' }, ['0.0.1:gto', '0.1.0:gto']],
      ['wine', { champion: '0.1.0' }, ['0.1.0:mlci']],
    ]);
    const shown = await mlci(['show', 'iris@prod']);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(jsonOf(shown)).toMatchObject({ version: '0.1.0', tag: 'iris@v0.1.0', commit: commits[1], source: 'gto', backend: 'local' });

    const trained = await recordRun(store, { content: 'iris-local', accuracy: 0.8, commit: commits[1] });
    for (const args of [
      ['promote', 'iris', '--run', trained.id, '--alias', 'prod'],
      ['rollback', 'iris', '--alias', 'prod'],
    ]) {
      const refused = await mlci(args);
      expect(refused.exitCode, args.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(
        /iris's registry is GTO's tags in the git repository .*; the local registry reads them but does not write tags/,
      );
      expect(refused.stderr).toMatch(/hint: promote with --github/);
    }
    // Nothing was written: the tags and GTO's view are as before.
    expect((await git(dir, ['tag', '--list'])).split('\n').sort()).toEqual(['iris#prod#1', 'iris#prod#2', 'iris@v0.0.1', 'iris@v0.1.0']);
  }, 240_000);
});
