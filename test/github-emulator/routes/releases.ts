/**
 * Releases and their assets. Drafts carry no tag; publishing creates the tag at `target_commitish` when it is
 * missing. Published releases are immutable (GitHub's immutable releases): their tag can never be used by
 * another release, even after deletion, their assets are frozen and the tag ref cannot be moved or deleted.
 */
import { createHash } from 'node:crypto';
import { HttpError, intParam, listAnswer, notFound, ok, validationFailed, DOCS, type EmulatorRequest, type Handler } from '../http';
import { assetJson, releaseJson, type ShapeContext } from '../shapes';
import { now, type EmulatorState, type Release } from '../state';

const releaseOf = (state: EmulatorState, id: number) => {
  const release = state.releases.find((r) => r.id === id);
  if (!release) throw notFound();
  return release;
};

/** Tags that a published release has ever held (immutable releases never give them back). */
export function usedTags(state: EmulatorState): Set<string> {
  return ((state as EmulatorState & { usedReleaseTags?: Set<string> }).usedReleaseTags ??= new Set());
}

function resolveCommitish(state: EmulatorState, commitish: string): string | undefined {
  if (state.commits.has(commitish)) return commitish;
  return state.refs.get(`refs/heads/${commitish}`) ?? state.refs.get(commitish);
}

