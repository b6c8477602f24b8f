/**
 * A 422 when a draft version is published. Only GitHub's "the tag is taken" (errors[].code already_exists on
 * tag_name) means the version already exists; any other 422 is reported as GitHub words it, the draft stays
 * (it is ours, with verified assets, and nothing says it is useless) and no other version number is tried.
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
  it('a commit GitHub does not know (422 invalid target_commitish): GitHub\'s error, the draft kept, no retry', async () => {
    const { store } = await freshProject();
    const registry = registryOn(gh);
    const unknown = 'ab'.repeat(20); // trained at a commit that was never pushed
    const run = await recordRun(store, { content: 'unpushed', accuracy: 0.5, commit: unknown });
    const error = await promote({ registry, store, name: 'iris', run: run.id }).catch((e) => e);
    expect(error).not.toBeInstanceOf(VersionExistsError);
    expect(error.message).not.toMatch(/already exists/);
    expect(error.message).toMatch(/GitHub refused to publish iris@v0\.1\.0 \(HTTP 422\): Validation Failed: Release\.target_commitish invalid/);
    expect(error.message).toMatch(/stays a draft \(id \d+\) and no alias moved/);
    expect(error.hint).toMatch(/does not know the commit.*abababababab.*push it/);
    expect(error.kind).toBe('remote');
    // One draft, still there with its assets; no second version number was tried.
    expect(creates()).toBe(1);
    expect(gh.state.releases.map((r) => [r.tag_name, r.draft])).toEqual([['iris@v0.1.0', true]]);
    expect(gh.state.assets.filter((a) => a.releaseId === gh.state.releases[0]!.id)).toHaveLength(6);
    expect(gh.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(tagRefs()).toEqual([]);
    expect(await getChampion(registry, 'iris')).toBeNull();
  });

  it('a 422 without errors (e.g. a repository rule): GitHub\'s message, the draft kept', async () => {
    const { store } = await freshProject();
    const registry = registryOn(gh);
    const run = await recordRun(store, { content: 'ruled', accuracy: 0.5, commit: newCommit(gh, 'ruled') });
    gh.faults.add({ ...PUBLISH, status: 422, message: 'Repository rule violations found' });
    const error = await promote({ registry, store, name: 'iris', run: run.id, version: '1.0.0' }).catch((e) => e);
    expect(error).not.toBeInstanceOf(VersionExistsError);
    expect(error.message).toMatch(/GitHub refused to publish iris@v1\.0\.0 \(HTTP 422\): Repository rule violations found; the release stays a draft/);
    expect(gh.state.releases.map((r) => [r.tag_name, r.draft])).toEqual([['iris@v1.0.0', true]]);
    expect(gh.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('the tag taken by someone else between the check and the publish (422 already_exists): version exists, our draft deleted', async () => {
    const { store } = await freshProject();
    const registry = registryOn(gh);
    const run = await recordRun(store, { content: 'late', accuracy: 0.5, commit: newCommit(gh, 'late') });
    const other = newCommit(gh, 'other');
    // Just before our publish, another writer publishes iris@v1.0.0.
    gh.faults.beforeNext({ method: 'PATCH', path: PUBLISH.path }, () => {
      gh.state.releases.push({ ...structuredClone(gh.state.releases[0]!), id: gh.state.nextId(), target_commitish: other, draft: false, published_at: new Date().toISOString(), immutable: true });
      gh.state.refs.set('refs/tags/iris@v1.0.0', other);
    });
    const error = await promote({ registry, store, name: 'iris', run: run.id, version: '1.0.0' }).catch((e) => e);
    expect(error).toBeInstanceOf(VersionExistsError);
    expect(error).not.toBeInstanceOf(AliasConflictError);
    expect(gh.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([422]);
    expect(gh.state.releases.filter((r) => r.draft), 'our useless draft was deleted').toEqual([]);
  });
});
