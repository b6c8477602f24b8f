import { Agent, request } from 'node:http';

export interface LoadTestOptions {
  /** Server base URL (http only), e.g. http://127.0.0.1:8080. */
  url: string;
  /** The /invocations body sent every time. */
  body: string;
  /** @default "application/json" */
  contentType?: string;
  /** Requests in all (the loop is bounded by count, never open-ended). @default 200, bounds 1..1e6 */
  requests?: number;
  /** Requests in flight at once, over keep-alive connections. @default 1, bounds 1..256 */
  concurrency?: number;
  /** One request's limit; a slower one counts as an error. @default 30000 */
  timeoutMs?: number;
  /** Requests sent first and not measured (warm caches and connections). @default 0 */
  warmup?: number;
}

export interface LoadTestResult {
  requests: number;
  concurrency: number;
  /** Requests answered 200. */
  ok: number;
  /** Everything else (non-200 or network error). */
  errors: number;
  /** Count per HTTP status ("error" for network failures). */
  statuses: Record<string, number>;
  seconds: number;
  /** ok / seconds. */
  throughput: number;
  /** Latency percentiles in milliseconds over all measured requests (nearest-rank). */
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** The first 200 body seen (to check predictions). */
  firstBody: string | null;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * A bounded request loop: `requests` POSTs to /invocations with `concurrency` in flight, measuring each
 * request's latency from send to last byte. Used by build-serve-image's smoke test and bench/serve.
 */
export async function loadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const total = Math.min(1e6, Math.max(1, Math.floor(options.requests ?? 200)));
  const concurrency = Math.min(256, Math.max(1, Math.floor(options.concurrency ?? 1)));
  const target = new URL('/invocations', options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const body = Buffer.from(options.body);
  const headers = { 'content-type': options.contentType ?? 'application/json', 'content-length': body.length };
  const once = () =>
    new Promise<{ status: number | 'error'; ms: number; text: string }>((resolve) => {
      const started = process.hrtime.bigint();
      const done = (status: number | 'error', text = '') => resolve({ status, ms: Number(process.hrtime.bigint() - started) / 1e6, text });
      const req = request(target, { method: 'POST', agent, headers, timeout: options.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
        res.on('error', () => done('error'));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => done('error'));
      req.end(body);
    });

  for (let i = 0; i < (options.warmup ?? 0); i++) await once();
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let firstBody: string | null = null;
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        next++;
        const r = await once();
        latencies.push(r.ms);
        statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
        if (r.status === 200 && firstBody === null) firstBody = r.text;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const ok = statuses['200'] ?? 0;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    requests: total,
    concurrency,
    ok,
    errors: total - ok,
    statuses,
    seconds: round(seconds),
    throughput: round(ok / seconds),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies[latencies.length - 1] ?? NaN),
      mean: round(latencies.reduce((a, b) => a + b, 0) / (latencies.length || 1)),
    },
    firstBody,
  };
}
