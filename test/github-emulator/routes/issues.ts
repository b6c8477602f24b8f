/** Pull requests, issues and issue comments (the sticky PR comment and the drift monitor's issue). */
import { HttpError, intParam, listAnswer, notFound, ok, validationFailed, type Handler } from '../http';
import { commentJson, issueJson, pullJson } from '../shapes';
import { now, type EmulatorState, type Issue } from '../state';

const issueOf = (state: EmulatorState, n: number) => {
  const issue = state.issues.find((i) => i.number === n);
  if (!issue) throw notFound();
  return issue;
};
const commentOf = (state: EmulatorState, id: number) => {
  const comment = state.comments.find((c) => c.id === id);
  if (!comment) throw notFound();
  return comment;
};

export const issueRoutes: Record<string, Handler> = {
  'pulls/get': (req, ctx) => {
    const issue = issueOf(ctx.state, intParam(req, 'pull_number'));
    if (!issue.pull) throw notFound();
    return ok(pullJson(ctx, issue, true));
  },
  'pulls/list': (req, ctx) => {
    const wanted = req.query.state ?? 'open';
    const pulls = ctx.state.issues
      .filter((i) => i.pull && (wanted === 'all' || i.state === wanted))
      .filter((i) => !req.query.head || `${ctx.state.owner}:${i.pull!.head}` === req.query.head || i.pull!.head === req.query.head)
      .filter((i) => !req.query.base || i.pull!.base === req.query.base)
      .sort((a, b) => b.number - a.number);
    return listAnswer(req, ctx, pulls, (i) => pullJson(ctx, i, false));
  },
  'issues/get': (req, ctx) => ok(issueJson(ctx, issueOf(ctx.state, intParam(req, 'issue_number')))),
  'issues/list-for-repo': (req, ctx) => {
    const wanted = req.query.state ?? 'open';
    const labels = req.query.labels ? req.query.labels.split(',').map((l) => l.trim()) : [];
    const issues = ctx.state.issues
      .filter((i) => wanted === 'all' || i.state === wanted)
      .filter((i) => labels.every((l) => i.labels.includes(l)))
      .filter((i) => !req.query.creator || i.user.login === req.query.creator)
      .sort((a, b) => b.number - a.number);
    return listAnswer(req, ctx, issues, (i) => issueJson(ctx, i));
  },
  'issues/create': (req, ctx) => {
    const b = req.body ?? {};
    const t = now();
    const number = Math.max(0, ...ctx.state.issues.map((i) => i.number)) + 1;
    const issue: Issue = {
      id: ctx.state.nextId(),
      number,
      title: String(b.title),
      body: b.body ?? null,
      state: 'open',
      user: req.token!.user,
      labels: (b.labels ?? []).map((l: string | { name: string }) => (typeof l === 'string' ? l : l.name)),
      created_at: t,
      updated_at: t,
      closed_at: null,
    };
    ctx.state.issues.push(issue);
    return ok(issueJson(ctx, issue), 201, { location: `${ctx.api}/repos/${ctx.state.owner}/${ctx.state.repo}/issues/${number}` });
  },
  'issues/update': (req, ctx) => {
    const issue = issueOf(ctx.state, intParam(req, 'issue_number'));
    const b = req.body ?? {};
    if (b.title !== undefined && b.title !== null) issue.title = String(b.title);
    if (b.body !== undefined) issue.body = b.body;
    if (b.labels) issue.labels = b.labels.map((l: string | { name: string }) => (typeof l === 'string' ? l : l.name));
    if (b.state && b.state !== issue.state) {
      issue.state = b.state;
      issue.closed_at = b.state === 'closed' ? now() : null;
    }
    issue.updated_at = now();
    return ok(issueJson(ctx, issue));
  },
  'issues/list-comments': (req, ctx) => {
    const issue = issueOf(ctx.state, intParam(req, 'issue_number'));
    const since = req.query.since;
    const comments = ctx.state.comments.filter((c) => c.issueNumber === issue.number && (!since || c.updated_at >= since));
    return listAnswer(req, ctx, comments, (c) => commentJson(ctx, c));
  },
  'issues/create-comment': (req, ctx) => {
    const issue = issueOf(ctx.state, intParam(req, 'issue_number'));
    if (issue.locked)
      throw new HttpError(403, {
        message: 'Unable to create comment because issue is locked.',
        documentation_url: 'https://docs.github.com/articles/locking-conversations/',
        status: '403',
      });
    const body = String(req.body.body);
    if (body.length > 65536)
      throw validationFailed([
        { resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' },
      ]);
    const t = now();
    const comment = { id: ctx.state.nextId(), issueNumber: issue.number, body, user: req.token!.user, created_at: t, updated_at: t };
    ctx.state.comments.push(comment);
    return ok(commentJson(ctx, comment), 201, {
      location: `${ctx.api}/repos/${ctx.state.owner}/${ctx.state.repo}/issues/comments/${comment.id}`,
    });
  },
  'issues/get-comment': (req, ctx) => ok(commentJson(ctx, commentOf(ctx.state, intParam(req, 'comment_id')))),
  'issues/update-comment': (req, ctx) => {
    const comment = commentOf(ctx.state, intParam(req, 'comment_id'));
    const body = String(req.body.body);
    if (body.length > 65536)
      throw validationFailed([
        { resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' },
      ]);
    comment.body = body;
    comment.updated_at = now();
    return ok(commentJson(ctx, comment));
  },
  'issues/delete-comment': (req, ctx) => {
    const comment = commentOf(ctx.state, intParam(req, 'comment_id'));
    ctx.state.comments = ctx.state.comments.filter((c) => c !== comment);
    return { status: 204 };
  },
};
