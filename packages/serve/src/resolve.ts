import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inputError } from '@mlci/core';

/** A model reference made concrete: a directory on disk to serve. */
export interface ResolvedModel {
  /** Absolute model directory (or .onnx file). */
  dir: string;
  /** The reference as given: a path, NAME@ALIAS, NAME@vX.Y.Z or a run id. */
  ref: string;
  /** What the reference named. */
  source: 'path' | 'registry' | 'run';
  /** Registry version (X.Y.Z) or run id, when known: shown by /version and used for image tags. */
  version?: string;
  /** For source 'registry': which backend it came from (github: `owner/repo`; local: the .mlci/registry path). */
  registry?: { kind: 'github' | 'local'; location: string };
  /** Removes anything the resolver downloaded; called when the server stops. */
  cleanup?: () => Promise<void>;
}

/**
 * Turns a reference into a model directory, or returns null when the reference is not its kind (so the next
 * resolver is tried). The CLI passes resolvers for the registry (NAME@ALIAS) and runs (RUN).
 */
export type ModelResolver = (ref: string) => Promise<ResolvedModel | null>;

/**
 * The seam between `mlci serve REF` and where models live: an existing path is served as it is; anything else
 * goes to each resolver in turn. Errors name the reference and what was tried.
 */
export async function resolveModelRef(ref: string, resolvers: ModelResolver[] = []): Promise<ResolvedModel> {
  if (!ref) throw inputError('no model given', { hint: 'pass a model directory, NAME@ALIAS or a run id' });
  if (
    await stat(ref).then(
      () => true,
      () => false,
    )
  )
    return { dir: resolve(ref), ref, source: 'path' };
  for (const resolver of resolvers) {
    const found = await resolver(ref);
    if (found) return found;
  }
  throw inputError(`no model directory at "${ref}"${resolvers.length ? ', and no registry version or run by that name' : ''}`, {
    hint: 'pass a model directory (MLflow model, predict.py, or .onnx), NAME@ALIAS / NAME@vX.Y.Z from the registry, or a run id',
  });
}
