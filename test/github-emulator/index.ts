/**
 * A stateful GitHub stand-in on 127.0.0.1 for mlci's tests: the REST endpoints mlci uses (validated against
 * GitHub's OpenAPI description), release-asset uploads on the uploads path, blob downloads behind 302s, the
 * Actions artifact service @actions/artifact talks to, tokens with write or read permissions, and per-test
 * fault injection.
 *
 *   const gh = await startEmulator();
 *   const octokit = new Octokit({ auth: 'ghs_test_write', baseUrl: gh.url });
 *   ...
 *   expect(gh.conformance).toEqual([]);
 *   await gh.stop();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleBlob, handleTwirp, runtimeToken } from './artifact-service';
import { FaultInjector, faultMessage } from './faults';
import { DOCS, HttpError, type Answer, type EmulatorRequest, type Handler } from './http';
import { openApi, type MatchedOperation } from './openapi';
import { actionsRoutes } from './routes/actions';
import { gitRoutes } from './routes/git';
import { issueRoutes } from './routes/issues';
import { releaseRoutes } from './routes/releases';
import { userRoutes } from './routes/users';
import type { ShapeContext } from './shapes';
import {
  addWorkflowRun,
  createState,
  type Commit,
  type EmulatorState,
  type Issue,
  type Release,
  type SeedState,
  type WorkflowRun,
} from './state';
import * as history from './history';

export type { SeedState, EmulatorState } from './state';
export type { FaultRule, RequestMatch } from './faults';
export { FaultInjector } from './faults';
export { addArtifact, addWorkflowRun } from './state';
export type { Commit, FileChanges, PushRecord } from './state';
export {
  ZERO_SHA,
  ancestors,
  changedPaths,
  commitsBetween,
  mergePullRequest,
  openPullRequest,
  publishRelease,
  pullRequestOf,
  pullRequestPaths,
  push,
  pushTag,
  syncPullRequests,
  updatePullRequest,
} from './history';
export type { OpenPullRequestOptions, PushFiles, PushOptions, PushTagOptions } from './history';

export interface EmulatorOptions {
  /** Port on 127.0.0.1. @default 0 (any free port) */
  port?: number;
  /** Initial world. @default `octo-org/octo-repo`, branch `main`, open PR #1, tokens ghs_test_write / ghs_test_read */
  state?: SeedState;
  /**
   * Check every REST request and response against GitHub's OpenAPI description. A non-conforming request
   * answers 422 (as GitHub would); a non-conforming answer of the emulator answers 500. Both are recorded in
   * `conformance`. Loads the 13 MB description on the first request. @default true
   */
  validate?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path as sent, without the query. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, if any. */
  body?: unknown;
  /** Size of the raw body in bytes. */
  bytes: number;
  /** The matched OpenAPI operation (REST only), e.g. `issues/create-comment`. */
  operationId?: string;
  /** Status answered; 0 when the connection was dropped by a fault. */
  status: number;
  /** The token used, if any. */
  token?: string;
}

export interface ConformanceFailure {
  /** `request`: GitHub would reject what the client sent. `response`: the emulator answered off-spec. `route`: no such endpoint or one the emulator does not serve. */
  kind: 'request' | 'response' | 'route';
  method: string;
  path: string;
  operationId?: string;
  problems: string[];
}

