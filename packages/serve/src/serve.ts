import type { Logger } from '@mlci/core';
import { inspectModelDir } from './model-dir';
import { OnnxPredictor } from './onnx';
import { PythonPredictor, type PythonPredictorOptions } from './python-worker';
import { resolveModelRef, type ModelResolver, type ResolvedModel } from './resolve';
import { startScoringServer, type RunningServer, type ScoringServerOptions } from './server';
import type { ModelInfo, Predictor, PredictorInfo } from './types';

export interface ServeModelOptions
  extends Pick<ScoringServerOptions, 'host' | 'port' | 'maxBodyBytes' | 'requestTimeoutMs' | 'shutdownGraceMs' | 'logger'>,
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
export function createPredictor(model: ModelInfo, options: Pick<PythonPredictorOptions, 'python' | 'workers' | 'workerTimeoutMs' | 'startTimeoutMs' | 'maxQueue' | 'logger'> = {}): Predictor {
  return model.runtime === 'onnx' ? new OnnxPredictor(model) : new PythonPredictor(model, options);
}

/**
 * Serves a model over HTTP: resolves `ref`, inspects the directory, loads the model (the returned promise
 * settles once /ping answers 200), and listens. The caller owns shutdown (the CLI calls close() on SIGTERM).
 */
export async function serveModel(ref: string, options: ServeModelOptions = {}): Promise<ServedModel> {
  const resolved = await resolveModelRef(ref, options.resolvers);
  try {
    const model = await inspectModelDir(resolved.dir, { loader: options.loader });
    const predictor = createPredictor(model, { ...options, logger: options.logger });
    const info = await predictor.start();
    const server = await startScoringServer({
      ...options,
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
    await resolved.cleanup?.();
    throw error;
  }
}

export type { Logger };
