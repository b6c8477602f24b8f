/** push / openPullRequest / pushTag / mergePullRequest / publishRelease: the state they leave, as the REST routes show it. */
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZERO_SHA, changedPaths, commitsBetween, pullRequestPaths, startEmulator, type Emulator } from './index';

let gh: Emulator;
let octokit: Octokit;
const r = { owner: 'octo-org', repo: 'octo-repo' };

beforeEach(async () => {
  gh = await startEmulator({ state: { pulls: [], files: ['params.yaml', 'train.py'] } });
  octokit = new Octokit({ auth: 'ghs_test_write', baseUrl: gh.url });
});
afterEach(async () => {
  expect(gh.conformance).toEqual([]);
  await gh.stop();
});

describe('push', () => {
  it('adds a commit on the branch head, moves the ref, records before/after and the changed paths', async () => {
    const root = gh.state.branchSha('main')!;
    const c = gh.push('main', { message: 'Tune epochs', files: ['params.yaml', 'data/extra.csv'] });
    expect(c.parents).toEqual([root]);
    expect(gh.state.branchSha('main')).toBe(c.sha);
    expect(c.changes).toEqual({ added: ['data/extra.csv'], modified: ['params.yaml'], removed: [] });
    expect(gh.state.pushes.at(-1)).toEqual({ ref: 'refs/heads/main', before: root, after: c.sha });
    const rest = (await octokit.repos.getCommit({ ...r, ref: 'main' })).data;
    expect(rest.sha).toBe(c.sha);
    expect(rest.files!.map((f) => [f.filename, f.status])).toEqual([
      ['data/extra.csv', 'added'],
      ['params.yaml', 'modified'],
    ]);
    expect((await octokit.git.getCommit({ ...r, commit_sha: c.sha })).data.tree.sha).toBe(c.tree);
  });

  it('creates a missing branch from the default branch (before is the zero sha) and removes files given as null', () => {
    const main = gh.state.branchSha('main')!;
    const c = gh.push('feature', { message: 'Drop the script', files: { 'train.py': null, 'model.py': 'print(1)' } });
    expect(c.parents).toEqual([main]);
    expect(c.changes).toEqual({ added: ['model.py'], modified: [], removed: ['train.py'] });
    expect(Object.keys(c.entries!).sort()).toEqual(['model.py', 'params.yaml']);
    expect(gh.state.pushes.at(-1)).toEqual({ ref: 'refs/heads/feature', before: ZERO_SHA, after: c.sha });
  });

  it('the same content gives the same tree; different content a different one', () => {
    const a = gh.push('a', { message: 'x', files: { 'f.txt': 'one' } });
    const b = gh.push('b', { message: 'y', files: { 'f.txt': 'one' } });
    const c = gh.push('c', { message: 'z', files: { 'f.txt': 'two' } });
    expect(a.sha).not.toBe(b.sha);
    expect(a.tree).toBe(b.tree);
    expect(c.tree).not.toBe(a.tree);
  });
});

