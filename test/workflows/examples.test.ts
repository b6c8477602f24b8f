/**
 * Every file in workflows-examples/ run end to end by the host runner against the GitHub emulator, asserting
 * what a user would see: the job summary, step outputs, releases, tags, issues, artifacts; and that the
 * workflow's `permissions:` cover every API call it made.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { jsonOf, runCli } from '../harness/cli';
import { repoRoot } from '../harness/runner';
import { checkoutCopy, explain, runWorkflow, removeWorkflowDirs } from './host-runner';
import { callsBeyond } from './permissions';

const iris = join(repoRoot, 'examples/iris');
/** The emulator has no secondary rate limits: mlci's GitHub writes need not be spaced out (seconds per write). */
const NO_PACING = { MLCI_GITHUB_PACE_WRITES: 'false' };
let gh: Emulator;

beforeAll(async () => {
  gh = await startEmulator();
});
afterAll(async () => {
  await gh?.stop();
  removeWorkflowDirs();
});

/** examples/iris as a user's repository has it: with the requirements.txt the example workflows install. */
function irisCheckout(): string {
  const dir = checkoutCopy(iris);
  writeFileSync(join(dir, 'requirements.txt'), 'mlflow\nscikit-learn\npandas\npyyaml\n');
  return dir;
}

/** The summary as GitHub renders it: numeric character references (escapeMarkdown's output) decoded. */
const rendered = (markdown: string) =>
  markdown
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)));

describe('workflows-examples', () => {
  it('pull-request-checks.yml: the pipeline passes on PR #1, the summary holds the verdict, nothing is promoted', async () => {
    const from = gh.requests.length;
    const run = await runWorkflow({
      workflow: 'workflows-examples/pull-request-checks.yml',
      projectDir: irisCheckout(),
      emulator: gh,
      env: NO_PACING,
      event: 'pull_request',
    });
    expect(run.conclusion, explain(run)).toBe('success');
    const job = run.job('ml');
    const mlci = job.steps.find((s) => s.id === 'mlci')!;
    expect(mlci.outputs.outcome).toBe('pass');
    expect(mlci.outputs['train-outcome']).toBe('pass');
    expect(mlci.outputs['run-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(mlci.outputs['promote-outcome'] ?? 'skipped').toBe('skipped');
    const seen = rendered(job.summary);
    expect(seen).toContain(`### ✅ mlci: ${mlci.outputs.verdict}`);
    expect(seen).toMatch(/\| train \| ✅ pass \| run [0-9a-f]{8} FINISHED: .*val_accuracy=/);
    expect(seen).toMatch(/\| promote \| ➖ skipped \|/);
    expect(job.steps.at(-1)!.stdout).toBe(`verdict ${mlci.outputs.verdict}\n`);
    expect(gh.state.releases).toEqual([]);
    expect(existsSync(join(job.workspace, '.mlci/registry'))).toBe(false);
    expect([...gh.state.refs.keys()].filter((r) => r.startsWith('refs/tags/'))).toEqual([]);
    expect(callsBeyond(gh, from, run.job('ml').permissions)).toEqual([]);
    expect(gh.conformance).toEqual([]);
  }, 90_000);

  describe('promote-on-tag.yml', () => {
    let project: string;
    let runId: string;
    beforeAll(async () => {
      project = irisCheckout();
      // The run to promote, recorded in the workspace's .mlci/ the way a user's `mlci run` leaves it (gates ran and passed).
      const recorded = jsonOf(await runCli(['run', '--config', 'mlci.yml', '--no-promote', '--json'], { cwd: project }));
      expect(recorded.stages.map((s: { stage: string; outcome: string }) => `${s.stage} ${s.outcome}`)).toEqual(
        expect.arrayContaining(['train pass', 'gate pass']),
      );
      runId = recorded.runId;
    }, 90_000);

    it('dispatched with a run whose gates passed (require-gates on), publishes iris-classifier@v0.1.0 with card and checksums and moves champion', async () => {
      expect(readFileSync(join(repoRoot, 'workflows-examples/promote-on-tag.yml'), 'utf8')).toContain("require-gates: 'true'");
      const releasesBefore = gh.state.releases.length;
      const from = gh.requests.length;
      const run = await runWorkflow({
        workflow: 'workflows-examples/promote-on-tag.yml',
        projectDir: project,
        emulator: gh,
        env: NO_PACING,
        event: 'workflow_dispatch',
        inputs: { run: runId },
        jobs: ['promote'],
      });
      expect(run.conclusion, explain(run)).toBe('success');
      const promote = run.job('promote').steps.find((s) => s.id === 'promote')!;
      expect(promote.outputs).toMatchObject({ version: '0.1.0', tag: 'iris-classifier@v0.1.0', 'run-id': runId, 'previous-holder': '' });
      expect(gh.state.releases.length).toBe(releasesBefore + 1);
      const release = gh.state.releases.find((r) => r.tag_name === 'iris-classifier@v0.1.0')!;
      expect(release.draft).toBe(false);
      expect(gh.state.assets.filter((a) => a.releaseId === release.id).map((a) => a.name)).toEqual(
        expect.arrayContaining(['card.json', 'card.md', 'SHA256SUMS']),
      );
      expect([...gh.state.refs.keys()].filter((r) => r.startsWith('refs/tags/iris-classifier'))).toEqual(
        expect.arrayContaining(['refs/tags/iris-classifier@v0.1.0', 'refs/tags/iris-classifier#champion#1']),
      );
      expect(run.job('promote').steps.at(-1)!.stdout).toBe('promoted iris-classifier@v0.1.0\n');
      expect(callsBeyond(gh, from, run.job('promote').permissions)).toEqual([]);
      expect(gh.conformance).toEqual([]);
    }, 60_000);
  });

  it('has a test for every example workflow', () => {
    const files = readdirSync(join(repoRoot, 'workflows-examples')).filter((f) => f.endsWith('.yml'));
    expect(files.filter((f) => !TESTED_IN[f] || !existsSync(join(repoRoot, TESTED_IN[f]!)))).toEqual([]);
  });
});

/** Where each example workflow's end-to-end test is. */
const TESTED_IN: Record<string, string> = {
  'pull-request-checks.yml': 'test/workflows/examples.test.ts',
  'promote-on-tag.yml': 'test/workflows/examples.test.ts',
  'drift-monitor.yml': 'test/workflows/drift-monitor.test.ts',
  'matrix-sweep.yml': 'test/workflows/matrix-sweep.test.ts',
  'validate-shards.yml': 'test/workflows/validate-shards.test.ts',
};
