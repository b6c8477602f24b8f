// The compare-to-champion action, bundled and run as a runner would, against the GitHub emulator: the PR
// report from every step's result, updated in place on rerun, exit 1 on a gated regression, and a fork's
// read-only token giving the summary, the report files and a notice with exit 0.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSections } from '@mlci/report';
import { addWorkflowRun, startEmulator, type Emulator } from '../github-emulator/index';
import { runAction } from '../harness/runner';
import { record, seedStore } from './fixtures-runs';

let gh: Emulator;
beforeAll(async () => {
  gh = await startEmulator();
});
afterAll(async () => {
  await gh.stop();
});

const event = { pull_request: { number: 1, head: { sha: '0123456789abcdef0123456789abcdef01234567' } } };

/** A workspace with a store holding base and cand, and a runner temp holding the other steps' results. */
async function job(candAccuracy: number) {
  const workspace = await mkdtemp(join(tmpdir(), 'mlci-ws-'));
  const temp = await mkdtemp(join(tmpdir(), 'mlci-rt-'));
  const base = record('base', { accuracy: [0.9], val_loss: [0.5, 0.4] });
  const cand = record('cand', { accuracy: [candAccuracy], val_loss: [0.45, 0.35] });
  await seedStore(workspace, [{ run: base }, { run: cand }]);
  const results = join(temp, 'mlci', 'results');
  await mkdir(results, { recursive: true });
  await writeFile(join(results, 'train.json'), JSON.stringify(cand));
  await writeFile(
    join(results, 'validate.json'),
    JSON.stringify({ outcome: 'pass', file: 'data/iris.csv', rows: 150, totals: { total: 0 }, violations: [], tableChecks: [] }),
  );
  await writeFile(
    join(results, 'gate.json'),
    JSON.stringify({
      outcome: 'pass',
      runId: cand.id,
      runName: 'cand',
      assertions: [{ expression: 'val_loss < 1.2 * train_loss', evaluated: '0.35 < 0.4', passed: true }],
    }),
  );
  return { workspace, temp, base, cand };
}

const reports = () => gh.state.comments.filter((c) => c.issueNumber === 1 && c.body.startsWith('<!-- mlci:report -->'));

