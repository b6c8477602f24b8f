// The sticky PR report against the GitHub emulator: one comment per PR found by its marker, updated in
// place, surviving other bots' comments and pagination, concurrent writers, racing first runs, and a
// read-only token (a fork's pull request).
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '@mlci/core/github';
import { findReportComments, parseSections, publishReport, upsertReport, type ReportSection } from '@mlci/report';
import { startEmulator, type Emulator } from '../github-emulator/index';

let gh: Emulator;
const owner = 'octo-org';
const repo = 'octo-repo';
const client = (token = 'ghs_test_write') => createGitHubClient({ token, baseUrl: gh.url, paceWrites: false, retries: 0 });
const section = (id: string, text: string, outcome: ReportSection['outcome'] = 'pass'): ReportSection => ({
  id,
  kind: id === 'validate' || id === 'drift' ? 'data' : 'model',
  outcome,
  headline: text,
  body: `body of ${text}`,
});
const upsert = (issueNumber: number, sections: ReportSection[], extra: Partial<Parameters<typeof upsertReport>[0]> = {}) =>
  upsertReport({ client: client(), owner, repo, issueNumber, sections, settleMs: 50, jitterMs: 20, ...extra });
const reportsOn = (issue: number) => gh.state.comments.filter((c) => c.issueNumber === issue && c.body.startsWith('<!-- mlci:report -->'));

beforeEach(async () => {
  gh = await startEmulator({
    state: {
      pulls: [
        { number: 1, head: 'feature' },
        { number: 2, head: 'other' },
      ],
    },
  });
});
afterEach(async () => {
  await gh.stop();
});

