/**
 * GTO and mlci read each other's registry, checked with the real `gto` CLI (pinned in
 * scripts/python-constraints.txt) in a real git repository:
 * - mlci writes (GitHubRegistry on the emulator, whose commits are the real repository's), the emulator's tags
 *   are mirrored into the git repository as `git push` would bring them, and `gto show` / `gto history` say
 *   the same versions, stages and latest as `mlci models list/show`;
 * - `gto register` / `gto assign` / `gto deprecate` (unassign a stage, deregister a version, deprecate) write, the tags are
 *   pushed into the emulator, and `mlci models list/show/promote/rollback --github` agree with `gto show`, and
 *   after mlci's writes are mirrored back, gto agrees with mlci again.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listModels, promote, rollback, showVersion } from '@mlci/registry';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { jsonOf, runCli } from '../harness/cli';
import { registryEnv, registryOn } from './emulator';
import { freshProject, recordRun } from './fixtures';

const run = promisify(execFile);

function gtoInstalled(): string | null {
  try {
    execFileSync('gto', ['--version'], { encoding: 'utf8', stdio: 'pipe' });
    return null;
  } catch (error) {
    return `gto is not installed (${(error as Error).message.split('\n')[0]}); scripts/setup.sh installs it`;
  }
}
const missing = gtoInstalled();
if (missing) console.warn(`skipping the GTO tests: ${missing}`);

/** `gto ARGS` in `repo`; its stdout parsed as JSON. */
async function gto(repo: string, args: string[]): Promise<any> {
  const { stdout } = await run('gto', args, { cwd: repo, maxBuffer: 16 << 20 });
  return JSON.parse(stdout);
}
/**
 * Resolves once the clock has moved to a later whole second: git tag dates have one-second resolution and GTO
 * misorders a tie (see the tie test), so each write that GTO must order gets a second of its own.
 */
async function nextSecond(): Promise<void> {
  const start = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) <= start) await new Promise((r) => setTimeout(r, 50));
}

const git = async (repo: string, args: string[], env: Record<string, string> = {}) =>
  (await run('git', args, { cwd: repo, env: { ...process.env, ...env } })).stdout.trim();

/** A git repository with `n` commits; their shas, oldest first. */
async function gitRepo(n: number): Promise<{ dir: string; commits: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'mlci-gto-'));
  await git(dir, ['init', '-q', '-b', 'main']);
  await git(dir, ['config', 'user.email', 'ml@example.com']);
  await git(dir, ['config', 'user.name', 'ML Engineer']);
  const commits: string[] = [];
  for (let i = 1; i <= n; i++) {
    await writeFile(join(dir, 'model.txt'), `model ${i}\n`);
    await git(dir, ['add', 'model.txt']);
    await git(dir, ['commit', '-q', '-m', `train ${i}`]);
    commits.push(await git(dir, ['rev-parse', 'HEAD']));
  }
  return { dir, commits };
}

/** The repository's commits become the emulator's (as `git push` of main would make them), main at the last. */
function pushCommits(gh: Emulator, repo: { commits: string[] }): void {
  repo.commits.forEach((sha, i) => {
    gh.state.commits.set(sha, {
      sha,
      message: `train ${i + 1}`,
      parents: i ? [repo.commits[i - 1]!] : [],
      tree: sha.split('').reverse().join(''),
      date: new Date().toISOString(),
    });
  });
  gh.state.refs.set(`refs/heads/${gh.state.defaultBranch}`, repo.commits.at(-1)!);
}

/** `git fetch --tags` from the emulator: each of its tags made in the git repository, annotated ones with the same tagger, date and message. */
async function fetchTags(gh: Emulator, repo: string): Promise<void> {
  const have = new Set((await git(repo, ['tag', '--list'])).split('\n').filter(Boolean));
  for (const [ref, sha] of gh.state.refs) {
    if (!ref.startsWith('refs/tags/')) continue;
    const name = ref.slice('refs/tags/'.length);
    if (have.has(name)) continue;
    const object = gh.state.tagObjects.get(sha);
    if (!object) {
      await git(repo, ['tag', name, sha]);
      continue;
    }
    const file = join(repo, '.git', 'TAG_MESSAGE');
    await writeFile(file, object.message);
    await git(repo, ['tag', '-a', '--cleanup=verbatim', '-F', file, name, object.object.sha], {
      GIT_COMMITTER_DATE: object.date,
      GIT_COMMITTER_NAME: object.tagger.name,
      GIT_COMMITTER_EMAIL: object.tagger.email,
    });
  }
}

