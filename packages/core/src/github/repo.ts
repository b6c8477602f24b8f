/** The repository and API root a job runs against, from the runner's environment. */
import { usageError } from '../errors';

export interface RepoRef {
  owner: string;
  repo: string;
  /** REST API root without a trailing slash. */
  apiUrl: string;
}

/** Reads GITHUB_REPOSITORY (`owner/repo`) and GITHUB_API_URL (@default https://api.github.com). */
export function repoFromEnv(env: Record<string, string | undefined> = process.env): RepoRef {
  const full = env.GITHUB_REPOSITORY ?? '';
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(full);
  if (!match) {
    throw usageError(
      full ? `GITHUB_REPOSITORY must be owner/repo, got '${full}'` : 'GITHUB_REPOSITORY is not set',
      'in a workflow the runner sets it; elsewhere export GITHUB_REPOSITORY=owner/repo (and GITHUB_TOKEN)',
    );
  }
  return { owner: match[1]!, repo: match[2]!, apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '') };
}