describe('sticky report comment', () => {
  it('first run creates it, a rerun updates the same comment, a second PR gets its own', async () => {
    const first = await upsert(1, [section('train', 'run 1')]);
    expect(first.action).toBe('created');
    const again = await upsert(1, [section('train', 'run 2')]);
    expect(again).toMatchObject({ action: 'updated', commentId: first.commentId });
    const same = await upsert(1, [section('train', 'run 2')]);
    expect(same).toMatchObject({ action: 'unchanged', commentId: first.commentId });
    expect(reportsOn(1)).toHaveLength(1);
    expect(reportsOn(1)[0].body).toContain('run 2');
    expect(reportsOn(1)[0].body).not.toContain('run 1');

    const other = await upsert(2, [section('train', 'pr two')]);
    expect(other.action).toBe('created');
    expect(other.commentId).not.toBe(first.commentId);
    expect(reportsOn(1)).toHaveLength(1);
    expect(reportsOn(2)).toHaveLength(1);
    expect(gh.conformance).toEqual([]);
  });

  it("keeps other steps' sections: each step replaces only its own", async () => {
    await upsert(1, [section('validate', 'data ok')]);
    await upsert(1, [section('compare', 'no regressions')]);
    await upsert(1, [section('validate', 'data bad', 'fail')]);
    const [comment] = reportsOn(1);
    expect(parseSections(comment.body).map((s) => [s.id, s.outcome])).toEqual([
      ['validate', 'fail'],
      ['compare', 'pass'],
    ]);
    expect(comment.body.split('\n')[2]).toMatch(/^⚠️ \*\*Data problems\*\*: Data validation$/);
  });

  it("finds its comment among other bots' comments past the first page of 100", async () => {
    const created = await upsert(1, [section('train', 'first')]);
    const bot = { id: 99, login: 'codecov[bot]', type: 'Bot' as const };
    for (let i = 0; i < 150; i++) {
      const t = new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString();
      // Decoys: a marker not at the start, and another tool's marker.
      const body = i % 50 === 0 ? `quoting: <!-- mlci:report --> ${i}` : `<!-- other-bot:report --> coverage ${i}`;
      gh.state.comments.push({ id: gh.state.nextId(), issueNumber: 1, body, user: bot, created_at: t, updated_at: t });
    }
    // Our comment is first in the list; move it behind the decoys so it is on page 2.
    const ours = gh.state.comments.findIndex((c) => c.id === created.commentId);
    gh.state.comments.push(...gh.state.comments.splice(ours, 1));
    const updated = await upsert(1, [section('train', 'second')]);
    expect(updated).toMatchObject({ action: 'updated', commentId: created.commentId });
    expect(reportsOn(1)).toHaveLength(1);
    expect(gh.requests.filter((r) => r.operationId === 'issues/list-comments' && r.query.page === '2').length).toBeGreaterThan(0);
    expect(gh.state.comments.filter((c) => c.issueNumber === 1)).toHaveLength(151);
  });

  it('two writers updating at once keep both sections (the clobbered one re-merges)', async () => {
    await upsert(1, [section('validate', 'data ok')]);
    // Delay whichever PATCH comes first so the second lands before it: a lost update without verification.
    gh.faults.add({ method: 'PATCH', path: /\/issues\/comments\//, delayMs: 300 });
    const [a, b] = await Promise.all([
      upsert(1, [section('drift', 'drift A')], { settleMs: 600 }),
      upsert(1, [section('train', 'train B')], { settleMs: 600 }),
    ]);
    const [comment] = reportsOn(1);
    expect(reportsOn(1)).toHaveLength(1);
    expect(parseSections(comment.body).map((s) => s.id)).toEqual(['validate', 'drift', 'train']);
    expect(a.commentId).toBe(b.commentId);
    // The race really happened: one writer had to write again.
    expect(a.attempts + b.attempts).toBeGreaterThan(2);
  });

  it('racing first runs that both create a comment end with one (the oldest), holding both sections', async () => {
    const [a, b] = await Promise.all([upsert(1, [section('drift', 'drift A')]), upsert(1, [section('train', 'train B')])]);
    const comments = reportsOn(1);
    expect(comments).toHaveLength(1);
    expect(parseSections(comments[0].body).map((s) => s.id)).toEqual(['drift', 'train']);
    expect(a.commentId).toBe(comments[0].id);
    expect(b.commentId).toBe(comments[0].id);
    // Both did create one (that is the race this handles), and the newer was deleted.
    expect(gh.requests.filter((r) => r.operationId === 'issues/create-comment' && r.status === 201)).toHaveLength(2);
    expect([...a.removedDuplicates, ...b.removedDuplicates].length).toBeGreaterThanOrEqual(1);
  });

  it('five jobs reporting at once on a new PR, with slow writes, end with one comment holding all five sections', async () => {
    gh.faults.add({ method: 'PATCH', path: /\/issues\/comments\//, delayMs: 150, times: 3 });
    const ids = ['validate', 'drift', 'train', 'gate', 'compare'];
    await Promise.all(ids.map((id) => upsert(1, [section(id, `${id} result`)], { settleMs: 300, jitterMs: 100, maxAttempts: 8 })));
    expect(reportsOn(1)).toHaveLength(1);
    expect(parseSections(reportsOn(1)[0].body).map((s) => s.id)).toEqual(ids);
  });

  it("a read-only token (a fork's PR) still gives the summary and the report files, with a notice, not a failure", async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'mlci-report-'));
    const notices: string[] = [];
    let summary = '';
    const result = await publishReport({
      sections: [section('compare', 'fork run')],
      github: { client: client('ghs_test_read'), owner, repo, issueNumber: 1 },
      outDir,
      writeSummary: async (m) => {
        summary += m;
      },
      notice: (m) => notices.push(m),
      settleMs: 0,
    });
    expect(result.comment).toBeNull();
    expect(result.skipped).toMatch(/may not write to pull request #1 \(HTTP 403/);
    expect(notices).toHaveLength(1);
    expect(summary).toContain('fork run');
    expect(await readFile(join(outDir, 'report.md'), 'utf8')).toBe(summary);
    expect(JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8'))).toMatchObject({
      schema: 1,
      pullRequest: 1,
      sections: [{ id: 'compare' }],
    });
    expect(reportsOn(1)).toHaveLength(0);
    expect(await findReportComments(client('ghs_test_read'), owner, repo, 1)).toEqual([]);
  });
});
