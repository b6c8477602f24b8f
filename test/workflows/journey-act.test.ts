/**
 * The user's loop under nektos/act, a runner nobody here wrote: the shipped workflow files copied unchanged
 * into `.github/workflows/` of a fresh git repository made from examples/iris, run against the GitHub
 * emulator. Push to main records main's run; a pull request that changes params.yaml gets ONE comment with
 * deltas against main; a version tag on main's commit promotes that very run. (The host runner plays the
 * whole story, bad data and serving included, in journey.test.ts.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { repoRoot } from '../harness/runner';
import { checkoutCopy, removeWorkflowDirs } from './host-runner';
import { actRepository, findAct, runAct, type ActRepository } from './run-workflow';

const act = findAct();
const NO_PACING = { MLCI_GITHUB_PACE_WRITES: 'false' };
let gh: Emulator;
let repo: ActRepository;
let mainSha: string;

const repository = () => ({
  full_name: `${gh.state.owner}/${gh.state.repo}`,
  name: gh.state.repo,
  owner: { login: gh.state.owner },
  default_branch: 'main',
});
const runArtifacts = (runId: number) =>
  gh.state.artifacts.filter((a) => a.runId === runId && a.finalized && a.name.startsWith('mlci-run-')).map((a) => a.name);

beforeAll(async () => {
  gh = await startEmulator();
  if (!act) return;
  repo = actRepository(
    checkoutCopy(join(repoRoot, 'examples/iris')),
    ['workflows-examples/pull-request-checks.yml', 'workflows-examples/promote-on-tag.yml'],
    gh,
  );
  mainSha = repo.sha();
});
afterAll(async () => {
  await gh?.stop();
  removeWorkflowDirs();
});

describe.skipIf(!act)('the loop under nektos/act, shipped workflows unchanged', () => {
  it("push to main: ml-checks records main's run as an mlci-run-* artifact", async () => {
    const payload = {
      ref: 'refs/heads/main',
      before: '0'.repeat(40),
      after: mainSha,
      head_commit: { id: mainSha },
      repository: repository(),
    };
    const run = await runAct({
      repo,
      workflow: 'pull-request-checks.yml',
      event: 'push',
      payload,
      emulator: gh,
      headBranch: 'main',
      env: NO_PACING,
    });
    expect(run.exitCode, run.output.slice(-4000)).toBe(0);
    expect(run.output).toMatch(/pass: run [0-9a-f]{8} uploaded as mlci-run-[0-9a-f]{32}/);
    expect(runArtifacts(run.runId)).toHaveLength(1);
    expect(gh.conformance).toEqual([]);
  }, 300_000);

  it('a pull request with fewer epochs gets ONE comment with deltas against main, and fails on the gated regression', async () => {
    repo.git('checkout', '-q', '-b', 'feature');
    const params = join(repo.dir, 'params.yaml');
    writeFileSync(params, readFileSync(params, 'utf8').replace('epochs: 30', 'epochs: 5'));
    repo.git('commit', '-q', '-am', 'Fewer epochs');
    const head = repo.sha();
    const pr = gh.state.issues.find((i) => i.number === 1)!;
    pr.pull = { ...pr.pull!, headSha: head, baseSha: mainSha };
    const payload = {
      action: 'synchronize',
      number: 1,
      pull_request: { number: 1, head: { ref: 'feature', sha: head }, base: { ref: 'main', sha: mainSha } },
      repository: repository(),
    };
    const run = await runAct({
      repo,
      workflow: 'pull-request-checks.yml',
      event: 'pull_request',
      payload,
      emulator: gh,
      headBranch: 'feature',
      env: NO_PACING,
    }).finally(() => repo.git('checkout', '-q', 'main'));
    const comments = gh.state.comments.filter((c) => c.issueNumber === 1);
    expect(comments, run.output.slice(-4000)).toHaveLength(1);
    const body = comments[0]!.body;
    // Main's run was found in the push's workflow run; fewer epochs raise the validation loss, a gated metric.
    expect(body).toMatch(
      /### ❌ Comparison with main: 1 gated metric regressed against main &#40;workflow run \d+ &#40;ml&#45;checks&#41;&#41;/,
    );
    // Rows with numbers: metric, baseline, candidate, delta.
    expect(body).toMatch(/\| val&#95;loss \| 0\.\d+ \| 0\.\d+ \| ▲ \+0\.\d+ \|/);
    expect(body).toMatch(/\| accuracy \| 0\.\d+ \| 0\.\d+ \| [▲▼] [+−]0\.\d+ \|/);
    expect(run.exitCode).not.toBe(0);
    expect(body).toContain('Comparison with the champion: no baseline yet');
  }, 300_000);

  it("a version tag on main's commit promotes the run ml-checks recorded for it", async () => {
    const tag = 'iris-classifier@v1.0.0';
    repo.git('tag', tag);
    gh.state.refs.set(`refs/tags/${tag}`, mainSha);
    const payload = {
      ref: `refs/tags/${tag}`,
      before: '0'.repeat(40),
      after: mainSha,
      head_commit: { id: mainSha },
      repository: repository(),
    };
    const run = await runAct({
      repo,
      workflow: 'promote-on-tag.yml',
      event: 'push',
      payload,
      emulator: gh,
      headBranch: tag,
      env: NO_PACING,
      job: 'promote',
    });
    expect(run.exitCode, run.output.slice(-4000)).toBe(0);
    expect(run.output).toContain(`promoted ${tag}`);
    const release = gh.state.releases.find((r) => r.tag_name === tag);
    expect(release?.draft).toBe(false);
    expect(gh.state.assets.filter((a) => a.releaseId === release!.id).map((a) => a.name)).toEqual(
      expect.arrayContaining(['card.json', 'SHA256SUMS']),
    );
    expect([...gh.state.refs.keys()]).toContain('refs/tags/iris-classifier#champion#1');
    expect(gh.conformance).toEqual([]);
  }, 300_000);
});
