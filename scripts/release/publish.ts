/**
 * The GitHub side of a release, safe to run again: the release for the tag is created, or updated to the
 * CHANGELOG's notes when a rerun finds it; the major tag (`v0`) is created or force-moved to the tagged
 * commit, unless a newer release of that major already exists (a patch to an older line leaves it alone).
 */
import { describeGitHubError, type GitHubClient } from '@mlci/core/github';
import { compareVersions, parseReleaseTag, type ReleaseTag } from './checks';

export interface Repo {
  owner: string;
  repo: string;
}

const status = (e: unknown) => (typeof e === 'object' && e !== null ? (e as { status?: number }).status : undefined);

/** The commit a tag names, annotated tags peeled. */
export async function tagCommit(gh: GitHubClient, repo: Repo, tag: string): Promise<string> {
  try {
    const { data: ref } = await gh.rest.git.getRef({ ...repo, ref: `tags/${tag}` });
    if (ref.object.type !== 'tag') return ref.object.sha;
    const { data: object } = await gh.rest.git.getTag({ ...repo, tag_sha: ref.object.sha });
    return object.object.sha;
  } catch (error) {
    throw describeGitHubError(error, { operation: `read the tag ${tag}`, permission: 'contents: read' });
  }
}

export interface ReleaseOutcome {
  url: string;
  /** created: a new release; updated: a rerun changed its notes or title; unchanged: a rerun found it as it should be. */
  action: 'created' | 'updated' | 'unchanged';
}

/** The published release for `release.tag`, titled with the tag, its body the notes. */
export async function upsertRelease(gh: GitHubClient, repo: Repo, release: ReleaseTag, notes: string): Promise<ReleaseOutcome> {
  const wanted = { name: release.tag, body: notes };
  const existing = await findRelease(gh, repo, release.tag);
  try {
    if (existing) {
      if (existing.name === wanted.name && existing.body === wanted.body) return { url: existing.html_url, action: 'unchanged' };
      const { data } = await gh.rest.repos.updateRelease({ ...repo, release_id: existing.id, ...wanted });
      return { url: data.html_url, action: 'updated' };
    }
    const { data } = await gh.rest.repos.createRelease({ ...repo, tag_name: release.tag, ...wanted, draft: false });
    return { url: data.html_url, action: 'created' };
  } catch (error) {
    throw describeGitHubError(error, { operation: `publish the release ${release.tag}`, permission: 'contents: write' });
  }
}

async function findRelease(gh: GitHubClient, repo: Repo, tag: string) {
  try {
    return (await gh.rest.repos.getReleaseByTag({ ...repo, tag })).data;
  } catch (error) {
    if (status(error) === 404) return null;
    throw describeGitHubError(error, { operation: `look up the release ${tag}`, permission: 'contents: read' });
  }
}

export interface MajorTagOutcome {
  tag: string;
  /** created / moved / unchanged, or kept: a newer release of the major exists and keeps it. */
  action: 'created' | 'moved' | 'unchanged' | 'kept';
  /** The newer release that keeps the tag, when kept. */
  newer?: string;
}

/** Points `release.major` at `sha` (a lightweight tag, force-moved), unless a newer vMAJOR.x.y is released. */
export async function moveMajorTag(gh: GitHubClient, repo: Repo, release: ReleaseTag, sha: string): Promise<MajorTagOutcome> {
  const newer = await newestReleaseOf(gh, repo, release);
  if (newer && compareVersions(newer.parts, release.parts) > 0) return { tag: release.major, action: 'kept', newer: newer.tag };
  const ref = `tags/${release.major}`;
  try {
    let current: string | null = null;
    try {
      current = (await gh.rest.git.getRef({ ...repo, ref })).data.object.sha;
    } catch (error) {
      if (status(error) !== 404) throw error;
    }
    if (current === sha) return { tag: release.major, action: 'unchanged' };
    if (current === null) {
      await gh.rest.git.createRef({ ...repo, ref: `refs/${ref}`, sha });
      return { tag: release.major, action: 'created' };
    }
    await gh.rest.git.updateRef({ ...repo, ref, sha, force: true });
    return { tag: release.major, action: 'moved' };
  } catch (error) {
    throw describeGitHubError(error, { operation: `move the tag ${release.major} to ${sha.slice(0, 12)}`, permission: 'contents: write' });
  }
}

/** The highest published vMAJOR.x.y release other than this one, or null. */
async function newestReleaseOf(gh: GitHubClient, repo: Repo, release: ReleaseTag): Promise<ReleaseTag | null> {
  let releases: Array<{ tag_name: string; draft: boolean }>;
  try {
    releases = await gh.paginate(gh.rest.repos.listReleases, { ...repo, per_page: 100 });
  } catch (error) {
    throw describeGitHubError(error, { operation: 'list the releases', permission: 'contents: read' });
  }
  let best: ReleaseTag | null = null;
  for (const r of releases) {
    if (r.draft || r.tag_name === release.tag) continue;
    let other: ReleaseTag;
    try {
      other = parseReleaseTag(r.tag_name);
    } catch {
      continue; // model versions (name@vX.Y.Z) and dataset releases share the list
    }
    if (other.major === release.major && (!best || compareVersions(other.parts, best.parts) > 0)) best = other;
  }
  return best;
}
