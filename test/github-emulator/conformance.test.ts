/**
 * Every operation the emulator serves, driven through octokit the way mlci calls it, with request and
 * response validation against GitHub's OpenAPI description on: no conformance failure may be recorded.
 */
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVED_OPERATIONS, addArtifact, addWorkflowRun, startEmulator, type Emulator } from './index';

let gh: Emulator;
let octokit: Octokit;
const r = { owner: 'octo-org', repo: 'octo-repo' };

beforeAll(async () => {
  gh = await startEmulator({
    state: {
      tokens: { ghs_test_write: { permission: 'write' }, ghp_octocat: { permission: 'write', login: 'octocat' } },
      branches: { topic: 'topic work' },
    },
  });
  octokit = new Octokit({ auth: 'ghs_test_write', baseUrl: gh.url });
});
afterAll(() => gh.stop());

describe('OpenAPI conformance of every served route', () => {
  it('answers every served operation as GitHub documents it', async () => {
    // Pull requests, issues, comments.
    const pr = (await octokit.pulls.get({ ...r, pull_number: 1 })).data;
    expect(pr.head.ref).toBe('feature');
    expect(pr.base.ref).toBe('main');
    expect((await octokit.pulls.list(r)).data.map((p) => p.number)).toEqual([1]);
    const issue = (await octokit.issues.create({ ...r, title: 'Data drift detected', body: 'psi 0.4', labels: ['drift'] })).data;
    expect(issue.number).toBe(2);
    expect((await octokit.issues.get({ ...r, issue_number: 2 })).data.title).toBe('Data drift detected');
    expect((await octokit.issues.listForRepo({ ...r, labels: 'drift' })).data.map((i) => i.number)).toEqual([2]);
    await octokit.issues.update({ ...r, issue_number: 2, state: 'closed' });
    expect((await octokit.issues.listForRepo({ ...r, state: 'closed' })).data.map((i) => i.number)).toEqual([2]);
    const comment = (await octokit.issues.createComment({ ...r, issue_number: 1, body: '<!-- mlci -->\nfirst' })).data;
    await octokit.issues.updateComment({ ...r, comment_id: comment.id, body: '<!-- mlci -->\nsecond' });
    expect((await octokit.issues.getComment({ ...r, comment_id: comment.id })).data.body).toBe('<!-- mlci -->\nsecond');
    expect((await octokit.issues.listComments({ ...r, issue_number: 1 })).data).toHaveLength(1);
    await octokit.issues.deleteComment({ ...r, comment_id: comment.id });
    expect((await octokit.issues.listComments({ ...r, issue_number: 1 })).data).toHaveLength(0);

    // Releases and assets.
    const draft = (await octokit.repos.createRelease({ ...r, tag_name: 'iris@v1.0.0', name: 'iris v1.0.0', draft: true })).data;
    expect(draft.draft).toBe(true);
    const asset = (
      await octokit.repos.uploadReleaseAsset({
        ...r,
        release_id: draft.id,
        url: draft.upload_url,
        name: 'model.json',
        data: '{"w":[1,2]}' as unknown as string,
        headers: { 'content-type': 'application/json' },
      })
    ).data;
    expect(asset.size).toBe(11);
    await octokit.repos.updateReleaseAsset({ ...r, asset_id: asset.id, label: 'the model' });
    const extra = (
      await octokit.repos.uploadReleaseAsset({
        ...r,
        release_id: draft.id,
        url: draft.upload_url,
        name: 'tmp.txt',
        data: 'x' as unknown as string,
        headers: { 'content-type': 'text/plain' },
      })
    ).data;
    await octokit.repos.deleteReleaseAsset({ ...r, asset_id: extra.id });
    expect((await octokit.repos.listReleaseAssets({ ...r, release_id: draft.id })).data.map((a) => a.name)).toEqual(['model.json']);
    const published = (await octokit.repos.updateRelease({ ...r, release_id: draft.id, draft: false })).data;
    expect(published.draft).toBe(false);
    expect(published.published_at).toBeTruthy();
    expect((await octokit.repos.getRelease({ ...r, release_id: draft.id })).data.tag_name).toBe('iris@v1.0.0');
    expect((await octokit.repos.getReleaseByTag({ ...r, tag: 'iris@v1.0.0' })).data.id).toBe(draft.id);
    expect((await octokit.repos.getLatestRelease(r)).data.id).toBe(draft.id);
    expect((await octokit.repos.listReleases(r)).data).toHaveLength(1);
    const meta = (await octokit.repos.getReleaseAsset({ ...r, asset_id: asset.id })).data;
    expect(meta.label).toBe('the model');
    const bytes = await octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...r,
      asset_id: asset.id,
      headers: { accept: 'application/octet-stream' },
    });
    expect(Buffer.from(bytes.data as unknown as ArrayBuffer).toString()).toBe('{"w":[1,2]}');
    const other = (await octokit.repos.createRelease({ ...r, tag_name: 'scratch', draft: true })).data;
    await octokit.repos.deleteRelease({ ...r, release_id: other.id });

    // Git refs, tags, commits.
    const main = (await octokit.git.getRef({ ...r, ref: 'heads/main' })).data.object.sha;
    expect((await octokit.git.getRef({ ...r, ref: 'tags/iris@v1.0.0' })).data.object.sha).toBe(main);
    const child = (await octokit.git.createCommit({ ...r, message: 'next', tree: 'a'.repeat(40), parents: [main] })).data;
    expect((await octokit.git.getCommit({ ...r, commit_sha: child.sha })).data.parents[0]!.sha).toBe(main);
    expect((await octokit.repos.getCommit({ ...r, ref: 'main' })).data.sha).toBe(main);
    const tag = (await octokit.git.createTag({ ...r, tag: 'champion', message: 'iris@v1.0.0', object: main, type: 'commit' })).data;
    expect((await octokit.git.getTag({ ...r, tag_sha: tag.sha })).data.object.sha).toBe(main);
    await octokit.git.createRef({ ...r, ref: 'refs/tags/champion', sha: tag.sha });
    await octokit.git.createRef({ ...r, ref: 'refs/heads/work', sha: main });
    expect((await octokit.git.updateRef({ ...r, ref: 'heads/work', sha: child.sha })).data.object.sha).toBe(child.sha);
    expect((await octokit.git.listMatchingRefs({ ...r, ref: 'tags/' })).data.map((x) => x.ref)).toEqual([
      'refs/tags/champion',
      'refs/tags/iris@v1.0.0',
    ]);
    await octokit.git.deleteRef({ ...r, ref: 'heads/work' });

    // Workflow runs and artifacts (REST side).
    const run = addWorkflowRun(gh.state, { event: 'pull_request', head_branch: 'feature', status: 'completed', conclusion: 'success' });
    const artifact = addArtifact(gh.state, run.id, 'mlci-run', Buffer.from('PK\u0005\u0006' + '\0'.repeat(18), 'binary'));
    const runs = (await octokit.actions.listWorkflowRunsForRepo({ ...r, branch: 'feature', status: 'success', event: 'pull_request' }))
      .data;
    expect(runs.workflow_runs.map((x) => x.id)).toEqual([run.id]);
    expect((await octokit.actions.getWorkflowRun({ ...r, run_id: run.id })).data.head_branch).toBe('feature');
    expect(
      (await octokit.actions.listWorkflowRunArtifacts({ ...r, run_id: run.id, name: 'mlci-run' })).data.artifacts.map((a) => a.id),
    ).toEqual([artifact.id]);
    expect((await octokit.actions.listArtifactsForRepo({ ...r, name: 'mlci-run' })).data.total_count).toBe(1);
    expect((await octokit.actions.getArtifact({ ...r, artifact_id: artifact.id })).data.name).toBe('mlci-run');
    const zip = await octokit.actions.downloadArtifact({ ...r, artifact_id: artifact.id, archive_format: 'zip' });
    expect(
      Buffer.from(zip.data as ArrayBuffer)
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    await octokit.actions.deleteArtifact({ ...r, artifact_id: artifact.id });
    await octokit.actions.createWorkflowDispatch({ ...r, workflow_id: 'retrain.yml', ref: 'main', inputs: { reason: 'drift' } });
    expect(gh.state.dispatches).toEqual([{ workflow: 'retrain.yml', ref: 'main', inputs: { reason: 'drift' } }]);

    // Statuses and check runs.
    await octokit.repos.createCommitStatus({ ...r, sha: main, state: 'success', context: 'mlci/gate', description: 'accuracy 0.97' });
    expect((await octokit.repos.listCommitStatusesForRef({ ...r, ref: 'main' })).data[0]!.context).toBe('mlci/gate');
    const check = (await octokit.checks.create({ ...r, name: 'mlci', head_sha: main, status: 'in_progress' })).data;
    await octokit.checks.update({
      ...r,
      check_run_id: check.id,
      conclusion: 'failure',
      output: { title: 'gate', summary: 'accuracy fell' },
    });
    expect((await octokit.checks.get({ ...r, check_run_id: check.id })).data.conclusion).toBe('failure');
    expect((await octokit.checks.listForRef({ ...r, ref: main })).data.check_runs).toHaveLength(1);

    // Identity.
    expect((await octokit.apps.getAuthenticated()).data!.slug).toBe('github-actions');
    expect((await octokit.repos.get(r)).data.default_branch).toBe('main');
    const user = new Octokit({ auth: 'ghp_octocat', baseUrl: gh.url });
    expect((await user.users.getAuthenticated()).data.login).toBe('octocat');

    expect(gh.conformance).toEqual([]);
    const exercised = new Set(gh.requests.map((q) => q.operationId));
    expect(SERVED_OPERATIONS.filter((op) => !exercised.has(op))).toEqual([]);
  });
});
