/** runWorkflow on events made with the emulator's push / PR / tag / release operations: what runs, with which ref, sha and payload. */
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ZERO_SHA, startEmulator, type Emulator } from '../github-emulator/index';
import { explain, removeWorkflowDirs, runWorkflow, wouldTrigger, type WorkflowRunOptions } from './host-runner';

const here = import.meta.dirname;
const WORKFLOW = join(here, 'host-fixtures/events.yml');
let gh: Emulator;

beforeEach(async () => {
  await gh?.stop();
  gh = await startEmulator({ state: { pulls: [], files: ['src/model.py', 'README.md'] } });
});
afterAll(async () => {
  await gh?.stop();
  removeWorkflowDirs();
});

const runOf = (options: Partial<WorkflowRunOptions>) =>
  runWorkflow({ workflow: WORKFLOW, projectDir: join(here, 'host-fixtures/project'), emulator: gh, ...options });

/** Runs the fixture, which must succeed, and returns its first step's line, the payload it read and the emulator's record of the run. */
async function show(options: Partial<WorkflowRunOptions>) {
  const run = await runOf(options);
  expect(run.conclusion, explain(run)).toBe('success');
  const [line, json] = run.job('show').steps.map((s) => s.stdout.trim());
  return { line, event: JSON.parse(json!), record: gh.state.workflowRuns.find((r) => r.id === run.runId)! };
}

describe('push events from the emulator', () => {
  it("a push to main touching src/ runs with before/after and the commit's files; the run is recorded as push on main", async () => {
    const a = gh.push('main', { message: 'Refactor', files: { 'src/model.py': 'v2', 'src/old.py': null } });
    const b = gh.push('main', { message: 'Add features', files: ['src/features.py'] });
    const { line, event, record } = await show({ event: 'push' });
    expect(line).toBe(`ref=refs/heads/main sha=${b.sha} ref_name=main action=`);
    expect(event).toMatchObject({ before: a.sha, after: b.sha, head: b.sha });
    expect(event.commits).toEqual([['Add features', ['src/features.py'], [], []]]);
    expect([record.event, record.head_branch, record.head_sha, record.status, record.conclusion]).toEqual([
      'push',
      'main',
      b.sha,
      'completed',
      'success',
    ]);
  });

  it('merging a pull request pushes its commits and the merge commit to main', async () => {
    const before = gh.state.branchSha('main')!;
    gh.push('feature/m', { message: 'One', files: { 'src/old.py': null } });
    gh.push('feature/m', { message: 'Two', files: ['src/model.py'] });
    const merge = gh.mergePullRequest(gh.openPullRequest({ head: 'feature/m', title: 'm' }).number);
    const { event } = await show({ event: 'push' });
    expect(event).toMatchObject({ before, after: merge.sha });
    expect(event.commits).toEqual([
      ['One', [], [], ['src/old.py']],
      ['Two', [], ['src/model.py'], []],
      [merge.message, [], ['src/model.py'], ['src/old.py']],
    ]);
  });

  it('a push changing only README.md does not run and records no workflow run', async () => {
    gh.push('main', { message: 'Docs', files: ['README.md'] });
    const run = await runOf({ event: 'push' });
    expect(run.conclusion).toBe('not-triggered');
    expect(run.reason).toContain('no changed path (README.md) matches on.push.paths');
    expect(run.jobs).toEqual([]);
    expect(gh.state.workflowRuns).toEqual([]);
  });

  it('a new branch push lists only the commits no other branch has', async () => {
    gh.push('main', { message: 'On main', files: ['src/a.py'] });
    const c = gh.push('feature/x', { message: 'New branch work', files: ['src/b.py'] });
    const { event, record } = await show({ event: 'push', ref: 'refs/heads/feature/x' });
    expect(event.before).toBe(ZERO_SHA);
    expect(event.commits.map((x: unknown[]) => x[0])).toEqual(['New branch work']);
    expect([record.head_branch, record.head_sha]).toEqual(['feature/x', c.sha]);
  });

  it('an annotated version tag runs with GITHUB_SHA peeled to the commit, after = the tag object, head_branch = the tag', async () => {
    const c = gh.push('main', { message: 'Release', files: ['src/model.py'] });
    const tag = gh.pushTag('iris-classifier@v1.0.0', c.sha, { annotated: true });
    const { line, event, record } = await show({ event: 'push', ref: 'refs/tags/iris-classifier@v1.0.0' });
    expect(line).toBe(`ref=refs/tags/iris-classifier@v1.0.0 sha=${c.sha} ref_name=iris-classifier@v1.0.0 action=`);
    expect(event).toMatchObject({ before: ZERO_SHA, after: tag.sha, head: c.sha, commits: [] });
    expect([record.event, record.head_branch, record.head_sha]).toEqual(['push', 'iris-classifier@v1.0.0', c.sha]);
  });

  it('a tag the filter does not select, and a branch push on a branch it does not, do not run', async () => {
    gh.pushTag('iris-classifier#champion#1', 'main');
    expect((await runOf({ event: 'push', ref: 'refs/tags/iris-classifier#champion#1' })).reason).toContain(
      'matches no pattern of on.push.tags',
    );
    gh.push('dev', { message: 'x', files: ['src/a.py'] });
    expect(wouldTrigger({ workflow: WORKFLOW, emulator: gh, event: 'push', ref: 'refs/heads/dev' })).toMatchObject({
      triggered: false,
      reason: expect.stringContaining('on.push.branches'),
    });
    await expect(runOf({ event: 'push', ref: 'refs/heads/nope' })).rejects.toThrow(/no refs\/heads\/nope in the emulator/);
  });
});

