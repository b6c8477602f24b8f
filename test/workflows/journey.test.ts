/**
 * The definition of done of the loop (issue #11): a user's story played with the shipped workflow files,
 * unchanged, on a repository made from examples/iris, against the GitHub emulator. Each step asserts what
 * the user sees: comment bodies, annotations, releases, tags, exit codes.
 *
 *   push to main → PR #1 shows deltas vs main → a rerun leaves ONE comment → a bad-data PR gets line
 *   annotations, no training and a comment naming the lines → a regressing PR fails → a tag push creates
 *   the release and the champion, and the image serving it answers /invocations → the next PR shows deltas
 *   vs the champion.
 *
 * The same story's push, PR and tag steps also run under nektos/act in journey-act.test.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { runCli } from '../harness/cli';
import { repoRoot } from '../harness/runner';
import { checkoutCopy, explain, removeWorkflowDirs, runWorkflow, wouldTrigger, type WorkflowRunResult } from './host-runner';
import { localBase, startEngine, type Engine } from '../serve/container-engine';
import { callsBeyond } from './permissions';

const CHECKS = 'workflows-examples/pull-request-checks.yml';
const PROMOTE = 'workflows-examples/promote-on-tag.yml';
const MONITOR = 'workflows-examples/drift-monitor.yml';
const SWEEP = 'workflows-examples/matrix-sweep.yml';
const NO_PACING = { MLCI_GITHUB_PACE_WRITES: 'false' };
let gh: Emulator;
let mainSha: string;

/** The user's repository at one commit: examples/iris with `edit` applied to its files. */
function checkout(edit: (dir: string) => void = () => {}): string {
  const dir = checkoutCopy(join(repoRoot, 'examples/iris'));
  edit(dir);
  return dir;
}
const editFile = (dir: string, path: string, change: (text: string) => string) =>
  writeFileSync(join(dir, path), change(readFileSync(join(dir, path), 'utf8')));
const withEpochs = (n: number) => (dir: string) => editFile(dir, 'params.yaml', (t) => t.replace(/epochs: \d+/, `epochs: ${n}`));

/** A pull request from a new branch whose one commit changes `files` (as the checkout will have them). */
function openPull(title: string, files: string[]): { number: number } {
  const branch = `topic-${gh.state.issues.length + 1}`;
  gh.push(branch, { message: title, files });
  return { number: gh.openPullRequest({ head: branch, title }).number };
}

/** ml-checks on a pull request, as GitHub starts it for a push to the PR's branch. */
function pullRequestRun(pr: { number: number }, projectDir: string): Promise<WorkflowRunResult> {
  return runWorkflow({ workflow: CHECKS, projectDir, emulator: gh, env: NO_PACING, event: 'pull_request', pullRequest: pr.number });
}

/** GitHub starts no other shipped workflow for this event (their `on:` filters exclude it). */
async function onlyChecksStart(
  event: Parameters<typeof wouldTrigger>[0]['event'],
  more: Partial<Parameters<typeof wouldTrigger>[0]> = {},
): Promise<void> {
  for (const workflow of [PROMOTE, MONITOR, SWEEP])
    expect((await wouldTrigger({ workflow, emulator: gh, event, ...more })).triggered, `${workflow} on ${event}`).toBe(false);
}

const commentsOn = (n: number) => gh.state.comments.filter((c) => c.issueNumber === n);
/** The comment as GitHub renders it: numeric character references (escapeMarkdown's output) decoded. */
const rendered = (markdown: string) => markdown.replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)));
const mlciStep = (run: WorkflowRunResult) => run.job('ml').steps.find((s) => s.id === 'mlci')!;

let engine: Engine | null = null;
let engineReason = '';
let base: ReturnType<typeof localBase> | null = null;

beforeAll(async () => {
  gh = await startEmulator();
  ({ engine, reason: engineReason } = await startEngine());
  if (engine) base = localBase(engine.env);
}, 900_000);
afterAll(async () => {
  // MLCI_JOURNEY_OUT=DIR keeps what each PR was told (the bodies quoted in release notes and issue notes).
  const out = process.env.MLCI_JOURNEY_OUT;
  if (out) {
    mkdirSync(out, { recursive: true });
    for (const c of gh?.state.comments ?? []) writeFileSync(join(out, `pr-${c.issueNumber}.md`), c.body);
  }
  await gh?.stop();
  await engine?.stop();
  removeWorkflowDirs();
});

