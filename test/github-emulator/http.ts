/**
 * Request/answer types shared by the routes, GitHub's error bodies, and Link-header pagination.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ShapeContext } from './shapes';
import type { Token } from './state';

export const DOCS = 'https://docs.github.com/rest';

export interface EmulatorRequest {
  method: string;
  /** Raw path without query, as sent (percent-encoding kept). */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** Parsed JSON body; undefined when there was none or it was not JSON. */
  body: any;
  /** Path parameters of the matched OpenAPI operation, decoded. */
  params: Record<string, string>;
  /** The authenticated token (REST routes only). */
  token?: Token;
}

export interface Answer {
  status: number;
  /** JSON body (validated against the spec for REST routes). */
  body?: unknown;
  /** Raw bytes instead of JSON (blob downloads). */
  bytes?: Buffer;
  headers?: Record<string, string>;
}

export type Handler = (req: EmulatorRequest, ctx: ShapeContext) => Answer | Promise<Answer>;

/** Thrown by handlers to answer with a GitHub-shaped error. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

export const notFound = () => new HttpError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });

export interface FieldError {
  resource: string;
  field?: string;
  code: string;
  message?: string;
}

/** 422 as GitHub sends it: `message` plus an `errors` array naming the resource, field and code. */
export const validationFailed = (errors: FieldError[], message = 'Validation Failed') =>
  new HttpError(422, { message, errors, documentation_url: DOCS, status: '422' });

export const ok = (body: unknown, status = 200, headers?: Record<string, string>): Answer => ({ status, body, headers });

export function intParam(req: EmulatorRequest, name: string): number {
  const n = Number(req.params[name]);
  if (!Number.isInteger(n)) throw notFound();
  return n;
}

/**
 * One page of `items` as GitHub pages lists: `per_page` (default 30, at most 100) and `page` (from 1), with a
 * Link header carrying next/last/first/prev as applicable.
 */
export function paginate<T>(req: EmulatorRequest, ctx: ShapeContext, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.query.per_page ?? 30) || 30));
  const page = Math.max(1, Number(req.query.page ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number, rel: string) => {
    const u = new URL(req.path, ctx.api);
    for (const [k, v] of Object.entries(req.query)) u.searchParams.set(k, v);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return `<${u.href}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return { page: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(', ') } : {} };
}

export function listAnswer<T>(req: EmulatorRequest, ctx: ShapeContext, items: T[], shape: (item: T) => unknown): Answer {
  const { page, headers } = paginate(req, ctx, items);
  return { status: 200, body: page.map(shape), headers };
}