describe('pull_request and release events from the emulator', () => {
  it('runs on the PR named by number, with its current head after a push; a docs-only PR does not run', async () => {
    gh.push('docs', { message: 'Docs only', files: ['README.md'] });
    const docs = gh.openPullRequest({ head: 'docs', title: 'Docs' });
    gh.push('feature', { message: 'Model', files: ['src/model.py'] });
    const feature = gh.openPullRequest({ head: 'feature', title: 'Model' });
    const next = gh.push('feature', { message: 'More', files: ['src/model.py'] });
    const { line, event, record } = await show({ event: 'pull_request', pullRequest: feature.number, action: 'opened' });
    expect(line).toBe(`ref=refs/pull/${feature.number}/merge sha=${next.sha} ref_name=${feature.number}/merge action=opened`);
    expect(event.pr).toEqual([feature.number, next.sha, gh.state.branchSha('main')]);
    expect([record.event, record.head_branch, record.head_sha]).toEqual(['pull_request', 'feature', next.sha]);
    const skipped = await runOf({ event: 'pull_request', pullRequest: docs.number });
    expect(skipped.reason).toContain('every changed path (README.md) matches on.pull_request.paths-ignore');
    expect((await runOf({ event: 'pull_request', pullRequest: feature.number, action: 'closed' })).conclusion).toBe('not-triggered');
  });

  it('a published release runs on its tag; other release activity does not', async () => {
    const c = gh.push('main', { message: 'v2', files: ['src/model.py'] });
    gh.publishRelease({ tag: 'iris-classifier@v2.0.0' });
    const { line, event, record } = await show({ event: 'release' });
    expect(line).toBe(`ref=refs/tags/iris-classifier@v2.0.0 sha=${c.sha} ref_name=iris-classifier@v2.0.0 action=published`);
    expect(event.tag).toBe('iris-classifier@v2.0.0');
    expect([record.event, record.head_branch, record.head_sha]).toEqual(['release', 'iris-classifier@v2.0.0', c.sha]);
    expect((await runOf({ event: 'release', action: 'created' })).conclusion).toBe('not-triggered');
  });
});
