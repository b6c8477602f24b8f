/**
 * The one way mlci talks to GitHub: @octokit/rest with retries and rate-limit handling set for CI use.
 *
 * - Idempotent requests (GET, HEAD, PUT, PATCH, DELETE) are retried on 5xx answers and dropped connections,
 *   with backoff `retryBaseMs * attempt²` and at most `retries` retries.
 * - A POST is never retried after a 5xx or a dropped connection: GitHub may have applied it, and a second
 *   attempt would post a second comment or create a second release. It is retried on a rate limit (403/429
 *   secondary limit, or `x-ratelimit-remaining: 0`), which GitHub refuses without applying.
 * - Rate limits wait for `retry-after` (or the reset time) when that is at most `maxWaitSeconds`; they are
 *   recognised as GitHub marks them (a "secondary rate limit" message, or `x-ratelimit-remaining: 0`).
 * - Whatever still fails leaves the client as a GitHubRemoteError (errors.ts): kind remote, exit 3, with the
 *   status, the request id and the `permissions:` line a 403 needs. Callers test `statusOf(error)`.
 */
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { silentLogger, type Logger } from '../log';
import { toRemoteError } from './errors';
import { pacingFromEnv } from './pacing';

export interface GitHubClientOptions {
  /** Token sent as `Authorization: token …` (GITHUB_TOKEN in a job). Anonymous when empty. */
  token?: string;
  /** REST API root. @default $GITHUB_API_URL, else https://api.github.com */
  baseUrl?: string;
  /** Where retries and rate-limit waits are reported (warn) and requests traced (debug). @default silentLogger */
  logger?: Logger;
  /** Retries after the first attempt, for both 5xx and rate limits. Bounds: 0..10. @default 3 */
  retries?: number;
  /** Backoff unit for 5xx/connection retries, in ms: waits are base·1, base·4, base·9… @default 1000 */
  retryBaseMs?: number;
  /** Longest rate-limit wait accepted, in seconds; a longer `retry-after` fails at once. @default 60 */
  maxWaitSeconds?: number;
  /**
   * Space writes as GitHub asks of integrations (one write a second, three seconds between writes that
   * notify people). Tests against the emulator turn this off.
   * @default true, unless the environment sets MLCI_GITHUB_PACE_WRITES to false/0/no/off (for emulators)
   */
  paceWrites?: boolean;
  /** User-Agent product. @default 'mlci' */
  userAgent?: string;
}

const ThrottledOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof ThrottledOctokit>;

/** A Bottleneck group stand-in that runs jobs at once (no pacing). */
const unpaced = {
  key: () => ({ schedule: (_options: unknown, job: (...a: unknown[]) => unknown, ...args: unknown[]) => Promise.resolve(job(...args)) }),
};

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);

export function createGitHubClient(options: GitHubClientOptions = {}): GitHubClient {
  const logger = options.logger ?? silentLogger;
  const retries = Math.min(10, Math.max(0, Math.floor(options.retries ?? 3)));
  const maxWait = options.maxWaitSeconds ?? 60;
  const onLimit =
    (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      if (retryCount >= retries || retryAfter > maxWait) {
        logger.warn(
          `GitHub ${kind} on ${request.method} ${request.url}: giving up (retry-after ${retryAfter}s, attempt ${retryCount + 1})`,
        );
        return false;
      }
      logger.warn(`GitHub ${kind} on ${request.method} ${request.url}: waiting ${retryAfter}s before retry ${retryCount + 1}/${retries}`);
      return true;
    };
  const octokit = new ThrottledOctokit({
    auth: options.token || undefined,
    baseUrl: (options.baseUrl || process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'mlci',
    // Failed requests are logged by octokit as errors; the caller decides what a failure means (a 404 is often "none yet").
    log: {
      debug: (m: string) => logger.debug(m),
      info: (m: string) => logger.debug(m),
      warn: (m: string) => logger.warn(m),
      error: (m: string) => logger.debug(m),
    },
    retry: { retries, retryAfterBaseValue: options.retryBaseMs ?? 1000, doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
    throttle: {
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      ...((options.paceWrites ?? pacingFromEnv()) === false ? { write: unpaced, notifications: unpaced } : {}),
    } as never,
  });
  // Runs before the retry plugin sees the request: a POST that failed with 5xx or a dropped connection may
  // have been applied, so it gets no 5xx retries (rate-limit retries come from the throttling plugin).
  octokit.hook.before('request', (request) => {
    // Replace, never mutate: `request.request` may be the client's shared defaults object.
    if (!IDEMPOTENT.has(String(request.method).toUpperCase()))
      request.request = { ...request.request, retries: 0 } as typeof request.request;
  });
  // Registered after the plugins, so it wraps them: it sees the failure that is left once retries are spent.
  octokit.hook.error('request', (error) => {
    throw toRemoteError(error);
  });
  return octokit;
}
