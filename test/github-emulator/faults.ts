/**
 * Per-test fault injection: canned failures (5xx, 429/403 rate limits with their headers), slow answers,
 * dropped connections, and a hook that lets a test act as a second writer just before a request is handled.
 */
export interface RequestMatch {
  /** HTTP method; any when omitted. Case-insensitive. */
  method?: string;
  /** A path (exact, query excluded; `/repos/o/r/...`) or a RegExp tested against the path. Any when omitted. */
  path?: string | RegExp;
}

export interface FaultRule extends RequestMatch {
  /** How many matching requests fail; afterwards the rule is spent. @default 1. `Infinity` for always. */
  times?: number;
  /** Status of the canned answer (500/502/503/429/403...). Omit it with `delayMs` for a slow but good answer. */
  status?: number;
  /** Extra response headers, e.g. `{'retry-after': '1'}` or `x-ratelimit-remaining: '0'`. */
  headers?: Record<string, string>;
  /** Body message. @default a GitHub-like message for the status */
  message?: string;
  /** Wait this long before answering (before the canned fault, or before the real answer when `status` is omitted). */
  delayMs?: number;
  /** Destroy the socket instead of answering (the client sees a reset connection). */
  drop?: boolean;
  /**
   * Handle the request for real first, then fail the answer: the write is applied but the client cannot
   * know (the case where a retried POST would duplicate a comment or release). @default false
   */
  afterApply?: boolean;
}

export interface ActiveFault {
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  private rules: ActiveFault[] = [];
  private hooks: Array<{ match: RequestMatch; run: () => Promise<void> | void }> = [];

  /** Adds a fault; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    const active = { rule, remaining: rule.times ?? 1 };
    this.rules.push(active);
    return () => {
      this.rules = this.rules.filter((r) => r !== active);
    };
  }

  /** Runs `run` once, just before the next request matching `match` is handled (after faults, before the route). */
  beforeNext(match: RequestMatch, run: () => Promise<void> | void): void {
    this.hooks.push({ match, run });
  }

  clear(): void {
    this.rules = [];
    this.hooks = [];
  }

  /** The fault to apply to this request, consuming one use of it. */
  take(method: string, path: string): FaultRule | undefined {
    const active = this.rules.find((r) => r.remaining > 0 && matches(r.rule, method, path));
    if (!active) return undefined;
    active.remaining--;
    return active.rule;
  }

  /** The race hook for this request, removed once taken. */
  takeHook(method: string, path: string): (() => Promise<void> | void) | undefined {
    const index = this.hooks.findIndex((h) => matches(h.match, method, path));
    if (index < 0) return undefined;
    return this.hooks.splice(index, 1)[0]!.run;
  }
}

export function matches(m: RequestMatch, method: string, path: string): boolean {
  if (m.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m.path === undefined) return true;
  if (typeof m.path === 'string') return m.path === path || safeDecode(m.path) === safeDecode(path);
  return m.path.test(path) || m.path.test(safeDecode(path));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function faultMessage(status: number): string {
  if (status === 429 || status === 403) return 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
  if (status === 502) return 'Server Error';
  if (status === 503) return 'Service Unavailable';
  return 'Internal Server Error';
}
