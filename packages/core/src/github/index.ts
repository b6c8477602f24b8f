export { createGitHubClient, type GitHubClient, type GitHubClientOptions } from './client';
export { pacingFromEnv } from './pacing';
export { describeGitHubError, permissionFor, type GitHubErrorContext } from './errors';
export { repoFromEnv, type RepoRef } from './repo';
