import { describe, expect, it } from 'vitest';
import { pullRequestFromEvent, resolvePullRequest } from './pull-request';
import { parsePredictions, parsePredictionsJsonl } from './compare-predictions';
import { verdictLine } from './comment';

describe('pullRequestFromEvent', () => {
  it("reads pull_request, issue_comment on a PR and workflow_run with PRs; null for a fork's workflow_run", () => {
    expect(pullRequestFromEvent({ pull_request: { number: 7, head: { sha: 'abc' } } })).toEqual({
      number: 7,
      headSha: 'abc',
      via: 'event',
    });
    expect(pullRequestFromEvent({ issue: { number: 8, pull_request: {} } })).toEqual({ number: 8, headSha: null, via: 'event' });
    expect(pullRequestFromEvent({ issue: { number: 9 } })).toBeNull(); // a plain issue
    expect(pullRequestFromEvent({ workflow_run: { head_sha: 'def', pull_requests: [{ number: 3 }] } })).toEqual({
      number: 3,
      headSha: 'def',
      via: 'event',
    });
    expect(pullRequestFromEvent({ workflow_run: { head_sha: 'def', pull_requests: [] } })).toBeNull();
    expect(pullRequestFromEvent({})).toBeNull();
  });
});

describe('resolvePullRequest', () => {
  it("reports a push to the default branch nowhere, without asking GitHub (main's run is not a merged PR's)", async () => {
    const asked: string[] = [];
    const client = new Proxy(
      {},
      { get: (_t, key) => (asked.push(String(key)), () => Promise.reject(new Error('no call expected'))) },
    ) as never;
    const push = { ref: 'refs/heads/main', after: 'a'.repeat(40), repository: { default_branch: 'main' } };
    expect(await resolvePullRequest(client, 'o', 'r', push)).toBeNull();
    expect(asked).toEqual([]);
  });
});

describe('predictions JSON Lines', () => {
  it('reads objects, stringifies labels, and names the bad line', () => {
    expect(
      parsePredictionsJsonl('{"id":1,"y_true":1,"y_pred":0}\n\n{"id":"b","y_true":"cat","y_pred":"cat","score":0.9}\n', 'p.jsonl'),
    ).toEqual([
      { id: '1', yTrue: '1', yPred: '0' },
      { id: 'b', yTrue: 'cat', yPred: 'cat', score: '0.9' },
    ]);
    expect(() => parsePredictions('{"id":1,"y_true":1}\n', 'p.jsonl')).toThrow(/no "y_pred" field/);
    try {
      parsePredictions('{"id":1,"y_true":1,"y_pred":1}\nnot json\n', 'p.jsonl');
      expect.unreachable();
    } catch (error) {
      expect((error as { location: { line: number } }).location.line).toBe(2);
    }
  });
});

describe('verdictLine', () => {
  it('says ready, regressions or data problems, in that order of reading', () => {
    expect(verdictLine([])).toMatch(/^⏳/);
    expect(verdictLine([{ id: 'train', kind: 'model', outcome: 'pass' }])).toBe('✅ **Ready**: 1 check passed.');
    expect(
      verdictLine([
        { id: 'drift', kind: 'data', outcome: 'fail' },
        { id: 'compare', kind: 'model', outcome: 'pass' },
      ]),
    ).toBe('⚠️ **Data problems**: Drift');
    expect(
      verdictLine([
        { id: 'drift', kind: 'data', outcome: 'fail' },
        { id: 'compare', kind: 'model', outcome: 'fail' },
      ]),
    ).toBe('❌ **Regressions**: Comparison · ⚠️ **Data problems**: Drift');
  });
});
