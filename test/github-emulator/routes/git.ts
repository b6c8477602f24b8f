/**
 * Git refs, annotated tag objects and commits. Updates without `force` must be fast-forwards; tags of
 * immutable (published) releases cannot be moved or deleted.
 */
import { createHash } from 'node:crypto';
import { notFound, ok, validationFailed, type Handler } from '../http';
import { commitJson, gitCommitJson, refJson, tagJson } from '../shapes';
import { now, type EmulatorState } from '../state';
import { usedTags } from './releases';

/** The commit a sha names, peeling annotated tags. */
function peel(state: EmulatorState, sha: string): string {
  let current = sha;
  for (let i = 0; i < 10; i++) {
    const tag = state.tagObjects.get(current);
    if (!tag) return current;
    current = tag.object.sha;
  }
  return current;
}

function isAncestor(state: EmulatorState, ancestor: string, of: string): boolean {
  const seen = new Set<string>();
  const stack = [of];
  while (stack.length) {
    const sha = stack.pop()!;
    if (sha === ancestor) return true;
    if (seen.has(sha)) continue;
    seen.add(sha);
    stack.push(...(state.commits.get(sha)?.parents ?? []));
  }
  return false;
}

const objectExists = (state: EmulatorState, sha: string) => state.commits.has(sha) || state.tagObjects.has(sha);

function protectedTag(state: EmulatorState, ref: string): boolean {
  return (
    ref.startsWith('refs/tags/') &&
    usedTags(state).has(ref.slice('refs/tags/'.length)) &&
    state.releases.some((r) => !r.draft && r.immutable && `refs/tags/${r.tag_name}` === ref)
  );
}

function resolveRef(state: EmulatorState, ref: string): string | undefined {
  if (state.commits.has(ref)) return ref;
  return state.refs.get(`refs/heads/${ref}`) ?? state.refs.get(`refs/tags/${ref}`) ?? state.refs.get(ref);
}

export const gitRoutes: Record<string, Handler> = {
  'git/create-ref': (req, ctx) => {
    const { ref, sha } = req.body as { ref: string; sha: string };
    if (!ref.startsWith('refs/') || ref.split('/').length < 3) {
      throw validationFailed([], "Reference name must start with 'refs/' and have at least two slashes.");
    }
    if (ctx.state.refs.has(ref)) throw validationFailed([], 'Reference already exists');
    if (!objectExists(ctx.state, sha)) throw validationFailed([], 'Object does not exist');
    ctx.state.refs.set(ref, sha);
    return ok(refJson(ctx, ref, sha), 201, { location: `${ctx.api}/repos/${ctx.state.owner}/${ctx.state.repo}/git/${ref}` });
  },
  'git/get-ref': (req, ctx) => {
    const ref = `refs/${req.params.ref}`;
    const sha = ctx.state.refs.get(ref);
    if (!sha) throw notFound();
    return ok(refJson(ctx, ref, sha));
  },
  'git/list-matching-refs': (req, ctx) => {
    const prefix = `refs/${req.params.ref ?? ''}`;
    const refs = [...ctx.state.refs].filter(([r]) => r.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b));
    return ok(refs.map(([r, sha]) => refJson(ctx, r, sha)));
  },
  'git/update-ref': (req, ctx) => {
    const ref = `refs/${req.params.ref}`;
    const current = ctx.state.refs.get(ref);
    const { sha, force } = req.body as { sha: string; force?: boolean };
    if (!current) throw validationFailed([], 'Reference does not exist');
    if (!objectExists(ctx.state, sha)) throw validationFailed([], 'Object does not exist');
    if (protectedTag(ctx.state, ref) && sha !== current)
      throw validationFailed([], 'Cannot update a tag that belongs to an immutable release');
    if (!force && !isAncestor(ctx.state, peel(ctx.state, current), peel(ctx.state, sha)))
      throw validationFailed([], 'Update is not a fast forward');
    ctx.state.refs.set(ref, sha);
    return ok(refJson(ctx, ref, sha));
  },
  'git/delete-ref': (req, ctx) => {
    const ref = `refs/${req.params.ref}`;
    if (!ctx.state.refs.has(ref)) throw validationFailed([], 'Reference does not exist');
    if (protectedTag(ctx.state, ref)) throw validationFailed([], 'Cannot delete a tag that belongs to an immutable release');
    ctx.state.refs.delete(ref);
    return { status: 204 };
  },
  'git/create-tag': (req, ctx) => {
    const b = req.body as {
      tag: string;
      message: string;
      object: string;
      type: string;
      tagger?: { name: string; email: string; date?: string };
    };
    if (!objectExists(ctx.state, b.object)) throw validationFailed([], 'Object does not exist');
    const sha = createHash('sha1').update(`tag\0${b.tag}\0${b.object}\0${b.message}\0${ctx.state.nextId()}`).digest('hex');
    const tag = {
      sha,
      tag: b.tag,
      message: b.message,
      object: { sha: b.object, type: b.type },
      date: b.tagger?.date ?? now(),
      tagger: {
        name: b.tagger?.name ?? 'github-actions[bot]',
        email: b.tagger?.email ?? '41898282+github-actions@users.noreply.github.com',
      },
    };
    ctx.state.tagObjects.set(sha, tag);
    return ok(tagJson(ctx, tag), 201, { location: `${ctx.api}/repos/${ctx.state.owner}/${ctx.state.repo}/git/tags/${sha}` });
  },
  'git/get-tag': (req, ctx) => {
    const tag = ctx.state.tagObjects.get(req.params.tag_sha!);
    if (!tag) throw notFound();
    return ok(tagJson(ctx, tag));
  },
  'git/create-commit': (req, ctx) => {
    const b = req.body as { message: string; tree: string; parents?: string[] };
    for (const p of b.parents ?? [])
      if (!ctx.state.commits.has(p)) throw validationFailed([], 'Parent SHA does not exist or is not a commit object');
    const c = ctx.state.commit(b.message, b.parents ?? []);
    return ok(gitCommitJson(ctx, { ...c, tree: b.tree }), 201);
  },
  'git/get-commit': (req, ctx) => {
    const c = ctx.state.commits.get(req.params.commit_sha!);
    if (!c) throw notFound();
    return ok(gitCommitJson(ctx, c));
  },
  'repos/get-commit': (req, ctx) => {
    const sha = resolveRef(ctx.state, req.params.ref!);
    const c = sha ? ctx.state.commits.get(peel(ctx.state, sha)) : undefined;
    if (!c) throw validationFailed([], `No commit found for SHA: ${req.params.ref}`);
    return ok(commitJson(ctx, c));
  },
};

export { resolveRef, peel };