describe('pull requests', () => {
  it('open with the next number and branch-head shas; a push to the head branch moves headSha', async () => {
    await octokit.issues.create({ ...r, title: 'an issue takes #1' });
    const first = gh.push('feature', { message: 'Work', files: ['train.py'] });
    const pr = gh.openPullRequest({ head: 'feature', title: 'More epochs' });
    expect(pr.number).toBe(2);
    expect(pr.pull).toMatchObject({ head: 'feature', base: 'main', headSha: first.sha, baseSha: gh.state.branchSha('main') });
    const second = gh.push('feature', { message: 'More work', files: ['params.yaml'] });
    expect(pr.pull!.headSha).toBe(second.sha);
    const rest = (await octokit.pulls.get({ ...r, pull_number: 2 })).data;
    expect([rest.head.sha, rest.commits, rest.changed_files, rest.merged]).toEqual([second.sha, 2, 2, false]);
    expect(pullRequestPaths(gh.state, 2)).toEqual(['params.yaml', 'train.py']);
  });

  it('changed paths leave out what the base already has, even after the base moved on', () => {
    gh.push('feature', { message: 'Work', files: ['train.py'] });
    const pr = gh.openPullRequest({ head: 'feature', title: 't' });
    gh.push('main', { message: 'Elsewhere', files: ['README.md'] });
    expect(pr.pull!.baseSha).toBe(gh.state.branchSha('main'));
    expect(pullRequestPaths(gh.state, pr.number)).toEqual(['train.py']);
  });

  it('refuses a missing head branch and a second open PR for the same branches', () => {
    expect(() => gh.openPullRequest({ head: 'nope', title: 't' })).toThrow(/no branch nope/);
    gh.push('feature', { message: 'Work' });
    gh.openPullRequest({ head: 'feature', title: 't' });
    expect(() => gh.openPullRequest({ head: 'feature', title: 'again' })).toThrow(/already exists/);
  });

  it('merge: a merge commit on the base with both heads as parents, the PR closed as merged', async () => {
    const root = gh.state.branchSha('main')!;
    const work = gh.push('feature', { message: 'Work', files: { 'train.py': 'v2' } });
    const pr = gh.openPullRequest({ head: 'feature', title: 't' });
    const merge = gh.mergePullRequest(pr.number);
    expect(merge.parents).toEqual([root, work.sha]);
    expect(merge.changes).toEqual({ added: [], modified: ['train.py'], removed: [] });
    expect(merge.entries!['train.py']).toBe(work.entries!['train.py']);
    expect(gh.state.branchSha('main')).toBe(merge.sha);
    expect(gh.state.pushes.at(-1)).toEqual({ ref: 'refs/heads/main', before: root, after: merge.sha });
    const rest = (await octokit.pulls.get({ ...r, pull_number: pr.number })).data;
    expect([rest.state, rest.merged, rest.merge_commit_sha, rest.head.sha]).toEqual(['closed', true, merge.sha, work.sha]);
    expect(() => gh.mergePullRequest(pr.number)).toThrow(/not open/);
    expect(changedPaths(gh.state, merge.sha, root)).toEqual(['train.py']);
  });

  it('update: closing stops the PR following its branch', () => {
    gh.push('feature', { message: 'Work' });
    const pr = gh.openPullRequest({ head: 'feature', title: 't' });
    gh.updatePullRequest(pr.number, { state: 'closed', title: 'closed now' });
    const before = pr.pull!.headSha;
    gh.push('feature', { message: 'After closing' });
    expect([pr.state, pr.title, pr.pull!.headSha]).toEqual(['closed', 'closed now', before]);
    gh.updatePullRequest(pr.number, { state: 'open' });
    expect(pr.pull!.headSha).toBe(gh.state.branchSha('feature'));
  });
});

describe('tags and releases', () => {
  it('a lightweight tag is a ref to the commit; an annotated one a tag object the ref points at', async () => {
    const c = gh.push('main', { message: 'Release me', files: ['params.yaml'] });
    expect(gh.pushTag('light', 'main')).toEqual({ ref: 'refs/tags/light', sha: c.sha, commit: c.sha });
    const annotated = gh.pushTag('iris-classifier@v1.0.0', c.sha, { annotated: true, message: 'first version' });
    expect(annotated.sha).not.toBe(c.sha);
    expect(annotated.commit).toBe(c.sha);
    const ref = (await octokit.git.getRef({ ...r, ref: 'tags/iris-classifier@v1.0.0' })).data;
    expect(ref.object).toMatchObject({ type: 'tag', sha: annotated.sha });
    const tag = (await octokit.git.getTag({ ...r, tag_sha: annotated.sha })).data;
    expect([tag.tag, tag.message, tag.object.sha]).toEqual(['iris-classifier@v1.0.0', 'first version', c.sha]);
    expect((await octokit.repos.getCommit({ ...r, ref: 'iris-classifier@v1.0.0' })).data.sha).toBe(c.sha);
    expect(gh.state.pushes.at(-1)).toEqual({ ref: 'refs/tags/iris-classifier@v1.0.0', before: ZERO_SHA, after: annotated.sha });
    expect(() => gh.pushTag('light', c.sha)).toThrow(/already exists/);
    expect(() => gh.pushTag('t', 'nope')).toThrow(/no commit or branch/);
  });

  it('publishRelease creates the tag at the target and the release is served as published', async () => {
    const c = gh.push('main', { message: 'v2' });
    const release = gh.publishRelease({ tag: 'iris-classifier@v2.0.0' });
    expect(gh.state.refs.get('refs/tags/iris-classifier@v2.0.0')).toBe(c.sha);
    const rest = (await octokit.repos.getReleaseByTag({ ...r, tag: 'iris-classifier@v2.0.0' })).data;
    expect([rest.id, rest.draft, rest.immutable]).toEqual([release.id, false, true]);
  });
});

describe('commitsBetween', () => {
  it('lists the commits of head not in base, oldest first, through merges', () => {
    const root = gh.state.branchSha('main')!;
    const a = gh.push('feature', { message: 'a' });
    const b = gh.push('main', { message: 'b' });
    const c = gh.push('feature', { message: 'c' });
    const pr = gh.openPullRequest({ head: 'feature', title: 't' });
    const m = gh.mergePullRequest(pr.number);
    expect(commitsBetween(gh.state, b.sha, m.sha).map((x) => x.message)).toEqual(['a', 'c', m.message]);
    expect(commitsBetween(gh.state, ZERO_SHA, c.sha).map((x) => x.sha)).toEqual([root, a.sha, c.sha]);
  });
});
