export * from './errors';
export * from './fs';
export * from './log';
export * from './result';
export * from './args';
export * from './markdown';
export * from './sanitize';
export * from './sparkline';
export { pacingFromEnv } from './github/pacing';
export { MLCI_VERSION } from './version';
export * from './yaml';
// GitHub error and identity helpers without loading octokit (the client is @mlci/core/github).
export { GitHubRemoteError, statusOf } from './github/errors';
export { authoredBy, GITHUB_ACTIONS_BOT, tokenIdentity } from './github/identity';