export interface Emulator {
  /** http://127.0.0.1:PORT — use as octokit's baseUrl, GITHUB_API_URL and ACTIONS_RESULTS_URL. */
  url: string;
  state: EmulatorState;
  faults: FaultInjector;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** OpenAPI conformance failures; tests assert this stays empty. */
  conformance: ConformanceFailure[];
  /**
   * The environment a job of `run` sees for the artifact service and the API: ACTIONS_RUNTIME_TOKEN,
   * ACTIONS_RESULTS_URL, GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_TOKEN.
   * Adds a new in-progress workflow run when none is given.
   */
  jobEnv(run?: WorkflowRun, token?: string): Record<string, string>;
  /** A commit on `branch` (made from the default branch when missing) changing `files`; the branch's pull requests follow. See history.ts. */
  push(branch: string, options: history.PushOptions): Commit;
  /** A pull request with the next number from `head` into `base` (default branch). */
  openPullRequest(options: history.OpenPullRequestOptions): Issue;
  /** Title, body, close or reopen; the shas re-read from the branches. */
  updatePullRequest(number: number, changes: { title?: string; body?: string | null; state?: 'open' | 'closed' }): Issue;
  /** A merge commit on the base (parents: base head, PR head); the pull request closed as merged. */
  mergePullRequest(number: number, options?: { message?: string }): Commit;
  /** A lightweight tag on a commit or branch head, or an annotated one (tag object + ref), as `git push origin TAG`. */
  pushTag(name: string, target: string, options?: history.PushTagOptions): { ref: string; sha: string; commit: string };
  /** A published release; its tag is created at `target` (default branch) when missing. */
  publishRelease(options: { tag: string; target?: string; name?: string; body?: string; prerelease?: boolean }): Release;
  stop(): Promise<void>;
}

const ROUTES: Record<string, Handler> = { ...issueRoutes, ...releaseRoutes, ...gitRoutes, ...actionsRoutes, ...userRoutes };

