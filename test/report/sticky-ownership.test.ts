// Sticky comment ownership (issue #13 item 3): only comments the token's identity wrote are taken over. A
// person's comment that carries mlci's marker is never edited or deleted, and with a personal token the
// identity is that person (GET /user), so the bot's comments are not theirs to take over either.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, GITHUB_ACTIONS_BOT, tokenIdentity } from '@mlci/core/github';
import { upsertReport, type ReportSection } from '@mlci/report';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { DEFAULT_TOKENS } from '../github-emulator/state';

let gh: Emulator;
const owner = 'octo-org';
const repo = 'octo-repo';
const client = (token = 'ghs_test_write') => createGitHubClient({ token, baseUrl: gh.url, paceWrites: false, retries: 0 });
const section = (id: string, text: string): ReportSection => ({
  id,
  kind: 'model',
  outcome: 'pass',
  headline: text,
  body: `body of ${text}`,
});
const upsert = (token: string, sections: ReportSection[]) =>
  upsertReport({ client: client(token), owner, repo, issueNumber: 1, sections, settleMs: 20, jitterMs: 10 });
/** A comment with mlci's marker, as a person would paste one (quoting an old report). */
const quoted =
  '<!-- mlci:report -->\n\nQuoting the old report:\n<!-- mlci:section id=train kind=model outcome=fail -->\n### ❌ Training\n<!-- /mlci:section id=train -->';

beforeEach(async () => {
  gh = await startEmulator({ state: { tokens: { ...DEFAULT_TOKENS, ghp_octocat: { permission: 'write', login: 'octocat' } } } });
});
afterEach(async () => {
  expect(gh.conformance).toEqual([]);
  await gh.stop();
});

describe('sticky comment ownership', () => {
  it("leaves a person's comment carrying the marker alone and writes the bot's own", async () => {
    const person = (await client('ghp_octocat').rest.issues.createComment({ owner, repo, issue_number: 1, body: quoted })).data;
    const result = await upsert('ghs_test_write', [section('train', 'run 1')]);
    expect(result.action).toBe('created');
    expect(result.commentId).not.toBe(person.id);
    expect(result.removedDuplicates).toEqual([]);
    const comments = gh.state.comments.filter((c) => c.issueNumber === 1);
    expect(comments.map((c) => [c.user.login, c.body === quoted])).toEqual([
      ['octocat', true],
      [GITHUB_ACTIONS_BOT, false],
    ]);
    // The bot's report did not absorb the person's quoted section either.
    expect(comments[1]!.body).not.toContain('outcome=fail');
    const again = await upsert('ghs_test_write', [section('train', 'run 2')]);
    expect(again).toMatchObject({ action: 'updated', commentId: result.commentId });
    expect(gh.state.comments.find((c) => c.id === person.id)?.body).toBe(quoted);
  });

  it("with a personal token the identity is GET /user: the bot's report is not taken over", async () => {
    const bot = await upsert('ghs_test_write', [section('train', 'by the bot')]);
    const mine = await upsert('ghp_octocat', [section('train', 'by octocat')]);
    expect(mine.action).toBe('created');
    expect(mine.commentId).not.toBe(bot.commentId);
    expect(gh.state.comments.find((c) => c.id === bot.commentId)?.body).toContain('by the bot');
    expect(gh.requests.filter((r) => r.path === '/user').map((r) => r.status)).toEqual([403, 200]);
  });

  it('GITHUB_TOKEN cannot read /user (403): the identity is github-actions[bot], or MLCI_BOT_LOGIN for an app', async () => {
    expect(await tokenIdentity(client('ghs_test_write'), {})).toBe('github-actions[bot]');
    expect(await tokenIdentity(client('ghs_test_write'), { MLCI_BOT_LOGIN: 'mlci-app[bot]' })).toBe('mlci-app[bot]');
    expect(await tokenIdentity(client('ghp_octocat'), { MLCI_BOT_LOGIN: 'mlci-app[bot]' })).toBe('octocat');
    // A bad token is not an identity question: the 401 is the remote error it is (exit 3).
    const bad = await tokenIdentity(client('ghs_revoked'), {}).catch((e) => e);
    expect(bad).toMatchObject({ kind: 'remote', status: 401 });
  });
});
