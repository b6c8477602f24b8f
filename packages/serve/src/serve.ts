import { MlciError, silentLogger, type Logger } from '@mlci/core';
import { convertToOnnx } from './convert';
import { inspectModelDir } from './model-dir';
import { loadOnnxRuntime, OnnxPredictor } from './onnx';
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
    Pick<
      PythonPredictorOptions,
      'python' | 'workers' | 'workerTimeoutMs' | 'startTimeoutMs' | 'maxQueue' | 'maxBatchRows' | 'batchWindowMs'
    > {
  /** Force a loader (sklearn, pyfunc, predict.py, onnx) instead of detecting it. */
  loader?: string;
  /**
   * Where an sklearn model runs. auto: converted to ONNX (skl2onnx, parity-checked, cached by model hash) and
   * served in-process when it converts and matches, else the Python worker; onnx: the conversion must succeed;
   * python: always the worker. @default auto
   */
  runtime?: 'auto' | 'onnx' | 'python';
  /** Where ONNX conversions are cached. @default $MLCI_ONNX_CACHE, else ~/.cache/mlci/onnx */
  onnxCacheDir?: string;
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

type PredictorOptions = Pick<
  ServeModelOptions,
  | 'python'
  | 'workers'
  | 'workerTimeoutMs'
  | 'startTimeoutMs'
  | 'maxQueue'
  | 'maxBatchRows'
  | 'batchWindowMs'
  | 'runtime'
  | 'onnxCacheDir'
  | 'logger'
>;

/** Picks the predictor for a model: onnxruntime-node in-process, or a managed Python worker. */
export function createPredictor(model: ModelInfo, options: Omit<PredictorOptions, 'runtime' | 'onnxCacheDir'> = {}): Predictor {
  return model.runtime === 'onnx' ? new OnnxPredictor(model) : new PythonPredictor(model, options);
}

/**
 * The predictor, started: an sklearn model is converted to ONNX and served in-process when it converts and its
 * predictions match sklearn's (convertToOnnx); otherwise, or with runtime python, the Python worker serves it and
 * `fallback` says why. Other models go to their own runtime.
 */
export async function startPredictor(
  model: ModelInfo,
  options: PredictorOptions = {},
): Promise<{ predictor: Predictor; info: PredictorInfo }> {
  const runtime = options.runtime ?? 'auto';
  const logger = options.logger ?? silentLogger;
  if (runtime === 'onnx' && model.loader !== 'sklearn' && model.runtime !== 'onnx')
    throw new MlciError('usage', `--runtime onnx converts sklearn models only; this one has the ${model.loader} loader`, {
      hint: 'drop --runtime (auto), or use --runtime python',
    });
  let fallback: string | undefined;
  if (model.loader === 'sklearn' && runtime !== 'python') {
    const conversion = await loadOnnxRuntime().then(
      () => convertToOnnx(model, { python: options.python, cacheDir: options.onnxCacheDir, logger }),
      (error: Error) => ({ ok: false as const, reason: error.message, cached: false }),
    );
    if (conversion.ok) {
      const predictor = new OnnxPredictor(model, { converted: conversion.converted });
      const info = await predictor.start();
      logger.info(
        `serving through ONNX (${conversion.parity.candidate}; parity on ${conversion.parity.rows} rows, max |diff| ${conversion.parity.maxAbsDiff.toExponential(1)}${conversion.cached ? '; cached' : ''})`,
      );
      return { predictor, info };
    }
    if (runtime === 'onnx')
      throw new MlciError('input', `the model cannot be served through ONNX: ${conversion.reason}`, {
        file: model.dir,
        hint: 'drop --runtime onnx to serve it through the Python worker',
      });
    fallback = conversion.reason;
    logger.info(`serving through the Python worker: ${fallback}`);
  }
  const predictor = createPredictor(model, options);
  try {
    const info = await predictor.start();
    return { predictor, info: fallback ? { ...info, fallback } : info };
  } catch (error) {
    await predictor.close().catch(() => {});
    throw error;
  }
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
    const { predictor, info } = await startPredictor(model, options);
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
