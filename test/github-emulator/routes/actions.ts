/** Workflow runs, their artifacts (REST side), commit statuses and check runs. */
import { HttpError, intParam, notFound, ok, paginate, type Handler } from '../http';
import { artifactJson, checkRunJson, statusJson, workflowRunJson } from '../shapes';
import { now, type CheckRun } from '../state';
import { peel, resolveRef } from './git';

export const actionsRoutes: Record<string, Handler> = {
  // A workflow_dispatch event: recorded for tests to read (the emulator runs no workflows). GitHub answers 204.
  'actions/create-workflow-dispatch': (req, ctx) => {
    const body = (req.body ?? {}) as { ref?: string; inputs?: Record<string, unknown> };
    const workflow = String(req.params.workflow_id);
    if (!/^[\w.-]+\.ya?ml$|^\d+$/.test(workflow)) throw notFound();
    ctx.state.dispatches.push({ workflow, ref: String(body.ref), inputs: body.inputs ?? {} });
    return { status: 204 };
  },
  'actions/list-workflow-runs-for-repo': (req, ctx) => {
    const q = req.query;
    const runs = ctx.state.workflowRuns
      .filter((r) => !q.branch || r.head_branch === q.branch)
      .filter((r) => !q.event || r.event === q.event)
      .filter((r) => !q.status || r.status === q.status || r.conclusion === q.status)
      .filter((r) => !q.head_sha || r.head_sha === q.head_sha)
      .sort((a, b) => b.id - a.id);
    const { page, headers } = paginate(req, ctx, runs);
    return ok({ total_count: runs.length, workflow_runs: page.map((r) => workflowRunJson(ctx, r)) }, 200, headers);
  },
  'actions/get-workflow-run': (req, ctx) => {
    const run = ctx.state.workflowRuns.find((r) => r.id === intParam(req, 'run_id'));
    if (!run) throw notFound();
    return ok(workflowRunJson(ctx, run));
  },
  'actions/list-workflow-run-artifacts': (req, ctx) => {
    const runId = intParam(req, 'run_id');
    if (!ctx.state.workflowRuns.some((r) => r.id === runId)) throw notFound();
    const list = ctx.state.artifacts
      .filter((a) => a.finalized && a.runId === runId && (!req.query.name || a.name === req.query.name))
      .sort((a, b) => b.id - a.id);
    const { page, headers } = paginate(req, ctx, list);
    return ok({ total_count: list.length, artifacts: page.map((a) => artifactJson(ctx, a)) }, 200, headers);
  },
  'actions/list-artifacts-for-repo': (req, ctx) => {
    const list = ctx.state.artifacts
      .filter((a) => a.finalized && (!req.query.name || a.name === req.query.name))
      .sort((a, b) => b.id - a.id);
    const { page, headers } = paginate(req, ctx, list);
    return ok({ total_count: list.length, artifacts: page.map((a) => artifactJson(ctx, a)) }, 200, headers);
  },
  'actions/get-artifact': (req, ctx) => {
    const a = ctx.state.artifacts.find((x) => x.finalized && x.id === intParam(req, 'artifact_id'));
    if (!a) throw notFound();
    return ok(artifactJson(ctx, a));
  },
  'actions/download-artifact': (req, ctx) => {
    const a = ctx.state.artifacts.find((x) => x.finalized && x.id === intParam(req, 'artifact_id'));
    if (!a || req.params.archive_format !== 'zip') throw notFound();
    if (!a.blob || !ctx.state.blobs.has(a.blob))
      throw new HttpError(410, {
        message: 'Artifact has expired',
        documentation_url: 'https://docs.github.com/rest/actions/artifacts#download-an-artifact',
        status: '410',
      });
    return { status: 302, headers: { location: `${ctx.api}/_blobs/${a.blob}?sig=emulator` } };
  },
  'actions/delete-artifact': (req, ctx) => {
    const a = ctx.state.artifacts.find((x) => x.id === intParam(req, 'artifact_id'));
    if (!a) throw notFound();
    ctx.state.artifacts = ctx.state.artifacts.filter((x) => x !== a);
    if (a.blob) ctx.state.blobs.delete(a.blob);
    return { status: 204 };
  },
  'repos/create-commit-status': (req, ctx) => {
    const sha = req.params.sha!;
    if (!ctx.state.commits.has(sha))
      throw new HttpError(422, {
        message: `No commit found for SHA: ${sha}`,
        documentation_url: 'https://docs.github.com/rest/commits/statuses#create-a-commit-status',
        status: '422',
      });
    const b = req.body;
    const t = now();
    const status = {
      id: ctx.state.nextId(),
      sha,
      state: b.state,
      context: b.context ?? 'default',
      description: b.description ?? null,
      target_url: b.target_url ?? null,
      creator: req.token!.user,
      created_at: t,
      updated_at: t,
    };
    ctx.state.statuses.push(status);
    return ok(statusJson(ctx, status), 201, { location: `${ctx.api}/repos/${ctx.state.owner}/${ctx.state.repo}/statuses/${sha}` });
  },
  'repos/list-commit-statuses-for-ref': (req, ctx) => {
    const sha = resolveRef(ctx.state, req.params.ref!);
    const list = sha ? ctx.state.statuses.filter((s) => s.sha === peel(ctx.state, sha)).sort((a, b) => b.id - a.id) : [];
    const { page, headers } = paginate(req, ctx, list);
    return ok(
      page.map((s) => statusJson(ctx, s)),
      200,
      headers,
    );
  },
  'checks/create': (req, ctx) => {
    const b = req.body;
    const completed = b.conclusion !== undefined || b.status === 'completed';
    const t = now();
    const run: CheckRun = {
      id: ctx.state.nextId(),
      head_sha: b.head_sha,
      name: b.name,
      status: completed ? 'completed' : (b.status ?? 'queued'),
      conclusion: b.conclusion ?? null,
      external_id: b.external_id ?? '',
      details_url: b.details_url ?? null,
      started_at: b.started_at ?? t,
      completed_at: completed ? (b.completed_at ?? t) : null,
      output: { title: b.output?.title ?? null, summary: b.output?.summary ?? null, text: b.output?.text ?? null },
    };
    ctx.state.checkRuns.push(run);
    return ok(checkRunJson(ctx, run), 201);
  },
  'checks/update': (req, ctx) => {
    const run = ctx.state.checkRuns.find((c) => c.id === intParam(req, 'check_run_id'));
    if (!run) throw notFound();
    const b = req.body ?? {};
    if (b.name) run.name = b.name;
    if (b.status) run.status = b.status;
    if (b.conclusion) {
      run.conclusion = b.conclusion;
      run.status = 'completed';
      run.completed_at = b.completed_at ?? now();
    }
    if (b.details_url !== undefined) run.details_url = b.details_url;
    if (b.output)
      run.output = {
        title: b.output.title ?? run.output.title,
        summary: b.output.summary ?? run.output.summary,
        text: b.output.text ?? run.output.text,
      };
    return ok(checkRunJson(ctx, run));
  },
  'checks/get': (req, ctx) => {
    const run = ctx.state.checkRuns.find((c) => c.id === intParam(req, 'check_run_id'));
    if (!run) throw notFound();
    return ok(checkRunJson(ctx, run));
  },
  'checks/list-for-ref': (req, ctx) => {
    const sha = resolveRef(ctx.state, req.params.ref!);
    const list = sha
      ? ctx.state.checkRuns.filter((c) => c.head_sha === peel(ctx.state, sha) && (!req.query.check_name || c.name === req.query.check_name))
      : [];
    const { page, headers } = paginate(req, ctx, list);
    return ok({ total_count: list.length, check_runs: page.map((c) => checkRunJson(ctx, c)) }, 200, headers);
  },
};
