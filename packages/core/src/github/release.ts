/**
 * The one routine that publishes a release with assets: draft → upload → verify → publish. Readers never see
 * a half-uploaded release, which also fits repositories with immutable releases (no asset added later).
 *
 * The failure rule (one, for models and datasets alike): a release that could not be published is not left
 * behind. The draft is deleted unless GitHub shows it published after all (an answer lost on the way back),
 * and a rerun first deletes any draft still carrying the tag (a job that died before cleaning up), so a
 * rerun after a failure publishes the same tag: no version number is skipped, no draft piles up.
 */
import { MlciError } from '../errors';
import type { GitHubClient } from './client';
import { describeGitHubError, GitHubRemoteError, statusOf, validationProblems } from './errors';

export interface ReleaseAsset {
  name: string;
  size: number;
  /** Hex SHA-256, compared with the digest GitHub reports for the upload. */
  sha256: string;
  read(): Promise<Uint8Array>;
}

export interface PublishReleaseOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  tag: string;
  /** @default the tag */
  name?: string;
  body: string;
  /** Commit the tag is created at when it does not exist yet. */
  target?: string;
  /** @default GitHub's default ('true' for a new highest version) */
  makeLatest?: 'true' | 'false' | 'legacy';
  assets: ReleaseAsset[];
  logger?: { info(m: string): void; warn(m: string): void };
}

export interface PublishedRelease {
  id: number;
  tag_name: string;
  draft: boolean;
  html_url: string;
  upload_url: string;
  assets: Array<{ id: number; name: string; size: number; state?: string; digest?: string | null }>;
}

/** Someone else published the tag first (GitHub's 422 already_exists on tag_name). Our draft is gone. */
export class ReleaseTagTakenError extends MlciError {
  constructor(readonly tag: string) {
    super('remote', `release ${tag} was published by someone else first`, { hint: 'promote again: the next run picks a free version' });
    this.name = 'ReleaseTagTakenError';
  }
}

/** Publishes `tag` (see the module comment for the failure rule); returns the published release. */
export async function publishRelease(options: PublishReleaseOptions): Promise<PublishedRelease> {
  const { client, tag } = options;
  const r = { owner: options.owner, repo: options.repo };
  await deleteLeftoverDrafts(options);
  const { data: draft } = (await client.request('POST /repos/{owner}/{repo}/releases', {
    ...r,
    tag_name: tag,
    name: options.name ?? tag,
    body: options.body.slice(0, 120_000),
    draft: true,
    ...(options.target ? { target_commitish: options.target } : {}),
    ...(options.makeLatest ? { make_latest: options.makeLatest } : {}),
  })) as unknown as { data: PublishedRelease };
  try {
    for (const asset of options.assets) {
      const bytes = await asset.read();
      await client
        .request({
          method: 'POST',
          url: draft.upload_url,
          name: asset.name,
          data: Buffer.from(bytes),
          headers: { 'content-type': 'application/octet-stream', 'content-length': bytes.length },
        } as never)
        .catch((error: unknown) => {
          throw describeGitHubError(error, { operation: `upload ${asset.name} to ${tag}` });
        });
    }
    await verifyUploaded(client, r, draft.id, tag, options.assets);
    const { data } = await client.request('PATCH /repos/{owner}/{repo}/releases/{release_id}', {
      ...r,
      release_id: draft.id,
      draft: false,
      ...(options.makeLatest ? { make_latest: options.makeLatest } : {}),
    });
    return data as unknown as PublishedRelease;
  } catch (error) {
    // Read the draft back before touching it: a publish GitHub applied while its answer was lost made it ours.
    const mine = await client.request('GET /repos/{owner}/{repo}/releases/{release_id}', { ...r, release_id: draft.id }).then(
      (x) => x.data as unknown as PublishedRelease,
      () => undefined,
    );
    if (mine && !mine.draft && mine.tag_name === tag) return mine;
    if (mine?.draft)
      await client.request('DELETE /repos/{owner}/{repo}/releases/{release_id}', { ...r, release_id: draft.id }).catch(() => undefined);
    if (statusOf(error) === 422 && validationProblems(error).some((e) => e.code === 'already_exists' && e.field === 'tag_name'))
      throw new ReleaseTagTakenError(tag);
    // Said as the step that failed (an upload names its asset), else as the publish.
    const said = error instanceof GitHubRemoteError && !error.operation ? error.during({ operation: `publish ${tag}` }) : error;
    if (said instanceof MlciError)
      throw new MlciError(said.kind, `${said.message}; the draft was deleted, nothing was published`, { hint: said.hint, cause: said });
    throw said;
  }
}

/** Drafts of `tag` left by an attempt that failed without cleaning up (see the failure rule). */
async function deleteLeftoverDrafts(options: PublishReleaseOptions): Promise<void> {
  const { client, tag } = options;
  const r = { owner: options.owner, repo: options.repo };
  const releases = (await client.paginate('GET /repos/{owner}/{repo}/releases', { ...r, per_page: 100 })) as unknown as PublishedRelease[];
  for (const left of releases.filter((x) => x.draft && x.tag_name === tag)) {
    options.logger?.warn(`deleting draft release ${tag} (id ${left.id}) left by an earlier attempt`);
    await client.request('DELETE /repos/{owner}/{repo}/releases/{release_id}', { ...r, release_id: left.id }).catch((error) => {
      if (statusOf(error) !== 404) throw error;
    });
  }
}

/** Every asset is on the draft with its size (and digest where GitHub reports one), and nothing else. */
async function verifyUploaded(
  client: GitHubClient,
  r: { owner: string; repo: string },
  releaseId: number,
  tag: string,
  assets: ReleaseAsset[],
): Promise<void> {
  const { data } = await client.request('GET /repos/{owner}/{repo}/releases/{release_id}', { ...r, release_id: releaseId });
  const release = data as unknown as PublishedRelease;
  const byName = new Map(release.assets.map((a) => [a.name, a]));
  const problems: string[] = [];
  for (const want of assets) {
    const got = byName.get(want.name);
    if (!got) problems.push(`${want.name} is missing`);
    else if (got.size !== want.size) problems.push(`${want.name} has ${got.size} bytes, expected ${want.size}`);
    else if (got.state && got.state !== 'uploaded') problems.push(`${want.name} is ${got.state}`);
    else if (got.digest && got.digest !== `sha256:${want.sha256}`)
      problems.push(`${want.name} has digest ${got.digest}, expected sha256:${want.sha256}`);
  }
  const extra = release.assets.filter((a) => !assets.some((w) => w.name === a.name)).map((a) => a.name);
  if (extra.length) problems.push(`unexpected assets: ${extra.join(', ')}`);
  if (problems.length)
    throw new MlciError('remote', `the uploaded assets of ${tag} do not match: ${problems.join('; ')}`, {
      hint: 'an upload was cut short or altered; run again',
    });
}
