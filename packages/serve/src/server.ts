import type { IncomingMessage, ServerResponse } from 'node:http';
import { silentLogger, type Logger } from '@mlci/core';
import { HttpError } from './http-error';
import { listenHttp, type BoundServer, type HttpTimeouts } from './listen';
import { ServerMetrics } from './metrics';
import { parseInvocation } from './request';
import { enforceSignature } from './signature';
import { PredictError, type ModelInfo, type Predictor, type PredictorInfo } from './types';

export const SERVER_VERSION = '0.1.0';

export interface ScoringServerOptions extends HttpTimeouts {
  model: ModelInfo;
  predictor: Predictor;
  /** What predictor.start() returned (loader, classes, runtime). */
  info: PredictorInfo;
  /** Interface to listen on. @default "127.0.0.1" (use 0.0.0.0 only inside a container) */
  host?: string;
  /** Port; 0 picks a free one (read it back from `port`). @default 8080, bounds 0..65535 */
  port?: number;
  /** Largest request body accepted; larger ones get 413 before the body is read. @default 10 MiB */
  maxBodyBytes?: number;
  /**
   * A socket already listening (from `listenHttp`, bound before the model loaded); host, port and the
   * timeouts are then its own. @default a new one from host, port and the timeouts
   */
  bound?: BoundServer;
  /** On close(), how long in-flight requests may finish before their sockets are cut. @default 10000 */
  shutdownGraceMs?: number;
  /** Access and error log. @default silent */
  logger?: Logger;
  /** Extra fields shown by GET /version (e.g. the registry version served). */
  versionInfo?: Record<string, unknown>;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:43123 */
  url: string;
  host: string;
  port: number;
  metrics: ServerMetrics;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then stops the predictor. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';

/**
 * The scoring server: MLflow's protocol (POST /invocations, GET /ping, /health, /version) plus GET /metrics.
 * All JSON errors have MLflow's shape `{"error_code": "BAD_REQUEST", "message": "..."}`.
 */
export async function startScoringServer(options: ScoringServerOptions): Promise<RunningServer> {
  const { model, predictor, info } = options;
  const logger = options.logger ?? silentLogger;
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const classifier = () => info.classes !== null;
  const metrics = new ServerMetrics(classifier, info.path);
  let inFlight = 0;
  let shuttingDown = false;

  const send = (res: ServerResponse, status: number, body: string, type = JSON_TYPE) => {
    if (res.headersSent) return;
    res.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      ...(shuttingDown ? { connection: 'close' } : {}),
    });
    res.end(body);
  };

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void> | void> = {
    'GET /ping': (_q, res) =>
      predictor.isReady() && !shuttingDown ? send(res, 200, '\n') : send(res, 503, new HttpError(503, 'the model is not ready').body()),
    // /ping as MLflow answers it; /health says also which path serves (and why not ONNX, when it fell back).
    'GET /health': (_q, res) => {
      const ok = predictor.isReady() && !shuttingDown;
      const s = predictor.stats();
      send(
        res,
        ok ? 200 : 503,
        JSON.stringify({
          status: ok ? 'ok' : 'unavailable',
          path: info.path,
          loader: info.loader,
          runtime: info.runtime,
          workers: s.workers,
          ...(info.cpus ? { cpus: info.cpus } : {}),
          ...(info.fallback ? { fallback: info.fallback } : {}),
        }),
      );
    },
    'GET /version': (_q, res) =>
      send(
        res,
        200,
        JSON.stringify({
          server: 'mlci',
          version: SERVER_VERSION,
          loader: info.loader,
          runtime: info.runtime,
          path: info.path,
          ...(model.mlflowVersion ? { mlflow_version: model.mlflowVersion } : {}),
          ...options.versionInfo,
        }),
      ),
    'GET /metrics': (_q, res) => {
      const s = predictor.stats();
      const body = metrics.render({
        mlci_model_ready: { help: '1 while /ping answers 200.', value: predictor.isReady() ? 1 : 0 },
        [`mlci_serving_path{path="${info.path}"}`]: {
          help: 'The path that serves predictions (1): onnx in-process, or python workers.',
          value: 1,
        },
        mlci_worker_restarts_total: {
          help: 'Python workers restarted after a crash or timeout (a counter, reported as a gauge of the running total).',
          value: s.restarts,
        },
        mlci_queue_depth: { help: 'Requests waiting for a free worker.', value: s.queued },
        mlci_workers_busy: { help: 'Workers running a prediction.', value: s.busy },
        mlci_workers_ready: { help: 'Workers with the model loaded.', value: s.workers },
        mlci_in_flight_requests: { help: 'HTTP requests being handled.', value: inFlight },
        process_resident_memory_bytes: {
          help: 'Resident memory of the server process (not its workers).',
          value: process.memoryUsage.rss(),
        },
      });
      send(res, 200, body, 'text/plain; version=0.0.4; charset=utf-8');
    },
    'POST /invocations': async (req, res) => {
      const body = await readBody(req, maxBody);
      let batch;
      try {
        batch = enforceSignature(parseInvocation(body, req.headers['content-type'], model.signature), model.signature);
      } catch (error) {
        if (error instanceof HttpError) metrics.error('validation');
        throw error;
      }
      const rows = batch.kind === 'table' ? batch.rows.length : batch.data.length;
      if (rows === 0) return send(res, 200, JSON.stringify({ predictions: [] }));
      let predictions: unknown[];
      try {
        predictions = await predictor.predict(batch);
      } catch (error) {
        if (error instanceof PredictError) {
          metrics.error(error.reason);
          throw new HttpError(
            STATUS[error.reason],
            error.message,
            error.reason === 'bad_input'
              ? 'BAD_REQUEST'
              : error.reason === 'timeout' || error.reason === 'busy' || error.reason === 'crash' || error.reason === 'unavailable'
                ? 'TEMPORARILY_UNAVAILABLE'
                : 'INTERNAL_ERROR',
          );
        }
        throw error;
      }
      metrics.predictions(predictions);
      send(res, 200, JSON.stringify({ predictions }));
    },
  };

  const bound = options.bound ?? (await listenHttp(options));
  const { server, host } = bound;
  server.removeAllListeners('request'); // the 503 "loading" placeholder
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0];
    const key = `${req.method} ${path}`;
    const route = routes[key] ? path : 'other';
    inFlight++;
    res.once('close', () => {
      inFlight--;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.request(route, res.statusCode, seconds);
      if (res.statusCode >= 400) logger.info(`${req.method} ${path} ${res.statusCode} ${(seconds * 1000).toFixed(1)} ms`);
    });
    const handler = routes[key];
    if (!handler) {
      const known = Object.keys(routes).find((k) => k.endsWith(` ${path}`));
      return send(
        res,
        known ? 405 : 404,
        new HttpError(
          known ? 405 : 404,
          known
            ? `${path} takes ${known.split(' ')[0]}`
            : `no route ${path}; the server answers POST /invocations, GET /ping, /health, /version, /metrics`,
          known ? 'BAD_REQUEST' : 'ENDPOINT_NOT_FOUND',
        ).body(),
      );
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error) => {
        if (error instanceof HttpError) {
          if (error.status === 413) res.setHeader('connection', 'close');
          return send(res, error.status, error.body());
        }
        logger.error(`internal error on ${key}: ${(error as Error)?.stack ?? error}`);
        send(res, 500, new HttpError(500, `internal error in mlci serve: ${(error as Error)?.message ?? error}`).body());
      });
  });

  let closed: Promise<void> | null = null;
  return {
    url: bound.url,
    host,
    port: bound.port,
    metrics,
    close() {
      closed ??= (async () => {
        shuttingDown = true;
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const grace = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
        await done;
        clearTimeout(grace);
        await predictor.close();
      })();
      return closed;
    },
  };
}

const STATUS: Record<PredictError['reason'], number> = {
  bad_input: 400,
  model: 500,
  timeout: 504,
  crash: 503,
  busy: 503,
  unavailable: 503,
};

/** Reads the body up to `limit` bytes: 413 from Content-Length alone when it says more, else once the count passes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // drain, so the 413 reaches the client instead of a reset
    return Promise.reject(new HttpError(413, `the request body is ${declared} bytes; the limit is ${limit} (--max-body)`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, `the request body passed ${limit} bytes (--max-body)`));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
