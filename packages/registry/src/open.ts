import { pacingFromEnv, usageError } from '@mlci/core';
import { projectStore, type LocalStore } from '@mlci/store';
import { LocalRegistry } from './local';
import type { GitHubRegistryOptions } from './github';
import type { RegistryBackend } from './types';

export interface OpenRegistryOptions {
  /** Which backend. @default 'local' */
  backend?: 'local' | 'github';
  /** Project directory whose `.mlci/` holds the store (runs, blobs) and the local registry. @default cwd */
  projectDir?: string;
  /** GitHub backend: `owner/repo`. @default $GITHUB_REPOSITORY */
  repo?: string;
  /** GitHub backend: a token with `contents: write` (read for list/show/download). @default $GITHUB_TOKEN */
  token?: string;
  /** GitHub backend: API base URL. @default $GITHUB_API_URL, else https://api.github.com */
  baseUrl?: string;
  /**
   * GitHub backend: client settings (retries, backoff, pacing; see `GitHubClientOptions`).
   * @default writes paced one a second unless the environment sets MLCI_GITHUB_PACE_WRITES=false (for emulators)
   */
  client?: GitHubRegistryOptions['client'];
  /** Environment to read the defaults from. @default process.env */
  env?: Record<string, string | undefined>;
}

export interface OpenedRegistry {
  registry: RegistryBackend;
  /** The project's local store, where runs are read for promotion (both backends). */
  store: LocalStore;
}

/** Opens the registry a command or action asked for, with errors that say which setting is missing. */
export async function openRegistry(options: OpenRegistryOptions = {}): Promise<OpenedRegistry> {
  const env = options.env ?? process.env;
  const store = projectStore(options.projectDir ?? process.cwd());
  if ((options.backend ?? 'local') === 'local') return { registry: new LocalRegistry({ store }), store };
  const repo = options.repo || env.GITHUB_REPOSITORY;
  const token = options.token || env.GITHUB_TOKEN;
  if (!repo || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) throw usageError(`the GitHub registry needs a repository as owner/name${repo ? `, got "${repo}"` : ''}`, 'pass --repo OWNER/NAME or set GITHUB_REPOSITORY');
  if (!token) throw usageError('the GitHub registry needs a token', 'set GITHUB_TOKEN (in a workflow: `env: GITHUB_TOKEN: ${{ github.token }}` with `permissions: contents: write`)');
  const { GitHubRegistry } = await import('./github');
  const [owner, name] = repo.split('/');
  // Pacing writes is GitHub's advice for integrations; an emulator or a test has no secondary limits to respect.
  const paceWrites = pacingFromEnv(env);
  return { registry: new GitHubRegistry({ owner, repo: name, token, baseUrl: options.baseUrl || env.GITHUB_API_URL, client: { paceWrites, ...options.client } }), store };
}
