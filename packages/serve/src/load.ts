import { connect, type Socket } from 'node:net';

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
 * A bounded request loop: `requests` POSTs to /invocations with `concurrency` in flight, each connection kept
 * alive, measuring each request's latency from send to last byte. Used by build-serve-image's smoke test and
 * bench/serve. The client is a small HTTP/1.1 one over raw sockets (the request bytes built once, responses read
 * by Content-Length or chunked framing): node:http's client costs ~100 µs of CPU a request, which on a 2-core
 * machine made the load generator, not the server, the bottleneck.
 */
export async function loadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const total = Math.min(1e6, Math.max(1, Math.floor(options.requests ?? 200)));
  const concurrency = Math.min(256, Math.max(1, Math.floor(options.concurrency ?? 1)));
  const target = new URL('/invocations', options.url);
  if (target.protocol !== 'http:') throw new Error(`loadTest speaks plain http only, got ${target.protocol}`);
  const body = Buffer.from(options.body);
  const head = Buffer.from(
    `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: ${options.contentType ?? 'application/json'}\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`,
  );
  const message = Buffer.concat([head, body]);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const pool: Connection[] = Array.from({ length: concurrency }, () => new Connection(host, Number(target.port || 80)));
  let free = [...pool];
  const once = async () => {
    const conn = free.pop()!; // one connection per worker loop below: never empty
    const started = process.hrtime.bigint();
    const r = await conn.request(message, timeoutMs);
    free.push(conn);
    return { ...r, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };

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
  for (const c of pool) c.close();
  free = [];
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

/** One keep-alive connection: one request at a time, reconnecting after the server closes it. */
class Connection {
  private socket: Socket | null = null;
  private pending: { resolve(r: { status: number | 'error'; text: string }): void; timer: NodeJS.Timeout } | null = null;
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  request(message: Buffer, timeoutMs: number): Promise<{ status: number | 'error'; text: string }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.fail(), timeoutMs);
      this.pending = { resolve, timer };
      this.buffer = Buffer.alloc(0);
      this.open().write(message);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private open(): Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.parse();
    });
    socket.on('error', () => this.fail());
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      this.fail();
    });
    this.socket = socket;
    return socket;
  }

  private fail(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    this.close();
    p.resolve({ status: 'error', text: '' });
  }

  /** Finishes the pending request once its whole response is buffered. */
  private parse(): void {
    const p = this.pending;
    if (!p) return;
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const headers = this.buffer.subarray(0, end).toString('latin1');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headers)?.[1] ?? 0);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
    let text: string;
    if (length) {
      const size = Number(length[1]);
      if (this.buffer.length < end + 4 + size) return;
      text = this.buffer.subarray(end + 4, end + 4 + size).toString('utf8');
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(headers)) {
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const line = this.buffer.indexOf('\r\n', at);
        if (line < 0) return;
        const size = parseInt(this.buffer.subarray(at, line).toString('latin1'), 16);
        if (size === 0) {
          if (this.buffer.indexOf('\r\n', line + 2) < 0) return;
          break;
        }
        if (this.buffer.length < line + 2 + size + 2) return;
        parts.push(this.buffer.subarray(line + 2, line + 2 + size));
        at = line + 2 + size + 2;
      }
      text = Buffer.concat(parts).toString('utf8');
    } else return; // a response framed by closing the connection: the close handler ends it as an error
    this.pending = null;
    clearTimeout(p.timer);
    if (/\r\nconnection:\s*close/i.test(headers)) this.close();
    p.resolve({ status, text });
  }
}
