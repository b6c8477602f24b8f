/**
 * Turns an octokit RequestError into an MlciError a user can act on: what failed, GitHub's own message,
 * and for a missing permission the exact `permissions:` line to add to the workflow.
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

const messageOf = (e: RequestErrorLike) => {
  const data = e.response?.data as { message?: string; errors?: Array<{ message?: string; code?: string; field?: string; resource?: string }> } | undefined;
  const details = (data?.errors ?? []).map((x) => x.message ?? [x.resource, x.field, x.code].filter(Boolean).join(' ')).filter(Boolean);
  return `${data?.message ?? e.message}${details.length ? ` (${details.join('; ')})` : ''}`;
};

/**
 * An MlciError('remote') for a failed GitHub request; any other error is returned unchanged (an MlciError
 * stays as it is, a bug stays a bug). Use as `catch (e) { throw describeGitHubError(e, { operation }) }`.
 */
export function describeGitHubError(error: unknown, context: GitHubErrorContext): unknown {
  if (error instanceof MlciError || !isRequestError(error)) return error;
  const method = error.request?.method ?? 'GET';
  const url = error.request?.url ?? '';
  const gh = messageOf(error);
  const what = `could not ${context.operation}: GitHub answered ${error.status} ${gh}`;
  const remote = (hint: string) => new MlciError('remote', what, { hint, cause: error });
  const remaining = error.response?.headers?.['x-ratelimit-remaining'];
  if ((error.status === 403 || error.status === 429) && (/rate limit/i.test(gh) || remaining === '0')) {
    const after = error.response?.headers?.['retry-after'];
    return remote(`GitHub is rate limiting this token${after ? ` (retry after ${after}s)` : ''}; rerun the job later or spread the work over fewer API calls`);
  }
  if (error.status === 401) return remote('the token is missing, expired or wrong: pass `github-token: ${{ secrets.GITHUB_TOKEN }}` (or set GITHUB_TOKEN)');
  if (error.status === 403 && /not accessible by integration|must have .*access|permission/i.test(gh)) {
    const permission = context.permission ?? permissionFor(method, url);
    return remote(permission
      ? `the workflow's token lacks a permission: add \`${permission}\` under \`permissions:\` in the workflow (or the job). On pull requests from forks the token is read-only whatever the workflow says.`
      : 'the workflow\'s token lacks a permission for this call: grant it under `permissions:` in the workflow');
  }
  if (error.status === 404) return remote('check the repository (GITHUB_REPOSITORY) and that the token can see it; GitHub answers 404 when a token has no access');
  if (error.status === 422) return remote('GitHub refused the request as invalid; the message above names the field');
  if (error.status >= 500) return remote('GitHub failed or could not be reached; mlci already retried what was safe to retry, so rerun the job');
  return remote(`${method} ${url} failed`);
}
