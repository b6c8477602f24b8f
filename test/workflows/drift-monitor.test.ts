/**
 * workflows-examples/drift-monitor.yml end to end against the emulator: a drifted scheduled run opens the one
 * issue and dispatches retraining, a second drifted run (data from a URL) updates the same issue, a clean run
 * comments and closes it; a read-only token fails with the permissions line to add.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { repoRoot } from '../harness/runner';
import { checkoutCopy, explain, runWorkflow, type WorkflowRunResult, removeWorkflowDirs } from './host-runner';
import { callsBeyond } from './permissions';

const WORKFLOW = 'workflows-examples/drift-monitor.yml';
const MARKER = '<!-- mlci:drift-monitor -->';
/** The emulator has no secondary rate limits: mlci's GitHub writes need not be spaced out (seconds per write). */
const NO_PACING = { MLCI_GITHUB_PACE_WRITES: 'false' };
const reference = readFileSync(join(repoRoot, 'examples/iris/data/reference.csv'), 'utf8');

/** The iris reference rows with the flower measurements scaled: production data that has drifted. */
function drifted(factor: number): string {
  const [header, ...rows] = reference.trim().split('\n');
  const cols = header!.split(',');
  const scaled = new Set(['sepal_width', 'petal_length', 'petal_width']);
  return (
    [
      header,
      ...rows.map((r) =>
        r
          .split(',')
          .map((v, i) => (scaled.has(cols[i]!) ? (Number(v) * factor).toFixed(2) : v))
          .join(','),
      ),
    ].join('\n') + '\n'
  );
}

function project(production: string): string {
  const dir = checkoutCopy(join(repoRoot, 'examples/iris'));
  writeFileSync(join(dir, 'data/production.csv'), production);
  return dir;
}

let gh: Emulator;
let server: Server;
let dataUrl: string;
const step = (run: WorkflowRunResult) => run.job('drift').steps.find((s) => s.id === 'drift')!;
const monitorIssues = () => gh.state.issues.filter((i) => !i.pull && (i.body ?? '').includes(MARKER));
const dispatches = () => gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/dispatches'));

beforeAll(async () => {
  gh = await startEmulator();
  server = createServer((req, res) => {
    res.writeHead(req.url === '/production.csv' ? 200 : 404, { 'content-type': 'text/csv' });
    res.end(req.url === '/production.csv' ? drifted(1.6) : 'not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  dataUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/production.csv`;
});
afterAll(async () => {
  await gh?.stop();
  removeWorkflowDirs();
  server?.close();
});

describe('drift-monitor.yml', () => {
  let issueNumber: number;

  it('a drifted scheduled run opens one issue, dispatches retraining once and stays green', async () => {
    const from = gh.requests.length;
    const run = await runWorkflow({ workflow: WORKFLOW, projectDir: project(drifted(2)), emulator: gh, env: NO_PACING, event: 'schedule' });
    expect(run.conclusion, explain(run)).toBe('success');
    expect(step(run).outputs).toMatchObject({ outcome: 'fail', 'issue-action': 'opened', dispatched: 'true' });
    expect(monitorIssues()).toHaveLength(1);
    const issue = monitorIssues()[0]!;
    issueNumber = issue.number;
    expect(step(run).outputs['issue-number']).toBe(String(issueNumber));
    expect([issue.title, issue.state]).toEqual(['Data drift detected in production data', 'open']);
    expect(issue.body).toContain('- current data: data/production.csv');
    expect(issue.body).toMatch(/- drifted columns: .*<code>petal&#95;length<\/code>/);
    expect(issue.body).toContain(`/actions/runs/${run.runId})`);
    expect(dispatches().map((r) => [r.path, r.body])).toEqual([
      ['/repos/octo-org/octo-repo/actions/workflows/matrix-sweep.yml/dispatches', { ref: 'main' }],
    ]);
    expect(run.job('drift').summary).toContain('Distribution check');
    expect(
      step(run)
        .annotations.filter((a) => a.level === 'notice')
        .map((a) => a.message),
    ).toEqual([expect.stringContaining(`drift issue #${issueNumber} opened`)]);
    expect(run.job('drift').steps.at(-1)!.stdout).toMatch(new RegExp(`^drift fail \\(share [0-9.]+\\), issue opened ${issueNumber}\\n$`));
    expect(callsBeyond(gh, from, run.job('drift').permissions)).toEqual([]);
  }, 60_000);

  it('a second drifted run, its data fetched from a URL, updates the same issue without dispatching again', async () => {
    const from = gh.requests.length;
    const run = await runWorkflow({
      workflow: WORKFLOW,
      projectDir: project(reference),
      emulator: gh,
      env: NO_PACING,
      event: 'workflow_dispatch',
      inputs: { 'data-url': dataUrl },
    });
    expect(run.conclusion, explain(run)).toBe('success');
    expect(run.job('drift').steps[1]!.outcome).toBe('success'); // the fetch step ran
    expect(step(run).outputs).toMatchObject({
      outcome: 'fail',
      'issue-action': 'updated',
      'issue-number': String(issueNumber),
      dispatched: 'false',
    });
    expect(monitorIssues().map((i) => [i.number, i.state])).toEqual([[issueNumber, 'open']]);
    expect(monitorIssues()[0]!.body).toContain('production.csv');
    expect(monitorIssues()[0]!.body).not.toContain('- current data: data/production.csv');
    expect(dispatches()).toHaveLength(1);
    expect(callsBeyond(gh, from, run.job('drift').permissions)).toEqual([]);
  }, 60_000);

  it('a clean run comments that drift cleared and closes the issue', async () => {
    const run = await runWorkflow({ workflow: WORKFLOW, projectDir: project(reference), emulator: gh, env: NO_PACING, event: 'schedule' });
    expect(run.conclusion, explain(run)).toBe('success');
    expect(run.job('drift').steps[1]!.outcome).toBe('skipped'); // no URL: the file in the repository
    expect(step(run).outputs).toMatchObject({ outcome: 'pass', 'issue-action': 'cleared', 'issue-number': String(issueNumber) });
    expect(monitorIssues().map((i) => [i.number, i.state])).toEqual([[issueNumber, 'closed']]);
    expect(gh.state.comments.filter((c) => c.issueNumber === issueNumber).map((c) => c.body)).toEqual([
      expect.stringContaining('**Drift cleared**'),
    ]);
    expect(dispatches()).toHaveLength(1);
    expect(gh.conformance).toEqual([]);
  }, 60_000);

  it('with a read-only token the step fails and names the permission to add', async () => {
    const run = await runWorkflow({
      workflow: WORKFLOW,
      projectDir: project(drifted(2)),
      emulator: gh,
      env: NO_PACING,
      event: 'schedule',
      token: 'ghs_test_read',
    });
    expect(run.conclusion).toBe('failure');
    const errors = step(run)
      .annotations.filter((a) => a.level === 'error')
      .map((a) => a.message)
      .join('\n');
    expect(errors).toContain('could not open the drift issue: GitHub answered HTTP 403');
    expect(errors).toContain('add `issues: write` under `permissions:`');
    expect(monitorIssues().filter((i) => i.state === 'open')).toEqual([]);
  }, 60_000);
});
