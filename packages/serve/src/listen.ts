/**
 * The scoring server's socket: bound before the model loads (a port in use is known at once, not after a
 * 25 s load), with timeouts that stop a slow or silent client from holding a socket.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlciError } from '@mlci/core';

export interface HttpTimeouts {
  /** Longest a client may take to send its whole request (headers and body): 408 past it. @default 30000 */
  requestTimeoutMs?: number;
  /** Longest a client may take to send the request headers: 408 past it. @default 10000 (at most requestTimeoutMs) */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept between requests. @default 5000 */
  keepAliveTimeoutMs?: number;
  /**
   * A socket on which no byte moves either way this long is closed. It must exceed the longest prediction
   * (nothing is sent while the model computes): serveModel sets it to the worker timeout plus 10 s. @default 60000
   */
  idleTimeoutMs?: number;
}

export interface ListenOptions extends HttpTimeouts {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 8080 */
  port?: number;
}

export interface BoundServer {
  server: Server;
  host: string;
  port: number;
  /** e.g. http://127.0.0.1:43123 */
  url: string;
}

/** Node checks header and request deadlines on this period (its default, 30 s, let a stalled client stay 60 s). */
const CHECK_INTERVAL_MS = 1000;

/** What the socket answers until the scoring routes are installed: MLflow's 503 for a model not ready yet. */
const LOADING = JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'the model is loading' });

/**
 * Listens on host:port with the timeouts set; answers 503 until a request handler replaces the placeholder.
 * A port in use, a privileged port, an address this machine does not have become a usage error (exit 2).
 */
export async function listenHttp(options: ListenOptions = {}): Promise<BoundServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const server = createServer({
    requestTimeout,
    // Node refuses a headers timeout above the request timeout.
    headersTimeout: Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout),
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5000,
    connectionsCheckingInterval: Math.min(CHECK_INTERVAL_MS, requestTimeout),
  });
  server.setTimeout(options.idleTimeoutMs ?? 60_000); // no 'timeout' listener: the socket is destroyed
  server.on('request', (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(LOADING), 'retry-after': '5' });
    res.end(LOADING);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error, host, port)));
    server.listen(port, host, () => resolve());
  });
  server.removeAllListeners('error');
  const bound = (server.address() as AddressInfo).port;
  return { server, host, port: bound, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` };
}

/** A listen failure as the user can act on it, naming host:port. */
export function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const otherPort = 'choose another port with --port N (--port 0 picks a free one)';
  switch (code) {
    case 'EADDRINUSE':
      return new MlciError('usage', `cannot listen on ${where}: the port is already in use`, {
        hint: `stop what listens there, or ${otherPort}`,
        cause: error,
      });
    case 'EACCES':
    case 'EPERM':
      return new MlciError('usage', `cannot listen on ${where}: permission denied`, {
        hint: `ports below 1024 need privileges; ${otherPort}`,
        cause: error,
      });
    case 'EADDRNOTAVAIL':
      return new MlciError('usage', `cannot listen on ${where}: ${host} is not an address of this machine`, {
        hint: 'use --host 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces, e.g. inside a container)',
        cause: error,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new MlciError('usage', `cannot listen on ${where}: the host name ${host} does not resolve`, {
        hint: 'give --host as an IP address, e.g. 127.0.0.1 or 0.0.0.0',
        cause: error,
      });
    case 'EMFILE':
    case 'ENFILE':
      return new MlciError('usage', `cannot listen on ${where}: too many open files`, {
        hint: 'raise the limit (`ulimit -n 4096`), then retry',
        cause: error,
      });
    default:
      return error;
  }
}
