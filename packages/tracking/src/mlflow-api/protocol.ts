/**
 * The wire rules of MLflow's REST API that every route shares: its error shape, proto-JSON numbers, and the
 * field readers that turn a request body into checked values.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error MLflow's server would answer with: HTTP status plus `error_code` and `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
export const invalid = (message: string) => new ApiError(400, 'INVALID_PARAMETER_VALUE', message);
export const notFound = (message: string) => new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', message);
export const alreadyExists = (message: string) => new ApiError(400, 'RESOURCE_ALREADY_EXISTS', message);
export const noEndpoint = (method: string, path: string) =>
  new ApiError(404, 'ENDPOINT_NOT_FOUND', `No API endpoint for ${method} ${path}`);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies of MLflow's REST API, checked field by field by each route
export type Body = Record<string, any>;

export interface KeyValue {
  key: string;
  value: string;
}
export const kv = (record: Record<string, string>): KeyValue[] => Object.entries(record).map(([key, value]) => ({ key, value }));

/** Proto JSON, as MLflow's server writes it: NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity". */
const protoNumbers = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value);

export function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, protoNumbers);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function readJson(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // fall through
  }
  throw new ApiError(400, 'MALFORMED_REQUEST', 'request body is not a JSON object');
}

/** Proto JSON numbers may arrive as strings ("NaN", "Infinity", int64 as "123"). */
export function num(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim()) {
    const special: Record<string, number> = { nan: NaN, inf: Infinity, infinity: Infinity, '-inf': -Infinity, '-infinity': -Infinity };
    const lower = value.trim().toLowerCase();
    if (lower in special) return special[lower];
    const n = Number(value);
    if (!Number.isNaN(n)) return n;
  }
  throw invalid(`Missing value for required parameter '${field}'.`);
}

export function str(value: unknown, field: string): string {
  if (value === undefined || value === null || value === '') throw invalid(`Missing value for required parameter '${field}'.`);
  return String(value);
}

/** Rejects `..` and absolute paths in artifact paths, as MLflow's validate_path_is_safe does. */
export function safeArtifactPath(path: string): string {
  const clean = path.replace(/^\/+/, '');
  if (clean.split('/').some((part) => part === '..') || clean.includes('\\') || clean.includes('\0'))
    throw invalid(`Invalid path: ${path}`);
  return clean;
}

/** A route's handler: the parsed body (query string for GET/DELETE) and the path's captured groups. */
export type RouteHandler<S> = (state: S, body: Body, params: string[]) => unknown | Promise<unknown>;

/**
 * One route: `METHOD path` under `/api/2.0/mlflow/`. A path segment `:name` captures that segment
 * (URL-decoded) into `params`, in order.
 */
export interface Route<S> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  handle: RouteHandler<S>;
}

/** Finds the route for a request; exact segments win over captures only by table order (list exact ones first). */
export function matchRoute<S>(
  routes: readonly Route<S>[],
  method: string,
  path: string,
): { route: Route<S>; params: string[] } | undefined {
  const parts = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params: string[] = [];
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      if (pattern[i].startsWith(':')) params.push(decodeURIComponent(parts[i]));
      else ok = pattern[i] === parts[i];
    }
    if (ok) return { route, params };
  }
  return undefined;
}