describe('compare-to-champion action', () => {
  it("posts one report with every step's section, then updates it in place; exit 1 on a gated regression", async () => {
    const first = await job(0.93);
    const inputs = { baseline: first.base.id, thresholds: 'accuracy: {min_absolute_change: 0.005}', 'github-token': 'ghs_test_write' };
    const env = { RUNNER_TEMP: first.temp, GITHUB_API_URL: gh.url };
    const run = await runAction('compare-to-champion', { workspace: first.workspace, inputs, event, env });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'pass', 'best-run': first.cand.id });
    expect(reports()).toHaveLength(1);
    const comment = reports()[0];
    expect(run.outputs['comment-id']).toBe(String(comment.id));
    expect(parseSections(comment.body).map((s) => s.id)).toEqual(['validate', 'train', 'gate', 'compare']);
    expect(comment.body.split('\n')[2]).toMatch(/^✅ \*\*Ready\*\*/);
    expect(run.summary).toContain('<!-- mlci:section id=compare kind=model outcome=pass -->');
    expect(await readFile(run.outputs['report-file'], 'utf8')).toBe(run.summary);
    expect(JSON.parse(await readFile(run.outputs['result-file'], 'utf8'))).toMatchObject({ step: 'compare', outcome: 'pass' });

    const second = await job(0.85);
    const rerun = await runAction('compare-to-champion', {
      workspace: second.workspace,
      inputs: { ...inputs, baseline: second.base.id },
      event,
      env: { RUNNER_TEMP: second.temp, GITHUB_API_URL: gh.url },
    });
    expect(rerun.exitCode).toBe(1);
    expect(rerun.outputs.verdict).toBe('fail');
    expect(rerun.annotations.some((a) => a.level === 'error' && /gated metric regressed: accuracy/.test(a.message))).toBe(true);
    expect(reports()).toHaveLength(1);
    expect(reports()[0].id).toBe(comment.id);
    expect(reports()[0].body.split('\n')[2]).toMatch(/^❌ \*\*Regressions\*\*: Comparison/);
    expect(gh.conformance).toEqual([]);
  });

  it("a fork's read-only token: summary, report files and a notice, exit 0; no champion yet is said plainly", async () => {
    const before = reports().length;
    const fork = await job(0.91);
    const run = await runAction('compare-to-champion', {
      workspace: fork.workspace,
      inputs: { model: 'iris', 'github-token': 'ghs_test_read' },
      event,
      env: { RUNNER_TEMP: fork.temp, GITHUB_API_URL: gh.url },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const notice = run.annotations.find((a) => a.level === 'notice');
    expect(notice?.message).toMatch(/may not write to pull request #1 \(HTTP 403/);
    expect(notice?.message).toMatch(/workflow_run/);
    expect(run.summary).toMatch(/no champion yet|has no champion yet/);
    expect(existsSync(join(fork.temp, 'mlci', 'report', 'report.json'))).toBe(true);
    expect(await readFile(join(fork.temp, 'mlci', 'report', 'report.md'), 'utf8')).toBe(run.summary);
    expect(reports()).toHaveLength(before);
  });
});

describe('compare-to-champion post-results (the workflow_run half of the fork pattern)', () => {
  it('re-renders untrusted results, finds the PR by head SHA (pull_requests is empty for forks) and posts', async () => {
    const pr = gh.state.issues.find((i) => i.number === 1)!;
    const dir = await mkdtemp(join(tmpdir(), 'mlci-artifact-'));
    const evil = '<img src=x onerror=alert(1)> @octocat [x](https://evil.example)';
    await writeFile(
      join(dir, 'validate.json'),
      JSON.stringify({
        outcome: 'fail',
        file: evil,
        rows: 1,
        totals: { total: 1 },
        violations: [{ line: 2, field: evil, constraint: 'x', message: evil }],
        tableChecks: [],
      }),
    );
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    const temp = await mkdtemp(join(tmpdir(), 'mlci-rt-'));
    const run = await runAction('compare-to-champion', {
      inputs: { 'post-results': dir, 'github-token': 'ghs_test_write' },
      event: { workflow_run: { head_sha: pr.pull!.headSha, pull_requests: [], event: 'pull_request' } },
      eventName: 'workflow_run',
      env: { RUNNER_TEMP: temp, GITHUB_API_URL: gh.url },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const comment = gh.state.comments.find((c) => String(c.id) === run.outputs['comment-id'])!;
    expect(comment.issueNumber).toBe(1);
    expect(parseSections(comment.body).find((s) => s.id === 'validate')?.outcome).toBe('fail');
    expect(comment.body).not.toMatch(/<img|@octocat|\]\(https/);
    expect(run.outputs.verdict).toBe('fail');
  });
});

describe('compare-to-champion baseline main', () => {
  it('is the newest successful run on main that left an mlci-run artifact, fetched into a fresh runner and verified', async () => {
    // A push to main trains and uploads its run (train-and-log, as in a real workflow).
    const onMain = addWorkflowRun(gh.state, { head_branch: 'main', event: 'push', status: 'completed', conclusion: 'success' });
    const trainWs = await mkdtemp(join(tmpdir(), 'mlci-ws-main-'));
    await writeFile(
      join(trainWs, 'train.mjs'),
      `import { appendFileSync } from 'node:fs';\nappendFileSync(process.env.MLCI_METRICS_FILE, JSON.stringify({ key: 'accuracy', value: 0.8, step: 0 }) + '\\n');\n`,
    );
    const trained = await runAction('train-and-log', {
      workspace: trainWs,
      env: gh.jobEnv(onMain),
      inputs: { command: `["${process.execPath}", "train.mjs"]`, 'system-metrics-interval': '0' },
    });
    expect(trained.exitCode, trained.stdout + trained.stderr).toBe(0);

    // The PR job runs on a fresh runner: an empty store, only its own train result.
    const workspace = await mkdtemp(join(tmpdir(), 'mlci-ws-pr-'));
    const temp = await mkdtemp(join(tmpdir(), 'mlci-rt-'));
    await mkdir(join(temp, 'mlci', 'results'), { recursive: true });
    await writeFile(join(temp, 'mlci', 'results', 'train.json'), JSON.stringify(record('pr-run', { accuracy: [0.86] })));
    const run = await runAction('compare-to-champion', {
      workspace,
      inputs: { baseline: 'main', thresholds: 'accuracy: higher', 'github-token': 'ghs_test_write', comment: 'false' },
      event,
      env: { ...gh.jobEnv(), RUNNER_TEMP: temp },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(await readFile(run.outputs['result-file'], 'utf8'));
    expect(result.baseline).toMatchObject({ source: 'main', id: trained.outputs['run-id'] });
    expect(result.metrics[0]).toMatchObject({ key: 'accuracy', baseline: 0.8, candidate: 0.86, verdict: 'improved' });
  });
});
