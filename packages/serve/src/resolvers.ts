import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { inputError, MlciError, usageError, type Logger } from '@mlci/core';
import type { RegistryBackend } from '@mlci/registry';
import type { ModelResolver } from './resolve';

/** Where NAME@ALIAS / NAME@vX.Y.Z are looked up. auto: GitHub inside an Actions job with a token, else local. */
export type RegistryChoice = 'auto' | 'github' | 'local';

export interface RegistrySettings {
  /** @default 'local' (the CLI's behaviour); the build-serve-image action passes its `registry` input (default auto) */
  registry?: RegistryChoice;
  /** GitHub token (the action's `github-token` input). @default $GITHUB_TOKEN */
  token?: string;
  /** Environment the choice and the GitHub target are read from (GITHUB_ACTIONS, GITHUB_REPOSITORY, GITHUB_API_URL). @default process.env */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

/** The registry serving reads, opened by the one backend factory (`auto`: GitHub in a job with a token, else local). */
export async function openServeRegistry(
  projectDir: string,
  settings: RegistrySettings = {},
): Promise<{ registry: RegistryBackend; kind: 'github' | 'local' }> {
  const { openBackends } = await import('@mlci/registry');
  const { registry, kinds } = await openBackends({
    token: settings.token || undefined,
    env: settings.env,
    logger: settings.logger,
    projectDir,
    registry: settings.registry ?? 'local',
    store: 'local',
  });
  return { registry, kind: kinds.registry };
}

/**
 * NAME@ALIAS / NAME@vX.Y.Z from the registry: a verified download (every file checked against card.json and
 * SHA256SUMS, card paths refused when they would leave the directory) into a fresh temporary directory, removed
 * when the server stops. The registry and store load only when a reference needs them.
 */
export function registryResolver(projectDir: string, settings: RegistrySettings = {}): ModelResolver {
  return async (ref) => {
    if (!/^[^@/\\]+@[^@/\\]+$/.test(ref)) return null;
    const { downloadVersion } = await import('@mlci/registry');
    const { registry, kind } = await openServeRegistry(projectDir, settings);
    const where =
      kind === 'github' ? `the GitHub registry (releases of ${registry.location})` : `the local registry (${registry.location})`;
    const to = await mkdtemp(join(tmpdir(), 'mlci-serve-'));
    const cleanup = () => rm(to, { recursive: true, force: true });
    try {
      const result = await downloadVersion(registry, ref, join(to, 'version'));
      const dir = modelDirOf(
        result.files.map((f) => f.path),
        result.to,
      );
      // downloadVersion already refuses unsafe card paths; this guards the directory handed to the server too.
      const rel = relative(to, dir);
      if (rel.startsWith('..') || isAbsolute(rel))
        throw inputError(`${ref}: the model directory ${dir} is outside the download directory`, {
          hint: 'the card names unsafe paths; re-register the model',
        });
      return { dir, ref, source: 'registry', version: result.version, registry: { kind, location: registry.location }, cleanup };
    } catch (error) {
      await cleanup();
      if (error instanceof MlciError) {
        const other = kind === 'github' ? 'local' : 'github';
        throw new MlciError(error.kind, `${ref} from ${where}: ${error.message}`, {
          hint: [error.hint, `the registry is chosen by the \`registry\` input (auto|github|local); ${other} looks elsewhere`]
            .filter(Boolean)
            .join('; '),
          cause: error,
        });
      }
      throw error;
    }
  };
}

/** RUN (id, unique prefix or name): the run's model/ artifacts restored from the store, each verified by hash. */
export function runResolver(projectDir: string): ModelResolver {
  return async (ref) => {
    const { openStore, RunNotFoundError } = await import('@mlci/store');
    // In a job, a run recorded by another workflow run is fetched from its artifact (GitHub store).
    const store = await openStore({ projectDir });
    // Only "no such run" means the reference is something else; a refused record (unsafe paths) is an error.
    const run = await store.getRun(ref).catch((error) => {
      if (error instanceof RunNotFoundError) return null;
      throw error;
    });
    if (!run) return null;
    const files = run.artifacts.filter((a) => a.path.startsWith('model/'));
    if (!files.length)
      throw usageError(
        `run ${run.id} has no model artifacts under model/`,
        'log the model with mlflow.<flavor>.log_model(..., name="model")',
      );
    const to = await mkdtemp(join(tmpdir(), 'mlci-serve-'));
    for (const f of files) {
      await mkdir(dirname(join(to, f.path)), { recursive: true });
      await store.restoreBlob(f.sha256, join(to, f.path));
    }
    return { dir: join(to, 'model'), ref, source: 'run', version: run.id, cleanup: () => rm(to, { recursive: true, force: true }) };
  };
}

/** The project's resolvers, registry first (NAME@ALIAS never looks like a run id). */
export const projectResolvers = (projectDir: string, settings: RegistrySettings = {}): ModelResolver[] => [
  registryResolver(projectDir, settings),
  runResolver(projectDir),
];

/** The directory holding MLmodel / predict.py / the .onnx file among downloaded paths (e.g. model/MLmodel). */
function modelDirOf(paths: string[], root: string): string {
  const marker = paths.find((p) => /(^|\/)(MLmodel|predict\.py)$/.test(p)) ?? paths.find((p) => p.endsWith('.onnx'));
  return marker ? join(root, dirname(marker)) : root;
}