/** Operation ids the emulator serves (the conformance test exercises each). */
export const SERVED_OPERATIONS = Object.keys(ROUTES);

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = createState(options.state);
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const conformance: ConformanceFailure[] = [];
  const validate = options.validate ?? true;
  const ctx: ShapeContext = { state, api: '' };
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, { status: 500, body: { message: `emulator error: ${error instanceof Error ? error.stack : String(error)}` } });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = u.pathname;
    const query = Object.fromEntries(u.searchParams);
    const isJson = raw.length > 0 && /json/.test(String(req.headers['content-type'] ?? 'application/json'));
    let body: unknown;
    let badJson = false;
    if (isJson) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        badJson = true;
      }
    }
    const record: RecordedRequest = { method, path, query, body, bytes: raw.length, status: 0 };
    requests.push(record);

    const fault = faults.take(method, path);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    const request: EmulatorRequest = { method, path, query, headers: req.headers, raw, body, params: {} };
    if (fault?.afterApply) await route(request, record, badJson);
    if (fault?.drop) {
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      record.status = fault.status;
      return send(res, {
        status: fault.status,
        body: { message: fault.message ?? faultMessage(fault.status), documentation_url: DOCS },
        headers: fault.headers,
      });
    }
    const hook = faults.takeHook(method, path);
    if (hook) await hook();

    const answer = await route(request, record, badJson);
    record.status = answer.status;
    send(res, answer);
  }

  async function route(req: EmulatorRequest, record: RecordedRequest, badJson: boolean): Promise<Answer> {
    if (req.path.startsWith('/_blobs/')) return handleBlob(decodeURIComponent(req.path.slice('/_blobs/'.length)), req, ctx);
    const twirp = /^\/twirp\/github\.actions\.results\.api\.v1\.ArtifactService\/(\w+)$/.exec(req.path);
    if (twirp)
      return req.method === 'POST' ? handleTwirp(twirp[1]!, req, ctx) : { status: 405, body: { code: 'bad_route', msg: 'POST only' } };

    // REST. Uploads arrive on the upload_url's path (`/uploads/repos/...`), as on uploads.github.com.
    const apiPath = req.path.startsWith('/uploads/') ? req.path.slice('/uploads'.length) : req.path;
    const auth = String(req.headers.authorization ?? '');
    const tokenText = /^(?:token|bearer)\s+(\S+)$/i.exec(auth)?.[1];
    record.token = tokenText;
    if (!tokenText) return error(401, 'Requires authentication', 'https://docs.github.com/rest');
    const token = state.tokens.get(tokenText);
    if (!token) return error(401, 'Bad credentials', 'https://docs.github.com/rest');
    req.token = token;

    // Routing always uses the spec's path templates; `validate` only turns the schema checks off.
    const op = openApi().match(req.method, apiPath);
    const handler = op ? ROUTES[op.operationId] : undefined;
    if (!op || !handler) {
      if (validate)
        conformance.push({
          kind: 'route',
          method: req.method,
          path: req.path,
          operationId: op?.operationId,
          problems: [op ? `${op.operationId} is not served by the emulator` : 'no such operation in the OpenAPI description'],
        });
      return error(404, 'Not Found', DOCS);
    }
    record.operationId = op.operationId;
    req.params = op.pathParams;
    if (
      op.pathParams.owner !== undefined &&
      (op.pathParams.owner.toLowerCase() !== state.owner.toLowerCase() || op.pathParams.repo?.toLowerCase() !== state.repo.toLowerCase())
    ) {
      return error(404, 'Not Found', DOCS);
    }
    if (badJson) return error(400, 'Problems parsing JSON', DOCS);
    if (validate) {
      const problems = openApi().validateRequest(op, { query: req.query, body: req.body, hasBody: req.raw.length > 0 });
      if (problems.length) {
        conformance.push({ kind: 'request', method: req.method, path: req.path, operationId: op.operationId, problems });
        return { status: 422, body: { message: `Invalid request.\n\n${problems.join('\n')}`, documentation_url: DOCS, status: '422' } };
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && token.permission !== 'write') {
      return error(403, 'Resource not accessible by integration', DOCS);
    }
    let answer: Answer;
    try {
      answer = await handler(req, ctx);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      answer = { status: e.status, body: e.body, headers: e.headers };
    }
    if (validate) checkResponse(op, req, answer);
    return answer;
  }

  function checkResponse(op: MatchedOperation, req: EmulatorRequest, answer: Answer) {
    const problems = openApi().validateResponse(op, answer.status, answer.body);
    if (problems.length === 0) return;
    conformance.push({ kind: 'response', method: req.method, path: req.path, operationId: op.operationId, problems });
    answer.status = 500;
    answer.body = { message: `emulator answer does not match GitHub's OpenAPI description for ${op.operationId}: ${problems.join('; ')}` };
    answer.headers = {};
  }

  let answered = 0;

  function error(status: number, message: string, documentation_url: string): Answer {
    return { status, body: { message, documentation_url, status: String(status) } };
  }

  function send(res: ServerResponse, answer: Answer) {
    const headers: Record<string, string> = {
      'x-github-api-version-selected': '2022-11-28',
      // GitHub names every answer for its support (the id mlci puts in a remote error's message).
      'x-github-request-id': `EMU0:${(++answered).toString(16).toUpperCase().padStart(6, '0')}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      ...(answer.headers ?? {}),
    };
    if (answer.bytes) {
      res.writeHead(answer.status, { 'content-length': String(answer.bytes.length), ...headers });
      res.end(answer.bytes);
    } else if (answer.body !== undefined) {
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(text)),
        ...headers,
      });
      res.end(text);
    } else {
      res.writeHead(answer.status, { 'content-length': '0', ...headers });
      res.end();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  ctx.api = url;

  return {
    url,
    state,
    faults,
    requests,
    conformance,
    jobEnv(run, token = 'ghs_test_write') {
      const r = run ?? addWorkflowRun(state);
      return {
        ACTIONS_RUNTIME_TOKEN: runtimeToken(state, r.id),
        ACTIONS_RESULTS_URL: `${url}/`,
        GITHUB_API_URL: url,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: `${state.owner}/${state.repo}`,
        GITHUB_REPOSITORY_OWNER: state.owner,
        GITHUB_RUN_ID: String(r.id),
        GITHUB_RUN_NUMBER: String(r.run_number),
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_SHA: r.head_sha,
        GITHUB_REF: `refs/heads/${r.head_branch}`,
        GITHUB_TOKEN: token,
      };
    },
    push: (branch, o) => history.push(state, branch, o),
    openPullRequest: (o) => history.openPullRequest(state, o),
    updatePullRequest: (n, c) => history.updatePullRequest(state, n, c),
    mergePullRequest: (n, o) => history.mergePullRequest(state, n, o),
    pushTag: (name, target, o) => history.pushTag(state, name, target, o),
    publishRelease: (o) => history.publishRelease(state, o),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
