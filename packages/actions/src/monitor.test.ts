import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { createGitHubClient } from '@mlci/core/github';
import { startEmulator, type Emulator } from '../../../test/github-emulator/index';
import { driftIssueBody, driftMarker, issueTitle, syncDriftIssue, type DriftIssueOptions } from './monitor';

let gh: Emulator;
beforeAll(async () => {
  gh = await startEmulator();
});
afterAll(() => gh?.stop());

const facts = {
  data: 'data/production.csv',
  reference: 'data/train.csv',
  driftShare: 0.8,
  driftedColumns: ['petal_length', 'sepal_width'],
  runUrl: 'https://github.com/octo-org/octo-repo/actions/runs/7',
};
const options = (over: Partial<DriftIssueOptions> = {}): DriftIssueOptions => ({
  client: createGitHubClient({ token: 'ghs_test_write', baseUrl: gh.url, paceWrites: false, retries: 0 }),
  owner: 'octo-org',
  repo: 'octo-repo',
  drifted: true,
  title: 'Data drift detected in production data',
  report: '### ❌ Distribution check',
  facts,
  ...over,
});
const monitorIssues = (marker = driftMarker()) => gh.state.issues.filter((i) => !i.pull && (i.body ?? '').includes(marker));

describe('syncDriftIssue', () => {
  it('opens one issue, updates the same one while drift lasts, then comments and closes when it clears', async () => {
    const first = await syncDriftIssue(options());
    expect(first).toMatchObject({ action: 'opened', issue: { state: 'open' } });
    expect(monitorIssues().map((i) => [i.number, i.title, i.state])).toEqual([
      [first.issue!.number, 'Data drift detected in production data', 'open'],
    ]);

    const second = await syncDriftIssue(options({ facts: { ...facts, driftedColumns: ['petal_width'], driftShare: 0.25 } }));
    expect(second).toMatchObject({ action: 'updated', issue: { number: first.issue!.number } });
    expect(monitorIssues()).toHaveLength(1);
    expect(monitorIssues()[0]!.body).toContain('<code>petal&#95;width</code> (share 25.0%)');
    expect(gh.state.comments.filter((c) => c.issueNumber === first.issue!.number)).toEqual([]);

    const cleared = await syncDriftIssue(options({ drifted: false, facts: { ...facts, driftedColumns: [], driftShare: 0 } }));
    expect(cleared).toMatchObject({ action: 'cleared', issue: { number: first.issue!.number, state: 'closed' } });
    expect(monitorIssues()[0]!.state).toBe('closed');
    expect(gh.state.comments.filter((c) => c.issueNumber === first.issue!.number).map((c) => c.body)).toEqual([
      expect.stringMatching(/^✅ \*\*Drift cleared\*\*.*drifted share 0\.0%/),
    ]);

    // Clean again with nothing open: nothing to do. Drift again: a new episode, a new issue.
    expect(await syncDriftIssue(options({ drifted: false }))).toEqual({ action: 'none' });
    const again = await syncDriftIssue(options());
    expect(again.action).toBe('opened');
    expect(again.issue!.number).not.toBe(first.issue!.number);
    expect(gh.conformance).toEqual([]);
  });

  it('keeps monitors with different keys apart and leaves clearing open issues when asked', async () => {
    const a = await syncDriftIssue(options({ key: 'eu' }));
    const b = await syncDriftIssue(options({ key: 'us' }));
    expect(a.issue!.number).not.toBe(b.issue!.number);
    const cleared = await syncDriftIssue(options({ key: 'eu', drifted: false, closeWhenClear: false }));
    expect(cleared).toMatchObject({ action: 'cleared', issue: { number: a.issue!.number, state: 'open' } });
    expect(() => driftMarker('bad key -->')).toThrow(/key/);
  });

  it('dispatches retraining once, when the issue is opened', async () => {
    // The emulator has no workflow-dispatch route yet: a canned 204 stands in for GitHub's answer.
    const from = gh.requests.length;
    const opened = await syncDriftIssue(
      options({ key: 'dispatch', dispatch: { workflow: 'retrain.yml', ref: 'main', inputs: { reason: 'drift' } } }),
    );
    expect(opened.dispatched).toEqual({ workflow: 'retrain.yml', ref: 'main' });
    const updated = await syncDriftIssue(options({ key: 'dispatch', dispatch: { workflow: 'retrain.yml', ref: 'main' } }));
    expect(updated.dispatched).toBeUndefined();
    const dispatches = gh.requests.slice(from).filter((r) => r.path.endsWith('/dispatches'));
    expect(dispatches.map((r) => [r.path, r.body])).toEqual([
      ['/repos/octo-org/octo-repo/actions/workflows/retrain.yml/dispatches', { ref: 'main', inputs: { reason: 'drift' } }],
    ]);
    gh.faults.clear();
  });

  it("takes over only its own issue: a person's issue quoting the marker is left alone (the sticky comment's matcher)", async () => {
    const marker = driftMarker('owned');
    const t = new Date().toISOString();
    const person = { id: 583231, login: 'octocat', type: 'User' as const };
    gh.state.issues.push({
      id: gh.state.nextId(),
      number: 900,
      title: 'About the drift monitor',
      body: `It writes ${marker} in its issues.`,
      state: 'open',
      user: person,
      labels: [],
      created_at: t,
      updated_at: t,
      closed_at: null,
    });
    const result = await syncDriftIssue(options({ key: 'owned' }));
    expect(result.action).toBe('opened');
    expect(result.issue!.number).not.toBe(900);
    expect(gh.state.issues.find((i) => i.number === 900)!.body).toBe(`It writes ${marker} in its issues.`);
    const cleared = await syncDriftIssue(options({ key: 'owned', drifted: false }));
    expect(cleared.issue!.number).toBe(result.issue!.number);
    expect(gh.state.issues.find((i) => i.number === 900)!.state).toBe('open');
  });

  it('fails with the permissions line to add when the token is read-only', async () => {
    const error = await syncDriftIssue(
      options({ key: 'readonly', client: createGitHubClient({ token: 'ghs_test_read', baseUrl: gh.url, paceWrites: false, retries: 0 }) }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlciError);
    expect((error as MlciError).message).toMatch(/could not open the drift issue: GitHub answered HTTP 403/);
    expect((error as MlciError).hint).toContain('add `issues: write` under `permissions:`');
  });
});

describe('issue text', () => {
  it('escapes everything that came from the data and keeps the title to one line', () => {
    const body = driftIssueBody(
      {
        report: 'REPORT',
        facts: { ...facts, data: '[x](http://evil) @octocat', driftedColumns: ['<img src=x>', '`tick`'], runUrl: 'javascript:alert(1)' },
      },
      new Date('2026-01-02T03:04:05Z'),
    );
    expect(body.startsWith('<!-- mlci:drift-monitor -->\n**Data drift detected** on 2026-01-02 03:04 UTC.')).toBe(true);
    expect(body).not.toMatch(/\[x\]|<img|@octocat|javascript:|`tick`/);
    expect(body).toContain('<code>&#60;img src&#61;x&#62;</code>');
    expect(body.trimEnd().endsWith('REPORT')).toBe(true);
    expect(issueTitle('Drift\nin\r\nprod')).toBe('Drift in prod');
    expect(issueTitle('x'.repeat(300))).toHaveLength(256);
  });
});
