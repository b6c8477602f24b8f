export { createGitHubClient, type GitHubClient, type GitHubClientOptions } from './client';
export { pacingFromEnv } from './pacing';
export {
  describeGitHubError,
  GitHubRemoteError,
  permissionFor,
  statusOf,
  toRemoteError,
  validationProblems,
  type GitHubErrorContext,
  type ValidationProblem,
} from './errors';
export { authoredBy, GITHUB_ACTIONS_BOT, tokenIdentity } from './identity';
export { publishRelease, ReleaseTagTakenError, type PublishedRelease, type PublishReleaseOptions, type ReleaseAsset } from './release';
export { repoFromEnv, type RepoRef } from './repo';
