/**
 * Which backend a command or action uses, decided in one place: inside a GitHub Actions job that can reach
 * the repository, GitHub (runs as artifacts, models on releases); anywhere else the local `.mlci/`. An
 * explicit choice (mlci.yml `store:`/`registry:`, `--github`, an action input) always wins.
 */
import { pacingFromEnv, usageError, type Logger } from '@mlci/core';
import type { GitHubClient } from '@mlci/core/github';
import { projectStore } from './local';
import type { Store } from './store';

export type BackendKind = 'local' | 'github';
export type BackendChoice = BackendKind | 'auto';

/** The repository and credentials a GitHub backend works with. */
export interface GitHubTarget {
  owner: string;
  repo: string;
  /** Empty when the job has none (artifact uploads still work through the job's runtime token). */
  token: string;
  /** REST API root. @default $GITHUB_API_URL, else https://api.github.com */
  baseUrl?: string;
}

export interface BackendSettings {
  /** `owner/name`. @default $GITHUB_REPOSITORY */
  repo?: string;
  /** @default $GITHUB_TOKEN */
  token?: string;
  /** @default $GITHUB_API_URL */
  baseUrl?: string;
  /** Environment to read the defaults from. @default process.env */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** True inside a GitHub Actions job (GITHUB_ACTIONS=true) of a known repository. */
export const inGitHubJob = (env: NodeJS.ProcessEnv = process.env) =>
  env.GITHUB_ACTIONS === 'true' && REPO.test(env.GITHUB_REPOSITORY ?? '');

/** The repository and token from settings, then the environment; null when no repository is known. */
export function githubTarget(settings: BackendSettings = {}): GitHubTarget | null {
  const env = settings.env ?? process.env;
  const full = settings.repo || env.GITHUB_REPOSITORY || '';
  if (!full) return null;
  if (!REPO.test(full))
    throw usageError(`a GitHub repository must be OWNER/NAME, got "${full}"`, 'pass --repo OWNER/NAME or set GITHUB_REPOSITORY');
  const [owner, repo] = full.split('/');
  return { owner, repo, token: settings.token || env.GITHUB_TOKEN || '', baseUrl: settings.baseUrl || env.GITHUB_API_URL || undefined };
}

/**
 * The backend an `auto` choice means here: GitHub in a job that has a token (or, for the store, the artifact
 * service), local otherwise. `what` names the setting in errors ("store", "registry").
 */
export function resolveBackend(choice: BackendChoice | undefined, what: 'store' | 'registry', settings: BackendSettings = {}): BackendKind {
  const env = settings.env ?? process.env;
  const target = githubTarget(settings);
  if (choice === 'local') return 'local';
  if (choice === 'github') {
    if (!target)
      throw usageError(
        `the GitHub ${what} needs a repository`,
        'set GITHUB_REPOSITORY=OWNER/NAME (in a job it is set for you) or pass --repo',
      );
    if (!target.token)
      throw usageError(
        `the GitHub ${what} needs a token`,
        'set GITHUB_TOKEN (in a workflow: `github-token: ${{ github.token }}`, with the `permissions:` the step needs)',
      );
    return 'github';
  }
  if (choice !== undefined && choice !== 'auto') throw usageError(`${what} must be auto, github or local, got "${String(choice)}"`);
  if (!inGitHubJob(env) || !target) return 'local';
  return target.token || (what === 'store' && env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL) ? 'github' : 'local';
}

/** A REST client for the target (@mlci/core/github: retries, rate limits; pacing off for emulators). */
export async function githubClientFor(target: GitHubTarget, settings: BackendSettings = {}): Promise<GitHubClient | undefined> {
  if (!target.token) return undefined;
  const { createGitHubClient } = await import('@mlci/core/github');
  return createGitHubClient({
    token: target.token,
    baseUrl: target.baseUrl,
    logger: settings.logger,
    paceWrites: pacingFromEnv(settings.env ?? process.env),
  });
}

export interface OpenStoreOptions extends BackendSettings {
  /** Project directory whose `.mlci/` is the (workspace) store. @default cwd */
  projectDir?: string;
  /** @default 'auto' */
  backend?: BackendChoice;
}

/** The store for this project and place (see resolveBackend). Prefer `openBackends` from @mlci/registry. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const local = projectStore(options.projectDir ?? process.cwd());
  if (resolveBackend(options.backend, 'store', options) === 'local') return local;
  const target = githubTarget(options)!;
  const { GitHubStore } = await import('./github-store');
  return new GitHubStore({ local, ...target, client: await githubClientFor(target, options), env: options.env, logger: options.logger });
}
