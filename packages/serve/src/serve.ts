import type { Logger } from '@mlci/core';
import { inspectModelDir } from './model-dir';
import { OnnxPredictor } from './onnx';
import { PythonPredictor, type PythonPredictorOptions } from './python-worker';
import { resolveModelRef, type ModelResolver, type ResolvedModel } from './resolve';
import { listenHttp } from './listen';
import { startScoringServer, type RunningServer, type ScoringServerOptions } from './server';
import type { ModelInfo, Predictor, PredictorInfo } from './types';

export interface ServeModelOptions
  extends
    Pick<
      ScoringServerOptions,
      | 'host'
      | 'port'
      | 'maxBodyBytes'
      | 'requestTimeoutMs'
      | 'headersTimeoutMs'
      | 'keepAliveTimeoutMs'
      | 'idleTimeoutMs'
      | 'shutdownGraceMs'
      | 'logger'
    >,
    Pick<PythonPredictorOptions, 'python' | 'workers' | 'workerTimeoutMs' | 'startTimeoutMs' | 'maxQueue'> {
  /** Force a loader (sklearn, pyfunc, predict.py, onnx) instead of detecting it. */
  loader?: string;
  /** Resolvers for references that are not paths (registry NAME@ALIAS, run ids). @default none */
  resolvers?: ModelResolver[];
}

export interface ServedModel {
  server: RunningServer;
  model: ModelInfo;
  info: PredictorInfo;
  resolved: ResolvedModel;
  /** Graceful stop: the server drains, workers exit, downloaded files are removed. */
  close(): Promise<void>;
}

/** Picks the predictor for a model: onnxruntime-node in-process, or a managed Python worker. */
export function createPredictor(
  model: ModelInfo,
  options: Pick<PythonPredictorOptions, 'python' | 'workers' | 'workerTimeoutMs' | 'startTimeoutMs' | 'maxQueue' | 'logger'> = {},
): Predictor {
  return model.runtime === 'onnx' ? new OnnxPredictor(model) : new PythonPredictor(model, options);
}

/**
 * Serves a model over HTTP: binds the port first (a port in use fails at once, not after the model loaded;
 * /ping answers 503 meanwhile), resolves `ref`, inspects the directory, loads the model (the returned promise
 * settles once /ping answers 200). The caller owns shutdown (the CLI calls close() on SIGTERM).
 */
export async function serveModel(ref: string, options: ServeModelOptions = {}): Promise<ServedModel> {
  // Nothing is sent while the model computes: the idle limit must outlast the longest prediction.
  const idleTimeoutMs = options.idleTimeoutMs ?? (options.workerTimeoutMs ?? 30_000) + 10_000;
  const bound = await listenHttp({ ...options, idleTimeoutMs });
  const unbind = () =>
    new Promise<void>((resolve) => {
      bound.server.close(() => resolve());
      bound.server.closeAllConnections(); // a client polling /ping must not keep a failed start alive
    });
  let resolved: ResolvedModel;
  try {
    resolved = await resolveModelRef(ref, options.resolvers);
  } catch (error) {
    await unbind();
    throw error;
  }
  try {
    const model = await inspectModelDir(resolved.dir, { loader: options.loader });
    const predictor = createPredictor(model, { ...options, logger: options.logger });
    const info = await predictor.start();
    const server = await startScoringServer({
      ...options,
      bound,
      model,
      predictor,
      info,
      versionInfo: { model: resolved.ref, ...(resolved.version ? { model_version: resolved.version } : {}) },
    }).catch(async (error) => {
      await predictor.close();
      throw error;
    });
    return {
      server,
      model,
      info,
      resolved,
      async close() {
        await server.close();
        await resolved.cleanup?.();
      },
    };
  } catch (error) {
    await unbind();
    await resolved.cleanup?.();
    throw error;
  }
}

export type { Logger };