/** `git push --tags` to the emulator: each tag of the git repository made there, annotated ones as tag objects. */
async function pushTags(gh: Emulator, repo: string): Promise<void> {
  const lines = await git(repo, [
    'for-each-ref',
    'refs/tags',
    '--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(taggername)%00%(taggeremail:trim)%00%(taggerdate:iso-strict)',
  ]);
  for (const line of lines.split('\n').filter(Boolean)) {
    const [name, type, sha, peeled, tagger, email, date] = line.split('\0') as string[];
    if (gh.state.refs.has(`refs/tags/${name}`)) continue;
    if (type === 'tag') {
      const message = await git(repo, ['cat-file', '-p', sha]).then((raw) => raw.slice(raw.indexOf('\n\n') + 2));
      gh.state.tagObjects.set(sha, {
        sha,
        tag: name,
        message,
        object: { sha: peeled, type: 'commit' },
        date: new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        tagger: { name: tagger, email },
      });
    }
    gh.state.refs.set(`refs/tags/${name}`, sha);
  }
}

/** `gto show --json` reduced to what both tools state: latest version and stage holders per model. */
async function gtoShow(repo: string): Promise<Record<string, { latest: string; stages: Record<string, string> }>> {
  const shown = await gto(repo, ['show', '--json']);
  return Object.fromEntries(
    Object.entries(shown as Record<string, { version: string; stage: Record<string, string> }>).map(([name, m]) => [
      name,
      { latest: m.version, stages: m.stage },
    ]),
  );
}

/** `mlci models list --json` reduced the same way. */
function mlciShow(listed: Array<{ name: string; aliases: Record<string, string>; versions: Array<{ version: string }> }>) {
  return Object.fromEntries(
    listed.map((m) => [
      m.name,
      {
        latest: `v${m.versions.at(-1)!.version}`,
        stages: Object.fromEntries(Object.entries(m.aliases).map(([a, v]) => [a, `v${v}`])),
      },
    ]),
  );
}

let gh: Emulator;
beforeEach(async () => {
  gh = await startEmulator();
});
afterEach(async () => {
  vi.useRealTimers();
  try {
    expect(gh.conformance).toEqual([]);
  } finally {
    await gh.stop();
  }
});

