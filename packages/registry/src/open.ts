import { pacingFromEnv } from '@mlci/core';
import {
  githubTarget,
  LocalStore,
  openStore,
  resolveBackend,
  type BackendChoice,
  type BackendKind,
  type BackendSettings,
  type Store,
} from '@mlci/store';
import type { GitHubStore } from '@mlci/store/github-store';
import { LocalRegistry } from './local';
import type { GitHubRegistryOptions } from './github';
import type { RegistryBackend } from './types';

export interface OpenBackendsOptions extends BackendSettings {
  /** Project directory whose `.mlci/` holds the (workspace) store and the local registry. @default cwd */
  projectDir?: string;
  /** Where runs and datasets go. @default 'auto': GitHub artifacts inside a job, else `.mlci/` */
  store?: BackendChoice;
  /** Where model versions and aliases go. @default 'auto': releases and tags inside a job with a token, else `.mlci/registry` */
  registry?: BackendChoice;
  /**
   * GitHub registry: client settings (retries, backoff, pacing; see `GitHubClientOptions`).
   * @default writes paced one a second unless the environment sets MLCI_GITHUB_PACE_WRITES=false (for emulators)
   */
  client?: GitHubRegistryOptions['client'];
}

/** The store and the registry of one place: what every command, action and the pipeline work with. */
export interface Backends {
  store: Store;
  registry: RegistryBackend;
  kinds: { store: BackendKind; registry: BackendKind };
}

/**
 * The one way to open the store and the registry (the CLI, every action and `mlci run` call it). Choices
 * are resolved by `resolveBackend`: an explicit `github` needs a repository and a token and says so.
 */
export async function openBackends(options: OpenBackendsOptions = {}): Promise<Backends> {
  const projectDir = options.projectDir ?? process.cwd();
  const kinds = { store: resolveBackend(options.store, 'store', options), registry: resolveBackend(options.registry, 'registry', options) };
  const store = await openStore({ ...options, projectDir, backend: kinds.store });
  // The local registry keeps asset bytes as blobs of the workspace store, so a model is stored once.
  const workspace = store instanceof LocalStore ? store : (store as GitHubStore).workspace;
  if (kinds.registry === 'local') return { store, registry: new LocalRegistry({ store: workspace }), kinds };
  const target = githubTarget(options)!;
  const { GitHubRegistry } = await import('./github');
  // Pacing writes is GitHub's advice for integrations; an emulator or a test has no secondary limits to respect.
  const paceWrites = pacingFromEnv(options.env ?? process.env);
  const registry = new GitHubRegistry({
    owner: target.owner,
    repo: target.repo,
    token: target.token,
    baseUrl: target.baseUrl,
    client: { paceWrites, logger: options.logger, ...options.client },
  });
  return { store, registry, kinds };
}

/** The registry alone, with runs read from the workspace store (kept for callers that name one backend). */
export async function openRegistry(
  options: Omit<OpenBackendsOptions, 'store' | 'registry'> & { backend?: BackendKind } = {},
): Promise<{ registry: RegistryBackend; store: Store }> {
  const { registry, store } = await openBackends({ ...options, store: 'local', registry: options.backend ?? 'local' });
  return { registry, store };
}
