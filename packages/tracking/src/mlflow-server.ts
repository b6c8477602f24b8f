/**
 * The MLflow tracking REST API, served on 127.0.0.1 while a training command runs, so that an unchanged
 * script's `mlflow.log_*` calls land in the mlci run. The routes live in `mlflow-api/` (one module per part of
 * MLflow's API); a path no route serves answers 404 ENDPOINT_NOT_FOUND, as a real server does.
 *
 * The first top-level run the script creates (no `mlflow.parentRunId` tag) becomes the mlci run: it is given
 * the mlci run id and its name. Every other run (nested, autolog child, a later top-level run) is recorded
 * too, as a child run of the record (`childRuns`), with the parent link the script gave it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlciError } from '@mlci/core';
import { ARTIFACTS, serveArtifacts } from './mlflow-api/artifacts';
import { experimentRoutes } from './mlflow-api/experiments';
import { loggedModelRoutes } from './mlflow-api/logged-models';
import { ApiError, type Route, matchRoute, noEndpoint, readJson, reply } from './mlflow-api/protocol';
import { registryRoutes, serveRegistryArtifacts } from './mlflow-api/registry';
import { runRoutes } from './mlflow-api/runs';
import { MlflowState, type MlflowStateOptions } from './mlflow-api/state';

export { MLFLOW_BATCH_LIMITS } from './mlflow-api/runs';
export type { MlflowState } from './mlflow-api/state';
export type { FinishReport, MlflowRegistryPort, PortModel, PortVersion, RegisterRequest } from '@mlci/store';

export interface MlflowServerOptions extends MlflowStateOptions {
  /**
   * Port on 127.0.0.1 to listen on; 0 picks a free one.
   * @default 0
   */
  port?: number;
}

/** Every route served under `/api/2.0/mlflow/`, exact paths before ones with captures. */
const ROUTES: readonly Route<MlflowState>[] = [...experimentRoutes, ...runRoutes, ...loggedModelRoutes, ...registryRoutes];

/** A running tracking server; `close()` stops it after in-flight requests finish. */
export class MlflowServer {
  readonly url: string;
  private constructor(
    private readonly server: Server,
    port: number,
    /** What the script created: runs (the first is the mlci run), experiments, models, files. */
    readonly state: MlflowState,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(options: MlflowServerOptions): Promise<MlflowServer> {
    const state = new MlflowState(options);
    const server = createServer((req, res) => {
      handle(state, req, res).catch((error) => reply(res, 500, { error_code: 'INTERNAL_ERROR', message: String(error?.message ?? error) }));
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((ready, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 0, '127.0.0.1', () => ready());
    });
    return new MlflowServer(server, (server.address() as AddressInfo).port, state);
  }

  /** Stops listening and closes idle keep-alive connections. Waits for pending uploads. */
  async close(): Promise<void> {
    await new Promise<void>((done) => {
      this.server.close(() => done());
      this.server.closeIdleConnections();
    });
    await this.state.settled();
  }
}

async function handle(state: MlflowState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  try {
    if (path === '/health') return void res.end('OK');
    if (path === '/version') return void res.end('3.0.0');
    if (path === ARTIFACTS || path.startsWith(ARTIFACTS + '/')) {
      // A published model version's files (`mlci-registry/…`) come from the registry, the rest from the runs.
      if (await serveRegistryArtifacts(state, req, res, path.slice(ARTIFACTS.length + 1), url)) return;
      return await serveArtifacts(state, req, res, path.slice(ARTIFACTS.length + 1), url);
    }
    const api = /^\/(?:ajax-)?api\/2\.0\/mlflow\/(.+)$/.exec(path);
    const found = api ? matchRoute(ROUTES, method, api[1]) : undefined;
    if (!found) throw noEndpoint(method, path);
    // MLflow's client sends GET fields as the query string and DELETE fields as a JSON body (either is accepted).
    const query = Object.fromEntries(url.searchParams);
    const body = method === 'GET' ? query : method === 'DELETE' ? { ...query, ...(await readJson(req)) } : await readJson(req);
    reply(res, 200, await found.route.handle(state, body, found.params));
  } catch (error) {
    if (error instanceof ApiError) return reply(res, error.status, { error_code: error.code, message: error.message });
    if (error instanceof MlciError) return reply(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: error.message });
    throw error;
  }
}
