import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MlciError, usageError } from '@mlci/core';
import type { ModelResolver } from './resolve';

/**
 * NAME@ALIAS / NAME@vX.Y.Z from the project's local registry: a verified download into a temporary directory
 * (removed when the server stops). The registry and store load only when a reference needs them.
 */
export function registryResolver(projectDir: string): ModelResolver {
  return async (ref) => {
    if (!/^[^@/\\]+@[^@/\\]+$/.test(ref)) return null;
    const { openRegistry, downloadVersion } = await import('@mlci/registry');
    const { registry } = await openRegistry({ backend: 'local', projectDir });
    const to = await mkdtemp(join(tmpdir(), 'mlci-serve-'));
    const cleanup = () => rm(to, { recursive: true, force: true });
    try {
      const result = await downloadVersion(registry, ref, join(to, 'version'));
      return { dir: modelDirOf(result.files.map((f) => f.path), result.to), ref, source: 'registry', version: result.version, cleanup };
    } catch (error) {
      await cleanup();
      throw error;
    }
  };
}

/** RUN (id, unique prefix or name): the run's model/ artifacts restored from the store, each verified by hash. */
export function runResolver(projectDir: string): ModelResolver {
  return async (ref) => {
    const { projectStore } = await import('@mlci/store');
    const store = projectStore(projectDir);
    const run = await store.getRun(ref).catch((error) => {
      if (error instanceof MlciError && error.kind === 'input') return null;
      throw error;
    });
    if (!run) return null;
    const files = run.artifacts.filter((a) => a.path.startsWith('model/'));
    if (!files.length) throw usageError(`run ${run.id} has no model artifacts under model/`, 'log the model with mlflow.<flavor>.log_model(..., name="model")');
    const to = await mkdtemp(join(tmpdir(), 'mlci-serve-'));
    for (const f of files) {
      await mkdir(dirname(join(to, f.path)), { recursive: true });
      await store.restoreBlob(f.sha256, join(to, f.path));
    }
    return { dir: join(to, 'model'), ref, source: 'run', version: run.id, cleanup: () => rm(to, { recursive: true, force: true }) };
  };
}

/** The project's resolvers, registry first (NAME@ALIAS never looks like a run id). */
export const projectResolvers = (projectDir: string): ModelResolver[] => [registryResolver(projectDir), runResolver(projectDir)];

/** The directory holding MLmodel / predict.py / the .onnx file among downloaded paths (e.g. model/MLmodel). */
function modelDirOf(paths: string[], root: string): string {
  const marker = paths.find((p) => /(^|\/)(MLmodel|predict\.py)$/.test(p)) ?? paths.find((p) => p.endsWith('.onnx'));
  return marker ? join(root, dirname(marker)) : root;
}