/** Publishes a draft: the tag is created at `target_commitish` when missing; the tag is then the release's for good. */
export function publish(ctx: ShapeContext, release: Release): void {
  const { state } = ctx;
  const taken = state.releases.some((r) => r !== release && !r.draft && r.tag_name === release.tag_name);
  if (taken || usedTags(state).has(release.tag_name)) {
    throw validationFailed([{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
  }
  const ref = `refs/tags/${release.tag_name}`;
  if (!state.refs.has(ref)) {
    const sha = resolveCommitish(state, release.target_commitish);
    if (!sha) throw validationFailed([{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
    state.refs.set(ref, sha);
  }
  release.draft = false;
  release.published_at = now();
  release.immutable = true;
  usedTags(state).add(release.tag_name);
}

function checkTagName(tag: unknown): void {
  if (typeof tag !== 'string' || tag === '' || /[\s~^:?*[\\]|\.\.|\.lock$|^\/|\/$/.test(tag)) {
    throw validationFailed([{ resource: 'Release', code: 'invalid', field: 'tag_name' }]);
  }
}

function canSeeDrafts(req: EmulatorRequest) {
  return req.token?.permission === 'write';
}

export const releaseRoutes: Record<string, Handler> = {
  'repos/list-releases': (req, ctx) => {
    const visible = ctx.state.releases.filter((r) => !r.draft || canSeeDrafts(req)).sort((a, b) => b.id - a.id);
    return listAnswer(req, ctx, visible, (r) => releaseJson(ctx, r));
  },
  'repos/create-release': (req, ctx) => {
    const b = req.body ?? {};
    checkTagName(b.tag_name);
    const t = now();
    const release: Release = {
      id: ctx.state.nextId(),
      tag_name: b.tag_name,
      target_commitish: b.target_commitish ?? ctx.state.defaultBranch,
      name: b.name ?? null,
      body: b.body ?? null,
      draft: true,
      prerelease: Boolean(b.prerelease),
      immutable: false,
      author: req.token!.user,
      created_at: t,
      published_at: null,
    };
    if (!b.draft) publish(ctx, release);
    ctx.state.releases.push(release);
    return ok(releaseJson(ctx, release), 201, { location: `${ctx.api}/repos/${ctx.state.owner}/${ctx.state.repo}/releases/${release.id}` });
  },
  'repos/get-release': (req, ctx) => {
    const release = releaseOf(ctx.state, intParam(req, 'release_id'));
    if (release.draft && !canSeeDrafts(req)) throw notFound();
    return ok(releaseJson(ctx, release));
  },
  'repos/get-release-by-tag': (req, ctx) => {
    const release = ctx.state.releases.find((r) => !r.draft && r.tag_name === req.params.tag);
    if (!release) throw notFound();
    return ok(releaseJson(ctx, release));
  },
  'repos/get-latest-release': (_req, ctx) => {
    const release = ctx.state.releases
      .filter((r) => !r.draft && !r.prerelease)
      .sort((a, b) => (b.published_at ?? '').localeCompare(a.published_at ?? '') || b.id - a.id)[0];
    if (!release) throw notFound();
    return ok(releaseJson(ctx, release));
  },
  'repos/update-release': (req, ctx) => {
    const release = releaseOf(ctx.state, intParam(req, 'release_id'));
    const b = req.body ?? {};
    if (
      !release.draft &&
      release.immutable &&
      ((b.tag_name !== undefined && b.tag_name !== release.tag_name) ||
        (b.target_commitish !== undefined && b.target_commitish !== release.target_commitish) ||
        b.draft === true)
    ) {
      throw validationFailed([
        { resource: 'Release', code: 'custom', field: 'tag_name', message: 'Cannot modify the tag of an immutable release' },
      ]);
    }
    if (b.tag_name !== undefined) {
      checkTagName(b.tag_name);
      release.tag_name = b.tag_name;
    }
    if (b.target_commitish !== undefined) release.target_commitish = b.target_commitish;
    if (b.name !== undefined) release.name = b.name;
    if (b.body !== undefined) release.body = b.body;
    if (b.prerelease !== undefined) release.prerelease = b.prerelease;
    if (b.draft === false && release.draft) publish(ctx, release);
    return ok(releaseJson(ctx, release));
  },
  'repos/delete-release': (req, ctx) => {
    const release = releaseOf(ctx.state, intParam(req, 'release_id'));
    ctx.state.releases = ctx.state.releases.filter((r) => r !== release);
    ctx.state.assets = ctx.state.assets.filter((a) => a.releaseId !== release.id);
    return { status: 204 };
  },
  'repos/list-release-assets': (req, ctx) => {
    const release = releaseOf(ctx.state, intParam(req, 'release_id'));
    return listAnswer(
      req,
      ctx,
      ctx.state.assets.filter((a) => a.releaseId === release.id),
      (a) => assetJson(ctx, a),
    );
  },
  'repos/upload-release-asset': (req, ctx) => {
    const release = releaseOf(ctx.state, intParam(req, 'release_id'));
    const name = req.query.name!;
    if (!release.draft && release.immutable) {
      throw validationFailed([
        { resource: 'ReleaseAsset', code: 'custom', field: 'name', message: 'Cannot upload assets to an immutable release.' },
      ]);
    }
    if (ctx.state.assets.some((a) => a.releaseId === release.id && a.name === name)) {
      throw validationFailed([{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]);
    }
    if (!req.headers['content-type']) throw new HttpError(400, { message: "Bad Content-Type header value: ''", documentation_url: DOCS });
    const id = ctx.state.nextId();
    const blob = `asset-${id}`;
    ctx.state.blobs.set(blob, req.raw);
    const t = now();
    const asset = {
      id,
      releaseId: release.id,
      name,
      label: req.query.label ?? '',
      content_type: String(req.headers['content-type']),
      blob,
      size: req.raw.length,
      digest: `sha256:${createHash('sha256').update(req.raw).digest('hex')}`,
      uploader: req.token!.user,
      created_at: t,
      updated_at: t,
    };
    ctx.state.assets.push(asset);
    return ok(assetJson(ctx, asset), 201);
  },
  'repos/get-release-asset': (req, ctx) => {
    const asset = ctx.state.assets.find((a) => a.id === intParam(req, 'asset_id'));
    if (!asset) throw notFound();
    if (String(req.headers.accept ?? '').includes('application/octet-stream')) {
      return { status: 302, headers: { location: `${ctx.api}/_blobs/${asset.blob}?sig=emulator` } };
    }
    return ok(assetJson(ctx, asset));
  },
  'repos/update-release-asset': (req, ctx) => {
    const asset = ctx.state.assets.find((a) => a.id === intParam(req, 'asset_id'));
    if (!asset) throw notFound();
    const b = req.body ?? {};
    if (b.name !== undefined) asset.name = b.name;
    if (b.label !== undefined) asset.label = b.label;
    asset.updated_at = now();
    return ok(assetJson(ctx, asset));
  },
  'repos/delete-release-asset': (req, ctx) => {
    const asset = ctx.state.assets.find((a) => a.id === intParam(req, 'asset_id'));
    if (!asset) throw notFound();
    const release = ctx.state.releases.find((r) => r.id === asset.releaseId);
    if (release && !release.draft && release.immutable) {
      throw validationFailed([{ resource: 'ReleaseAsset', code: 'custom', message: 'Cannot delete assets of an immutable release.' }]);
    }
    ctx.state.assets = ctx.state.assets.filter((a) => a !== asset);
    return { status: 204 };
  },
};
