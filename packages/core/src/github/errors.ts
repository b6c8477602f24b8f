/**
 * Failed GitHub requests as errors a user can act on. The client's error hook (client.ts) turns every HTTP
 * failure into a GitHubRemoteError: an MlciError('remote') (exit 3) that keeps the status, GitHub's request
 * id and message, and for a missing permission the exact `permissions:` line to add to the workflow. Callers
 * branch on `statusOf(error)`, never on message text.
 */
import { MlciError } from '../errors';

export interface GitHubErrorContext {
  /** What mlci was doing, as a phrase: "update the PR comment", "publish release iris@v3". */
  operation: string;
  /** The `permissions:` entry the operation needs (e.g. `pull-requests: write`). @default inferred from the request */
  permission?: string;
}

interface RequestErrorLike {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return typeof error === 'object' && error !== null && typeof (error as RequestErrorLike).status === 'number' && 'request' in error;
}

/** The HTTP status of a failed GitHub request (a GitHubRemoteError or octokit's RequestError); undefined otherwise. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The workflow permission a REST call needs, from its method and path. */
export function permissionFor(method: string, url: string): string | undefined {
  const path = new URL(url, 'http://x').pathname.replace(/^\/uploads/, '');
  const level = method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD' ? 'read' : 'write';
  const rules: Array<[RegExp, string]> = [
    [/\/issues\/(\d+\/)?comments/, 'pull-requests'],
    [/\/pulls(\/|$)/, 'pull-requests'],
    [/\/issues(\/|$)/, 'issues'],
    [/\/(releases|git\/|contents\/|tags)/, 'contents'],
    [/\/actions\//, 'actions'],
    [/\/statuses\//, 'statuses'],
    [/\/(check-runs|check-suites|commits\/[^/]+\/check-runs)/, 'checks'],
  ];
  const hit = rules.find(([re]) => re.test(path));
  return hit ? `${hit[1]}: ${level}` : undefined;
}

/** One entry of a 422's `errors` (GitHub's "Validation Failed" body). */
export interface ValidationProblem {
  resource?: string;
  field?: string;
  code?: string;
  message?: string;
}

/** The `errors` array of a GitHub answer body; [] when absent. */
export function validationProblems(error: unknown): ValidationProblem[] {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data as { errors?: unknown } | undefined;
  if (!data || typeof data !== 'object' || !Array.isArray(data.errors)) return [];
  return data.errors.map((e) => (e && typeof e === 'object' ? (e as ValidationProblem) : { message: String(e) }));
}

/** GitHub's message and each of its errors: `Validation Failed: Release.target_commitish invalid`. */
function messageOf(e: RequestErrorLike): string {
  const data = e.response?.data as { message?: unknown } | undefined;
  const message =
    typeof data?.message === 'string' && data.message ? data.message : e.message.replace(/ - https:\/\/docs\.github\.com\S*$/, '');
  const parts = validationProblems(e)
    .map(
      (x) => x.message ?? [x.resource && x.field ? `${x.resource}.${x.field}` : (x.resource ?? x.field), x.code].filter(Boolean).join(' '),
    )
    .filter(Boolean);
  return parts.length ? `${message}: ${parts.join('; ')}` : message;
}

/** The hint for a status, with the `permissions:` line for a 403 the token's scopes explain. */
function hintFor(status: number, gh: string, headers: Record<string, string | undefined>, permission: string | undefined): string {
  if ((status === 403 || status === 429) && (/rate limit/i.test(gh) || headers['x-ratelimit-remaining'] === '0')) {
    const after = headers['retry-after'];
    return `GitHub is rate limiting this token${after ? ` (retry after ${after}s)` : ''}; rerun the job later or spread the work over fewer API calls`;
  }
  if (status === 401)
    return 'the token is missing, expired or wrong: pass `github-token: ${{ secrets.GITHUB_TOKEN }}` (or set GITHUB_TOKEN)';
  if (status === 403 && /not accessible by integration|must have .*access|permission/i.test(gh)) {
    return permission
      ? `the workflow's token lacks a permission: add \`${permission}\` under \`permissions:\` in the workflow (or the job). On pull requests from forks the token is read-only whatever the workflow says.`
      : "the workflow's token lacks a permission for this call: grant it under `permissions:` in the workflow";
  }
  if (status === 404)
    return 'check the repository (GITHUB_REPOSITORY) and that the token can see it; GitHub answers 404 when a token has no access';
  if (status === 422) return 'GitHub refused the request as invalid; the message names the field';
  if (status >= 500) return 'GitHub failed or could not be reached; mlci already retried what was safe to retry, so rerun the job';
  return "see GitHub's message; rerun the job if it was transient";
}

/** A failed GitHub request: kind remote (exit 3), with the status, request id and GitHub's own message. */
export class GitHubRemoteError extends MlciError {
  readonly status: number;
  readonly requestId: string | undefined;
  readonly method: string;
  readonly url: string;
  /** GitHub's message with its validation errors. */
  readonly githubMessage: string;
  /** The answer (body and headers), for callers that read GitHub's `errors` (validationProblems). */
  readonly response: { data?: unknown; headers: Record<string, string | undefined> };
  /** What mlci was doing (`during`), when the caller said; undefined for the bare request. */
  readonly operation: string | undefined;

  constructor(
    fields: {
      status: number;
      requestId?: string;
      method: string;
      url: string;
      githubMessage: string;
      response: GitHubRemoteError['response'];
    },
    options: { operation?: string; hint: string; cause?: unknown },
  ) {
    const id = fields.requestId ? `, request id ${fields.requestId}` : '';
    const what = options.operation ? `could not ${options.operation}` : `GitHub ${fields.method} ${pathOf(fields.url)} failed`;
    super('remote', `${what}: GitHub answered HTTP ${fields.status}: ${fields.githubMessage}${id}`, {
      hint: options.hint,
      cause: options.cause,
    });
    this.name = 'GitHubRemoteError';
    this.status = fields.status;
    this.requestId = fields.requestId;
    this.method = fields.method;
    this.url = fields.url;
    this.githubMessage = fields.githubMessage;
    this.response = fields.response;
    this.operation = options.operation;
  }

  /** The same failure said as the operation that failed, with the permission it needs when that is known better. */
  during(context: GitHubErrorContext): GitHubRemoteError {
    const hint = hintFor(
      this.status,
      this.githubMessage,
      this.response.headers,
      context.permission ?? permissionFor(this.method, this.url),
    );
    return new GitHubRemoteError(this, { operation: context.operation, hint, cause: this.cause });
  }
}

const pathOf = (url: string) => {
  try {
    return new URL(url, 'http://x').pathname;
  } catch {
    return url;
  }
};

/** octokit's RequestError (or anything with a status and a request) as a GitHubRemoteError; anything else unchanged. */
export function toRemoteError(error: unknown): unknown {
  if (error instanceof MlciError || !isRequestError(error)) return error;
  const method = String(error.request?.method ?? 'GET').toUpperCase();
  const url = error.request?.url ?? '';
  const headers = error.response?.headers ?? {};
  const gh = messageOf(error);
  const hint = hintFor(error.status, gh, headers, permissionFor(method, url));
  return new GitHubRemoteError(
    {
      status: error.status,
      requestId: headers['x-github-request-id'],
      method,
      url,
      githubMessage: gh,
      response: { data: error.response?.data, headers },
    },
    { hint, cause: error },
  );
}

/**
 * The failure said as the operation that failed (`could not <operation>: GitHub answered …`); a non-GitHub
 * error is returned unchanged (an MlciError stays as it is, a bug stays a bug).
 */
export function describeGitHubError(error: unknown, context: GitHubErrorContext): unknown {
  const remote = toRemoteError(error);
  return remote instanceof GitHubRemoteError ? remote.during(context) : remote;
}