describe('the loop as a user installs it (shipped workflows, unchanged)', () => {
  let pr1: { number: number };
  let firstCommentId: number;

  it("push to main: ml-checks records main's run as an artifact and comments nowhere", async () => {
    mainSha = gh.push('main', {
      message: 'Add the iris model',
      files: ['mlci.yml', 'params.yaml', 'train.py', 'data/train.csv', 'schema.json'],
    }).sha;
    await onlyChecksStart('push', { ref: 'refs/heads/main' });
    const from = gh.requests.length;
    const run = await runWorkflow({
      workflow: CHECKS,
      projectDir: checkout(),
      emulator: gh,
      env: NO_PACING,
      event: 'push',
      ref: 'refs/heads/main',
    });
    expect(run.conclusion, explain(run)).toBe('success');
    expect(mlciStep(run).outputs['publish-outcome']).toBe('pass');
    expect(gh.state.artifacts.filter((a) => a.runId === run.runId && a.finalized).map((a) => a.name)).toEqual([
      `mlci-run-${mlciStep(run).outputs['run-id']}`,
    ]);
    expect(gh.state.comments).toEqual([]);
    expect(callsBeyond(gh, from, run.job('ml').permissions)).toEqual([]);
  }, 180_000);

  it('the first PR (more epochs) gets ONE comment with deltas against main, and against no champion yet', async () => {
    pr1 = openPull('Train for more epochs', ['params.yaml']);
    await onlyChecksStart('pull_request', { pullRequest: pr1.number });
    const from = gh.requests.length;
    const run = await pullRequestRun(pr1, checkout(withEpochs(60)));
    expect(run.conclusion, explain(run)).toBe('success');
    const comments = commentsOn(pr1.number);
    expect(comments).toHaveLength(1);
    firstCommentId = comments[0]!.id;
    const body = rendered(comments[0]!.body);
    expect(body).toMatch(/^✅ \*\*Ready\*\*/m);
    expect(body).toMatch(
      /### ✅ Comparison with main: [1-9]\d* improved, 0 regressed(, \d+ within noise)? against main \(workflow run \d+ \(ml-checks\)\)/,
    );
    expect(body).toMatch(/\| val_loss \| 0\.2858 \| 0\.2568 \| ▼ −0\.029\d* \| −10\.\d+% \| ↓ better \| ✅ improved/);
    expect(body).toContain('### ✅ Comparison with the champion: no baseline yet');
    expect(body).toContain('model "iris-classifier" has no champion yet');
    expect(callsBeyond(gh, from, run.job('ml').permissions)).toEqual([]);
  }, 180_000);

  it('a second run of the first PR updates the same comment in place', async () => {
    const run = await pullRequestRun(pr1, checkout(withEpochs(60)));
    expect(run.conclusion, explain(run)).toBe('success');
    expect(commentsOn(pr1.number).map((c) => c.id)).toEqual([firstCommentId]);
  }, 180_000);

  it('a PR with a bad value and a bad category fails with line annotations, trains nothing, and its comment names the lines', async () => {
    const pr = openPull('Add new flowers', ['data/train.csv']);
    const run = await pullRequestRun(
      pr,
      checkout((dir) =>
        editFile(dir, 'data/train.csv', (t) =>
          t
            .replace('\n2,4.9,3.0,1.4,0.2,setosa\n', '\n2,49,3.0,1.4,0.2,setosa\n')
            .replace('\n8,5.0,3.4,1.5,0.2,setosa\n', '\n8,5.0,3.4,1.5,0.2,setosaa\n'),
        ),
      ),
    );
    expect(run.conclusion).toBe('failure');
    const step = mlciStep(run);
    expect(step.exitCode).not.toBe(0);
    expect(step.outputs['train-outcome']).toBe('skipped');
    expect(step.outputs['promote-outcome'] ?? 'skipped').toBe('skipped');
    const onData = step.annotations.filter((a) => a.level === 'error' && a.properties.file === 'data/train.csv');
    expect(onData.map((a) => [a.properties.line, a.message.split(':')[0]])).toEqual([
      ['3', 'row 2, sepal_length'],
      ['4', 'row 3, species'],
    ]);
    // The final always() step still reports the verdict.
    // (The unknown category also shows as drift of the species column.)
    expect(run.job('ml').steps.at(-1)!.stdout).toBe('verdict data problems: validate failed, drift failed\n');
    const [comment] = commentsOn(pr.number);
    const body = rendered(comment!.body);
    expect(body).toMatch(/^⚠️ \*\*Data problems\*\*: Data validation/m);
    expect(body).toContain('### ❌ Data validation: 2 violations in data/train.csv (105 rows)');
    expect(body).toContain('### ❌ Drift: 0 of 5 columns drifted (share 0.0%); target check failed: newLabels');
    expect(body).toMatch(/\| 3 \| sepal_length \| maximum \| .*49/);
    expect(body).toMatch(/\| 4 \| species \| enum \| .*setosaa/);
    expect(body).toContain(
      '> Not run because the data failed validation: train, gate, compare, promote, publish (mlci.yml `on-fail: stop`',
    );
    expect(body).not.toContain('Comparison with main');
  }, 180_000);

  it('a PR that regresses (fewer epochs) fails on the gated metric, and says so', async () => {
    const pr = openPull('Train faster', ['params.yaml']);
    const run = await pullRequestRun(pr, checkout(withEpochs(5)));
    expect(run.conclusion).toBe('failure');
    expect(mlciStep(run).outputs['compare-outcome']).toBe('fail');
    const body = rendered(commentsOn(pr.number)[0]!.body);
    expect(body).toMatch(/^❌ \*\*Regressions\*\*: Comparison with main/m);
    expect(body).toMatch(/### ❌ Comparison with main: 1 gated metric regressed against main/);
    expect(body).toMatch(/\| val_loss \| 0\.2858 \| 0\.4146 \| ▲ \+0\.128\d* \| .* ❌ regressed \(gated\)/);
  }, 180_000);

  it("a version tag on main's commit publishes the release and moves the champion to the run ml-checks recorded", async () => {
    const tag = 'iris-classifier@v1.0.0';
    gh.pushTag(tag, mainSha, { annotated: true, message: 'First release' }); // as `git tag -a` then `git push` would
    // ml-checks runs on pushes to main only; the drift monitor and the sweep on schedule and by hand.
    for (const workflow of [CHECKS, MONITOR, SWEEP])
      expect((await wouldTrigger({ workflow, emulator: gh, event: 'push', ref: `refs/tags/${tag}` })).triggered).toBe(false);
    const from = gh.requests.length;
    // The runner has no Docker Hub: its environment names the local Debian base, as a mirrored runner would.
    const runner = engine && base?.tag ? { ...engine.env, MLCI_NODE_IMAGE: base.tag, MLCI_PYTHON_IMAGE: base.tag } : {};
    const run = await runWorkflow({
      workflow: PROMOTE,
      projectDir: checkout(),
      emulator: gh,
      env: { ...NO_PACING, ...runner },
      event: 'push',
      ref: `refs/tags/${tag}`,
    });
    expect(run.conclusion, explain(run)).toBe('success');
    const promote = run.job('promote').steps.find((s) => s.id === 'promote')!;
    expect(promote.outputs).toMatchObject({ version: '1.0.0', tag, 'previous-holder': '' });
    const release = gh.state.releases.find((r) => r.tag_name === tag)!;
    expect(release.draft).toBe(false);
    expect(gh.state.assets.filter((a) => a.releaseId === release.id).map((a) => a.name)).toEqual(
      expect.arrayContaining(['card.json', 'card.md', 'SHA256SUMS']),
    );
    expect([...gh.state.refs.keys()]).toContain('refs/tags/iris-classifier#champion#1');
    expect(run.job('promote').steps.at(-1)!.stdout).toBe(`promoted ${tag}\n`);
    expect(callsBeyond(gh, from, run.job('promote').permissions)).toEqual([]);

    // serve-image: the new champion, downloaded verified from the release, built into an image whose server
    // answered /invocations with the model's input example before anything could be pushed.
    const image = run.job('serve-image').steps.find((s) => s.id === 'image')!;
    expect(image.outputs).toMatchObject({ 'model-version': '1.0.0', registry: 'github', image: 'mlci-serve/iris-classifier:1.0.0' });
    const served = JSON.parse(readFileSync(image.outputs['result-file']!, 'utf8'));
    expect(served.smoke.predictions).toEqual(['setosa']);
    expect(
      image.outputs['container-tested'],
      `container engine: ${engine ? 'yes' : engineReason}; base: ${base && 'reason' in base ? base.reason : 'made'}`,
    ).toBe(engine && base?.tag ? 'true' : 'false');
    expect(run.job('serve-image').steps.at(-1)!.stdout).toMatch(/^built mlci-serve\/iris-classifier:1\.0\.0 \(p50 [\d.]+ ms\)\n$/);
    // (Both jobs' calls are within the workflow's permissions, checked above; serve-image itself only reads.)
    expect(run.job('serve-image').permissions).toEqual({ contents: 'read' });
  }, 900_000);

  it('a version tag on a commit ml-checks never recorded fails, saying what to run first', async () => {
    const orphan = gh.push('experiment', { message: 'Never pushed through ml-checks on main', files: ['params.yaml'] }).sha;
    const tag = 'iris-classifier@v1.1.0';
    gh.pushTag(tag, orphan);
    const run = await runWorkflow({
      workflow: PROMOTE,
      projectDir: checkout(),
      emulator: gh,
      env: NO_PACING,
      event: 'push',
      ref: `refs/tags/${tag}`,
      jobs: ['promote'],
    });
    expect(run.conclusion).toBe('failure');
    const promote = run.job('promote').steps.find((s) => s.id === 'promote')!;
    const error = promote.annotations.find((a) => a.level === 'error')!;
    expect(error.message).toContain(`no FINISHED run was recorded at commit ${orphan.slice(0, 12)}`);
    expect(error.message).toContain('push the commit to the default branch first so ml-checks (pull-request-checks.yml) records its run');
    expect(gh.state.releases.some((r) => r.tag_name === tag)).toBe(false);
  }, 60_000);

  it('on a laptop, `mlci run --github` compares with the same main run and champion', async () => {
    const env = {
      GITHUB_ACTIONS: '',
      GITHUB_REPOSITORY: `${gh.state.owner}/${gh.state.repo}`,
      GITHUB_TOKEN: 'ghs_test_read',
      GITHUB_API_URL: gh.url,
      ...NO_PACING,
    };
    const run = await runCli(['run', '--github', '--no-promote', '--only', 'train,compare'], { cwd: checkout(withEpochs(60)), env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /compare: main: vs main \(workflow run \d+ \(ml-checks\)\): .*improved.*; champion: vs champion iris-classifier@v1\.0\.0: .*improved/,
    );
    // Without --github a laptop has neither.
    const local = await runCli(['run', '--no-promote', '--only', 'train,compare'], { cwd: checkout(withEpochs(60)), env });
    expect(local.stderr).toContain('compare: main: no baseline yet; champion: no baseline yet');
  }, 180_000);

  it('the next run of the first PR shows its deltas against the champion too', async () => {
    const run = await pullRequestRun(pr1, checkout(withEpochs(60)));
    expect(run.conclusion, explain(run)).toBe('success');
    expect(commentsOn(pr1.number).map((c) => c.id)).toEqual([firstCommentId]);
    const body = rendered(commentsOn(pr1.number)[0]!.body);
    // (A zero-width space after @ keeps GitHub from reading it as a mention.)
    expect(body).toMatch(
      /### ✅ Comparison with the champion: [1-9]\d* improved, 0 regressed(, \d+ within noise)? against champion iris-classifier@\u200b?v1\.0\.0/,
    );
    expect(body).toMatch(/\| val_loss \| 0\.2858 \| 0\.2568 \|/);
    expect(gh.conformance).toEqual([]);
  }, 180_000);
});
