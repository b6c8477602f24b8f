/**
 * A 422 when a draft version is published. Only GitHub's "the tag is taken" (errors[].code already_exists on
 * tag_name) means the version already exists; any other 422 is reported as GitHub words it, no other version
 * number is tried, and (publishRelease's one failure rule) the draft is deleted, so the rerun takes the same number.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AliasConflictError, VersionExistsError, getChampion, promote } from '@mlci/registry';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { newCommit, registryOn } from './emulator';
import { freshProject, recordRun } from './fixtures';

let gh: Emulator;
beforeEach(async () => {
  gh = await startEmulator();
});
afterEach(async () => {
  try {
    expect(gh.conformance).toEqual([]);
  } finally {
    await gh.stop();
  }
});

const PUBLISH = { method: 'PATCH', path: /\/releases\/\d+$/ };
const tagRefs = () => [...gh.state.refs.keys()].filter((k) => k.startsWith('refs/tags/'));
const creates = () => gh.requests.filter((r) => r.method === 'POST' && r.operationId === 'repos/create-release').length;

describe('publishing a version: a 422 is not always "already exists"', () => {
  it("a commit GitHub does not know (422 when its version tag is made): GitHub's error, no draft, no retry; after the push the rerun takes the same version", async () => {
    const { store } = await freshProject();
    const registry = registryOn(gh);
    const unknown = 'ab'.repeat(20); // trained at a commit that was never pushed
    const run = await recordRun(store, { content: 'unpushed', accuracy: 0.5, commit: unknown });
    const error = await promote({ registry, store, name: 'iris', run: run.id }).catch((e) => e);
    expect(error).not.toBeInstanceOf(VersionExistsError);
    expect(error.message).not.toMatch(/already exists/);
    // The version tag (annotated, GTO's shape) is made before the release: GitHub refuses its object.
    expect(error.message).toMatch(
      /could not publish iris@v0\.1\.0 on octo-org\/octo-repo: GitHub answered HTTP 422: Object does not exist/,
    );
    expect(error.message).toMatch(/nothing was published, no alias moved/);
    expect(error.hint).toMatch(/does not know the commit.*abababababab.*push it/);
    expect(error.kind).toBe('remote');
    // No draft made; no second version number was tried.
    expect(creates()).toBe(0);
    expect(gh.requests.filter((r) => r.operationId === 'git/create-tag').map((r) => r.status)).toEqual([422]);
    expect(gh.state.releases).toEqual([]);
    expect(gh.state.assets).toEqual([]);
    expect(tagRefs()).toEqual([]);
    expect(await getChampion(registry, 'iris')).toBeNull();
    // The commit is pushed (it becomes known): the rerun publishes v0.1.0, not v0.2.0.
    gh.state.commits.set(unknown, { ...gh.state.commits.get(gh.state.branchSha('main')!)!, sha: unknown });
    expect((await promote({ registry, store, name: 'iris', run: run.id })).version).toBe('0.1.0');
    expect(gh.state.releases.map((r) => [r.tag_name, r.draft])).toEqual([['iris@v0.1.0', false]]);
  });

  it("a 422 without errors (e.g. a repository rule): GitHub's message, the draft deleted", async () => {
    const { store } = await freshProject();
    const registry = registryOn(gh);
    const run = await recordRun(store, { content: 'ruled', accuracy: 0.5, commit: newCommit(gh, 'ruled') });
    gh.faults.add({ ...PUBLISH, status: 422, message: 'Repository rule violations found' });
    const error = await promote({ registry, store, name: 'iris', run: run.id, version: '1.0.0' }).catch((e) => e);
    expect(error).not.toBeInstanceOf(VersionExistsError);
    expect(error.message).toMatch(
      /could not publish iris@v1\.0\.0: GitHub answered HTTP 422: Repository rule violations found, request id \S+; the draft was deleted/,
    );
    expect(gh.state.releases).toEqual([]);
  });

  it('the tag taken by someone else between the check and the publish (422 already_exists): version exists, our draft deleted', async () => {
    const { store } = await freshProject();
    const registry = registryOn(gh);
    const run = await recordRun(store, { content: 'late', accuracy: 0.5, commit: newCommit(gh, 'late') });
    const other = newCommit(gh, 'other');
    // Just before our publish, another writer publishes iris@v1.0.0.
    gh.faults.beforeNext({ method: 'PATCH', path: PUBLISH.path }, () => {
      gh.state.releases.push({
        ...structuredClone(gh.state.releases[0]!),
        id: gh.state.nextId(),
        target_commitish: other,
        draft: false,
        published_at: new Date().toISOString(),
        immutable: true,
      });
      gh.state.refs.set('refs/tags/iris@v1.0.0', other);
    });
    const error = await promote({ registry, store, name: 'iris', run: run.id, version: '1.0.0' }).catch((e) => e);
    expect(error).toBeInstanceOf(VersionExistsError);
    expect(error).not.toBeInstanceOf(AliasConflictError);
    expect(gh.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([422]);
    expect(
      gh.state.releases.filter((r) => r.draft),
      'our useless draft was deleted',
    ).toEqual([]);
  });
});