describe.skipIf(missing !== null)('GTO reads what mlci writes', () => {
  it('versions are annotated GTO registrations and aliases GTO stages: gto show and gto history say what mlci says', async () => {
    const repo = await gitRepo(3);
    pushCommits(gh, repo);
    const { store } = await freshProject();
    const registry = registryOn(gh);
    const runs = await Promise.all(
      repo.commits.map((commit, i) => recordRun(store, { content: `gto-${i}`, accuracy: 0.7 + i / 10, commit })),
    );
    // The emulator's clock (tagger dates) set per step: GTO orders by the second, so each step gets its own.
    vi.useFakeTimers({ toFake: ['Date'] });
    const base = Math.ceil(Date.now() / 60_000) * 60_000; // the next whole minute: near now, so no timer computed from Date overflows
    const at = (s: number) => vi.setSystemTime(new Date(base + s * 1000));
    at(0);
    await promote({ registry, store, name: 'iris', run: runs[0]!.id }); // v0.1.0, champion #1
    at(10);
    await promote({ registry, store, name: 'iris', run: runs[1]!.id }); // v0.2.0, champion #2
    at(20);
    await promote({ registry, store, name: 'iris', run: runs[2]!.id, alias: 'staging' }); // v0.3.0, staging #1
    at(30);
    await rollback({ registry, name: 'iris' }); // champion #3 -> v0.1.0
    vi.useRealTimers();

    await fetchTags(gh, repo.dir);
    const expected = { iris: { latest: 'v0.3.0', stages: { champion: 'v0.1.0', staging: 'v0.3.0' } } };
    expect(mlciShow(await listModels(registry))).toEqual(expected);
    expect(await gtoShow(repo.dir)).toEqual(expected);

    // GTO sees three registered versions, at the runs' commits, with GTO's own message.
    const versions = (await gto(repo.dir, ['show', 'iris', '--json'])) as Array<{
      version: string;
      commit_hexsha: string;
      stages: Array<{ stage: string }>;
    }>;
    expect(versions.map((v) => [v.version, v.commit_hexsha, v.stages.map((s) => s.stage).sort()])).toEqual([
      ['v0.3.0', repo.commits[2], ['staging']],
      ['v0.2.0', repo.commits[1], []], // its champion assignment is still in effect, but the newest one (v0.1.0's) holds
      ['v0.1.0', repo.commits[0], ['champion']],
    ]);
    const history = (await gto(repo.dir, ['history', 'iris', '--json', '--ascending'])) as Array<{
      event: string;
      version: string;
      stage: string | null;
      ref: string;
      timestamp: string;
      message: string;
    }>;
    expect(history.map((e) => [e.event, e.version, e.stage, e.ref])).toEqual([
      ['registration', 'v0.1.0', null, 'iris@v0.1.0'],
      ['assignment', 'v0.1.0', 'champion', 'iris#champion#1'],
      ['registration', 'v0.2.0', null, 'iris@v0.2.0'],
      ['assignment', 'v0.2.0', 'champion', 'iris#champion#2'],
      ['registration', 'v0.3.0', null, 'iris@v0.3.0'],
      ['assignment', 'v0.3.0', 'staging', 'iris#staging#1'],
      ['assignment', 'v0.1.0', 'champion', 'iris#champion#3'],
    ]);
    expect(history[0]!.message).toBe('Registering artifact iris version v0.1.0');
    expect(history[0]!.timestamp).toBe(new Date(base).toISOString().replace('.000Z', '+00:00'));
    // mlci's record follows GTO's first line; GTO keeps the whole message and is not disturbed by it.
    expect(history[6]!.message).toMatch(
      /^Assigning stage champion to artifact iris version v0\.1\.0\n\n\{"schema":1,.*"action":"rollback"/s,
    );
    // mlci reads the same tags back (the one registry on GitHub): champion's three events, in order.
    const shown = await showVersion(registry, 'iris@champion');
    expect(shown).toMatchObject({ version: '0.1.0', runId: runs[0]!.id, source: 'mlci' });
  }, 600_000);

  it('two assignments in one second: mlci orders them by N, GTO (sorting by the second alone) shows the older one', async () => {
    const repo = await gitRepo(2);
    pushCommits(gh, repo);
    const { store } = await freshProject();
    const registry = registryOn(gh);
    const a = await recordRun(store, { content: 'tie-a', accuracy: 0.7, commit: repo.commits[0] });
    const b = await recordRun(store, { content: 'tie-b', accuracy: 0.8, commit: repo.commits[1] });
    vi.useFakeTimers({ toFake: ['Date'] });
    const second = Math.ceil(Date.now() / 60_000) * 60_000;
    vi.setSystemTime(new Date(second));
    await promote({ registry, store, name: 'iris', run: a.id });
    await promote({ registry, store, name: 'iris', run: b.id });
    vi.useRealTimers();
    await fetchTags(gh, repo.dir);
    const dates = await git(repo.dir, ['for-each-ref', 'refs/tags/iris#*', '--format=%(refname:strip=2) %(taggerdate:unix)']);
    expect(dates.split('\n')).toEqual([`iris#champion#1 ${second / 1000}`, `iris#champion#2 ${second / 1000}`]);
    expect(mlciShow(await listModels(registry))).toEqual({ iris: { latest: 'v0.2.0', stages: { champion: 'v0.2.0' } } });
    // GTO 1.10.1 leaves the tie in version order and takes the lower version: the promotion #2 made is lost on it.
    expect(await gtoShow(repo.dir)).toEqual({ iris: { latest: 'v0.2.0', stages: { champion: 'v0.1.0' } } });
  }, 600_000);
});

describe.skipIf(missing !== null)('mlci reads what GTO writes', () => {
  it('gto register/assign/deprecate, then mlci models list/show/promote/rollback agree with gto show', async () => {
    const repo = await gitRepo(3);
    const [c1, c2, c3] = repo.commits as [string, string, string];
    pushCommits(gh, repo);
    const { dir, store } = await freshProject();
    const env = registryEnv(gh);
    const gtoWrite = async (cwd: string, args: string[]) => {
      await nextSecond();
      await run('gto', args, { cwd });
    };
    const mlci = async (args: string[]) => {
      if (args[0] === 'promote' || args[0] === 'rollback') await nextSecond();
      const result = await runCli(['models', ...args, '--github', '--project', dir, '--json'], { env });
      return { ...result, json: result.exitCode === 0 ? jsonOf(result) : null };
    };
    const agree = async () => {
      const listed = await mlci(['list']);
      expect(listed.exitCode, listed.stderr).toBe(0);
      const said = mlciShow(listed.json);
      expect(said).toEqual(await gtoShow(repo.dir));
      return said;
    };

    // GTO alone: two versions, prod assigned to each in turn, staging to the second.
    await gtoWrite(repo.dir, ['register', 'iris', c1]); // v0.0.1
    await gtoWrite(repo.dir, ['register', 'iris', c2, '--bump-minor']); // v0.1.0
    await gtoWrite(repo.dir, ['assign', 'iris', '--version', 'v0.0.1', '--stage', 'prod']); // iris#prod#1
    await gtoWrite(repo.dir, ['assign', 'iris', '--version', 'v0.1.0', '--stage', 'prod']); // iris#prod#2
    await gtoWrite(repo.dir, ['assign', 'iris', '--version', 'v0.1.0', '--stage', 'staging']); // iris#staging#3
    expect((await git(repo.dir, ['tag', '--list'])).split('\n').sort()).toEqual([
      'iris#prod#1',
      'iris#prod#2',
      'iris#staging#3',
      'iris@v0.0.1',
      'iris@v0.1.0',
    ]);
    await pushTags(gh, repo.dir);
    expect(await agree()).toEqual({ iris: { latest: 'v0.1.0', stages: { prod: 'v0.1.0', staging: 'v0.1.0' } } });
    // A release published by hand on GTO's tag (no card.json) leaves it GTO's version.
    gh.publishRelease({ tag: 'iris@v0.0.1', body: 'released by hand' });
    expect((await mlci(['show', 'iris@v0.0.1'])).json).toMatchObject({ version: '0.0.1', commit: c1, source: 'gto' });

    const shown = await mlci(['show', 'iris@prod']);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.json).toMatchObject({
      version: '0.1.0',
      tag: 'iris@v0.1.0',
      commit: c2,
      source: 'gto',
      assets: [],
      aliases: ['prod', 'staging'],
    });
    expect(shown.json.card.promotedBy).toBe('ML Engineer');
    const download = await runCli(['models', 'download', 'iris@prod', '--to', join(dir, 'dl'), '--github', '--project', dir], { env });
    expect(download.exitCode).toBe(2);
    expect(download.stderr).toMatch(/iris@v0\.1\.0 was registered by GTO \(a git tag, no release\)/);

    // mlci rolls prod back (GTO's prod#1 was v0.0.1) and promotes a run: GTO follows both.
    const back = await mlci(['rollback', 'iris', '--alias', 'prod']);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(back.json).toMatchObject({ version: '0.0.1', previous: '0.1.0' });
    expect(gh.state.refs.has('refs/tags/iris#prod#3')).toBe(true); // N after GTO's highest for prod
    await fetchTags(gh, repo.dir);
    expect(await agree()).toEqual({ iris: { latest: 'v0.1.0', stages: { prod: 'v0.0.1', staging: 'v0.1.0' } } });

    const trained = await recordRun(store, { content: 'after-gto', accuracy: 0.9, commit: c3 });
    const promoted = await mlci(['promote', 'iris', '--run', trained.id, '--alias', 'prod']);
    expect(promoted.exitCode, promoted.stderr).toBe(0);
    expect(promoted.json).toMatchObject({ version: '0.2.0', previous: '0.0.1', tag: 'iris@v0.2.0' }); // GTO's v0.1.0 bumped
    await fetchTags(gh, repo.dir);
    expect(await agree()).toEqual({ iris: { latest: 'v0.2.0', stages: { prod: 'v0.2.0', staging: 'v0.1.0' } } });

    // GTO's `!`: unassigning prod from v0.2.0 gives prod back to the newest still-assigned version (v0.0.1).
    await gtoWrite(repo.dir, ['deprecate', 'iris', 'v0.2.0', 'prod']);
    await pushTags(gh, repo.dir);
    expect(await agree()).toEqual({ iris: { latest: 'v0.2.0', stages: { prod: 'v0.0.1', staging: 'v0.1.0' } } });
    // Deregistering v0.0.1: prod falls back to v0.1.0, whose assignment (GTO's prod#2) was never undone.
    await gtoWrite(repo.dir, ['deprecate', 'iris', 'v0.0.1']);
    await pushTags(gh, repo.dir);
    expect(await agree()).toEqual({ iris: { latest: 'v0.2.0', stages: { prod: 'v0.1.0', staging: 'v0.1.0' } } });
    // Unassigning that too leaves prod with no holder: mlci says so, and refuses a rollback with the reason.
    await gtoWrite(repo.dir, ['deprecate', 'iris', 'v0.1.0', 'prod']);
    await pushTags(gh, repo.dir);
    expect(await agree()).toEqual({ iris: { latest: 'v0.2.0', stages: { staging: 'v0.1.0' } } });
    const noHolder = await mlci(['show', 'iris@prod']);
    expect(noHolder.exitCode).toBe(2);
    expect(noHolder.stderr).toMatch(/iris has no alias "prod"/);
    const refused = await mlci(['rollback', 'iris', '--alias', 'prod']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/iris@prod has no holder now \(iris#prod#\d+ left it unassigned\)/);
    // A promotion assigns it again, one past the highest N.
    const again = await mlci(['promote', 'iris', '--run', trained.id, '--alias', 'prod']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ version: '0.2.0', previous: null, reused: true });
    await fetchTags(gh, repo.dir);
    expect(await agree()).toEqual({ iris: { latest: 'v0.2.0', stages: { prod: 'v0.2.0', staging: 'v0.1.0' } } });
    // mlci's versions list leaves the deregistered one out, as `gto show iris` does.
    const versions = await gto(repo.dir, ['show', 'iris', '--json']);
    expect((versions as Array<{ version: string }>).map((v) => v.version)).toEqual(['v0.2.0', 'v0.1.0']);
    expect((await mlci(['list', 'iris'])).json[0].versions.map((v: { version: string }) => v.version)).toEqual(['0.1.0', '0.2.0']);

    // Deprecated: gone from both lists.
    await gtoWrite(repo.dir, ['deprecate', 'iris']);
    await pushTags(gh, repo.dir);
    expect(await agree()).toEqual({});
  }, 600_000);
});

describe('version tags mlci makes', () => {
  it("a run recorded outside git: the annotated version tag is made at the default branch's head", async () => {
    const { store } = await freshProject();
    const registry = registryOn(gh);
    const outside = await recordRun(store, { content: 'no-git', accuracy: 0.5 }); // lineage.git.commit null
    expect((await promote({ registry, store, name: 'iris', run: outside.id })).version).toBe('0.1.0');
    const object = gh.state.tagObjects.get(gh.state.refs.get('refs/tags/iris@v0.1.0')!);
    expect(object).toMatchObject({ message: 'Registering artifact iris version v0.1.0', object: { type: 'commit' } });
    expect(object!.object.sha).toBe(gh.state.branchSha(gh.state.defaultBranch));
    expect(gh.state.releases.map((r) => [r.tag_name, r.draft])).toEqual([['iris@v0.1.0', false]]);
  });
});
