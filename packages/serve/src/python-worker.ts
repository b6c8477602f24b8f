import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { typedColumns } from './columns';
import { MlciError, type Logger } from '@mlci/core';
import { WORKER_PY } from './worker-source';
import { PredictError, type Batch, type ModelInfo, type Predictor, type PredictorInfo, type Signature } from './types';

export interface PythonPredictorOptions {
  /** Python interpreter. @default $MLCI_PYTHON, else "python3" */
  python?: string;
  /** Worker processes (each loads the model once; requests go to whichever is free). @default 1, bounds 1..32 */
  workers?: number;
  /** Longest a worker may take for one prediction; past it the worker is killed and restarted (504). @default 30000 */
  workerTimeoutMs?: number;
  /** Longest the first model load may take before start() fails. @default 120000 */
  startTimeoutMs?: number;
  /** Requests waiting for a free worker beyond this answer 503 at once. @default 64 */
  maxQueue?: number;
  /** Where worker stderr lines and restarts are logged. */
  logger?: Logger;
  /** Extra environment for the worker (merged over process.env). */
  env?: Record<string, string>;
  /** Pin worker i to the i-th CPU the server may use, when there are two or more workers. @default true */
  pin?: boolean;
  /**
   * Micro-batching: requests that wait while every worker is busy are sent together, as one frame of at most
   * this many rows (each answered with its own predictions; a batch that fails is retried one request at a time).
   * 1 turns it off. @default 1024
   */
  maxBatchRows?: number;
  /**
   * How long a free worker waits for more requests before it predicts, in ms. 0 sends what is queued at once (batches
   * still form while workers are busy). @default 0, bounds 0..50
   */
  batchWindowMs?: number;
}

interface Job {
  batch: Batch;
  rows: number;
  resolve(predictions: unknown[]): void;
  reject(error: PredictError): void;
  /** Retried alone after the batch it was in failed: never merged again. */
  solo?: boolean;
  settled?: boolean;
}

/** One frame sent to a worker: one or more jobs (a micro-batch) under one id. */
interface Dispatch {
  id: number;
  jobs: Job[];
  timer?: NodeJS.Timeout;
}

/** Frame kinds (packages/serve/python/worker.py documents the protocol). */
const K_TABLE = 1;
const K_JSON = 2;
const R_FLOAT64 = 1;
const R_JSON = 2;
const R_ERROR = 3;
const R_HELLO = 4;

/** Splits a byte stream into frames: u32 length | u8 kind | u32 id | body. */
class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly onFrame: (kind: number, id: number, body: Buffer) => void) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size >= 4) {
      let head = this.chunks[0];
      if (head.length < 4) head = this.flatten();
      const length = head.readUInt32LE(0);
      if (this.size < 4 + length) return;
      const all = this.chunks.length === 1 ? head : this.flatten();
      const frame = all.subarray(4, 4 + length);
      const rest = all.subarray(4 + length);
      this.chunks = rest.length ? [rest] : [];
      this.size = rest.length;
      this.onFrame(frame[0], frame.readUInt32LE(1), frame.subarray(5));
    }
  }
  private flatten(): Buffer {
    const all = Buffer.concat(this.chunks, this.size);
    this.chunks = [all];
    return all;
  }
}

/** A request frame: a table as typed columns (float64 bytes for numbers, JSON for the rest), or JSON for an array input. */
export function encodeRequest(id: number, batch: Batch, signature: Signature | null): Buffer {
  if (batch.kind === 'tensor') {
    const body = Buffer.from(JSON.stringify({ tensor: batch.data }));
    return frame(K_JSON, id, body);
  }
  const columns = typedColumns(batch, signature);
  const n = batch.rows.length;
  const parts: Array<{ name: Buffer; type: number; data: Buffer }> = columns.map((c) => {
    const name = Buffer.from(c.name);
    if (c.kind === 'number') {
      const type = c.integer ? 3 : c.float32 ? 4 : 1;
      return { name, type, data: Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength) };
    }
    const json = Buffer.from(JSON.stringify(c.values));
    const data = Buffer.allocUnsafe(4 + json.length);
    data.writeUInt32LE(json.length, 0);
    json.copy(data, 4);
    return { name, type: 2, data };
  });
  const size = 6 + parts.reduce((a, p) => a + 2 + p.name.length + 1 + p.data.length, 0);
  const body = Buffer.allocUnsafe(size);
  body.writeUInt32LE(n, 0);
  body.writeUInt16LE(parts.length, 4);
  let at = 6;
  for (const p of parts) {
    body.writeUInt16LE(p.name.length, at);
    at += 2 + p.name.copy(body, at + 2);
    body[at++] = p.type;
    at += p.data.copy(body, at);
  }
  return frame(K_TABLE, id, body);
}

function frame(kind: number, id: number, body: Buffer): Buffer {
  const head = Buffer.allocUnsafe(9);
  head.writeUInt32LE(body.length + 5, 0);
  head[4] = kind;
  head.writeUInt32LE(id >>> 0, 5);
  return Buffer.concat([head, body]);
}

/** Predictions from a response frame body (float64 values or a JSON list); NaN becomes null, as JSON has no NaN. */
function decodePredictions(kind: number, body: Buffer): unknown[] {
  if (kind === R_FLOAT64) {
    const values = new Float64Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length));
    return Array.from(values, (v) => (Number.isFinite(v) ? v : null));
  }
  return JSON.parse(body.toString('utf8')) as unknown[];
}

/** One Python process: spawned, ready after its hello frame, one dispatch at a time. */
class Worker {
  readonly child: ChildProcess;
  current: Dispatch | null = null;
  ready = false;
  readonly info: Promise<PredictorInfo & { pid: number; cpu: number | null }>;
  readonly exited: Promise<number | null>;

  constructor(
    model: ModelInfo,
    python: string,
    env: Record<string, string | undefined>,
    readonly index: number,
    private readonly logger: Logger | undefined,
    onResult: (w: Worker, kind: number, id: number, body: Buffer) => void,
  ) {
    this.child = spawn(python, ['-u', '-c', WORKER_PY, model.dir, model.loader], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    const stderr: string[] = [];
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      stderr.push(line);
      if (stderr.length > 20) stderr.shift();
      logger?.info(`[python ${this.child.pid}] ${line}`);
    });
    this.child.stdin!.on('error', () => {}); // EPIPE after a crash: the exit handler reports it
    this.info = new Promise((resolve, reject) => {
      this.child.once('error', (error) =>
        reject(
          new MlciError('input', `cannot start ${python}: ${error.message}`, {
            hint: 'install Python 3 or point --python / MLCI_PYTHON at it',
          }),
        ),
      );
      void this.exited.then((code) =>
        reject(
          new MlciError(
            'input',
            `the Python worker exited (code ${code}) before the model loaded${stderr.length ? `:\n  ${stderr.slice(-8).join('\n  ')}` : ''}`,
          ),
        ),
      );
      const reader = new FrameReader((kind, id, body) => {
        if (kind !== R_HELLO) return onResult(this, kind, id, body);
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(body.toString('utf8'));
        } catch {
          return logger?.warn(`[python ${this.child.pid}] unreadable hello frame`);
        }
        if (message.ready) {
          this.ready = true;
          resolve({
            loader: model.loader,
            classes: (message.classes as unknown[] | null) ?? null,
            runtime: `python ${message.python}`,
            path: 'python',
            pid: this.child.pid!,
            cpu: typeof message.cpu === 'number' ? message.cpu : null,
          });
        } else if (typeof message.fatal === 'string') {
          reject(
            new MlciError('input', `the model could not be loaded: ${message.fatal}`, {
              file: model.dir,
              hint: "the Python worker log above has the traceback; check the model's requirements are installed",
            }),
          );
        }
      });
      this.child.stdout!.on('data', (chunk: Buffer) => reader.push(chunk));
    });
  }

  send(dispatch: Dispatch, data: Buffer): void {
    this.current = dispatch;
    this.child.stdin!.write(data);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/**
 * Runs Python models (sklearn, MLflow pyfunc, a user predict.py) in long-lived worker processes that speak
 * length-prefixed binary frames (packages/serve/python/worker.py): numeric columns travel as float64 bytes, not
 * JSON. Requests that wait while the workers are busy are micro-batched into one frame. With two or more workers,
 * each is pinned to its own core. A worker that crashes or times out is replaced; requests wait in a bounded queue.
 */
export class PythonPredictor implements Predictor {
  private readonly workers: Worker[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private restarts = 0;
  private closing = false;
  private info: PredictorInfo | null = null;
  private readonly python: string;
  private readonly size: number;
  private readonly env: Record<string, string | undefined>;
  private windowTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly model: ModelInfo,
    private readonly options: PythonPredictorOptions = {},
  ) {
    this.python = options.python ?? process.env.MLCI_PYTHON ?? 'python3';
    this.size = Math.min(32, Math.max(1, Math.floor(options.workers ?? 1)));
    // One BLAS/OpenMP thread per worker: the workers are the parallelism (threads spinning on a shared core cost more than they give).
    const threads = Object.fromEntries(
      ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'].filter((k) => !process.env[k]).map((k) => [k, '1']),
    );
    this.env = { ...process.env, PYTHONUNBUFFERED: '1', ...threads, ...options.env };
  }

  async start(): Promise<PredictorInfo> {
    const started = Array.from({ length: this.size }, (_, i) => this.spawnWorker(i));
    const timeout = this.options.startTimeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const infos = await Promise.race([
        Promise.all(started.map((w) => w.info)),
        new Promise<never>(
          (_, reject) =>
            (timer = setTimeout(
              () =>
                reject(
                  new MlciError('input', `the model did not load within ${timeout} ms`, { hint: 'raise --start-timeout for large models' }),
                ),
              timeout,
            )),
        ),
      ]);
      const { pid: _pid, cpu: _cpu, ...info } = infos[0];
      this.info = { ...info, cpus: infos.map((i) => i.cpu) };
      this.dispatch();
      return this.info;
    } catch (error) {
      this.closing = true;
      for (const w of this.workers) w.kill();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  isReady(): boolean {
    return !this.closing && this.workers.some((w) => w.ready);
  }

  predict(batch: Batch): Promise<unknown[]> {
    if (this.closing) return Promise.reject(new PredictError('unavailable', 'the server is shutting down'));
    if (this.queue.length >= (this.options.maxQueue ?? 64))
      return Promise.reject(
        new PredictError('busy', `all ${this.size} workers are busy and ${this.queue.length} requests are waiting; retry later`),
      );
    return new Promise((resolve, reject) => {
      const rows = batch.kind === 'table' ? batch.rows.length : batch.data.length;
      this.queue.push({ batch, rows, resolve, reject });
      this.schedule();
    });
  }

  stats() {
    return {
      restarts: this.restarts,
      queued: this.queue.length,
      busy: this.workers.filter((w) => w.current).length,
      workers: this.workers.filter((w) => w.ready).length,
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.windowTimer) clearTimeout(this.windowTimer);
    for (const job of this.queue.splice(0)) settle(job, new PredictError('unavailable', 'the server is shutting down'));
    await Promise.all(
      this.workers.map(async (w) => {
        w.child.stdin!.end(); // the worker's read loop ends and it exits by itself
        const timer = setTimeout(() => w.kill('SIGKILL'), 3000);
        await w.exited;
        clearTimeout(timer);
      }),
    );
  }

  private spawnWorker(index: number): Worker {
    const pin = this.size > 1 && this.options.pin !== false;
    const env = pin ? { ...this.env, MLCI_WORKER_INDEX: String(index) } : this.env;
    const worker = new Worker(this.model, this.python, env, index, this.options.logger, (w, kind, id, body) =>
      this.onResult(w, kind, id, body),
    );
    this.workers.push(worker);
    worker.info.then(
      () => this.dispatch(),
      () => {},
    );
    void worker.exited.then((code) => this.onExit(worker, code));
    return worker;
  }

  private onResult(worker: Worker, kind: number, id: number, body: Buffer): void {
    const dispatch = worker.current;
    if (!dispatch || id !== dispatch.id) return;
    clearTimeout(dispatch.timer);
    worker.current = null;
    const { jobs } = dispatch;
    if (kind === R_ERROR) {
      if (jobs.length > 1) this.retryAlone(jobs);
      else {
        const m = JSON.parse(body.toString('utf8')) as { error?: string; bad_input?: boolean };
        settle(jobs[0], new PredictError(m.bad_input ? 'bad_input' : 'model', String(m.error ?? 'the model failed')));
      }
    } else {
      const predictions = kind === R_FLOAT64 || kind === R_JSON ? decodePredictions(kind, body) : [];
      if (jobs.length === 1) settle(jobs[0], predictions);
      else if (predictions.length !== jobs.reduce((a, j) => a + j.rows, 0)) this.retryAlone(jobs);
      else {
        let at = 0;
        for (const job of jobs) {
          settle(job, predictions.slice(at, at + job.rows));
          at += job.rows;
        }
      }
    }
    this.dispatch();
  }

  /** A micro-batch failed or gave a different count: each of its requests is sent again on its own, first in line. */
  private retryAlone(jobs: Job[]): void {
    for (const job of jobs) job.solo = true;
    this.queue.unshift(...jobs);
  }

  private onExit(worker: Worker, code: number | null): void {
    this.workers.splice(this.workers.indexOf(worker), 1);
    const dispatch = worker.current;
    if (dispatch) {
      clearTimeout(dispatch.timer);
      // After a timeout the jobs were already answered (504); settling them again is a no-op.
      for (const job of dispatch.jobs)
        settle(
          job,
          new PredictError(
            'crash',
            `the Python worker died (exit ${code ?? worker.child.signalCode}) during this request; it is being restarted`,
          ),
        );
    }
    if (this.closing || !this.info) return; // before the first successful load, start() reports the failure
    this.restarts++;
    this.options.logger?.warn(`Python worker ${worker.child.pid} exited (${code ?? worker.child.signalCode}); restarting it`);
    // Back off when workers die straight after starting, so a model that now fails to load does not spin.
    const delay = Math.min(5000, 100 * 2 ** Math.min(6, this.restarts - 1));
    setTimeout(
      () => {
        if (!this.closing)
          this.spawnWorker(worker.index).info.catch((error) =>
            this.options.logger?.error(`Python worker failed to restart: ${(error as Error).message}`),
          );
      },
      worker.ready ? 0 : delay,
    ).unref();
  }

  /** Waits up to the batch window for more requests, then dispatches (at once with no window). */
  private schedule(): void {
    const window = Math.min(50, Math.max(0, this.options.batchWindowMs ?? 0));
    if (window === 0) return this.dispatch();
    if (this.windowTimer) return;
    this.windowTimer = setTimeout(() => {
      this.windowTimer = null;
      this.dispatch();
    }, window);
  }

  private dispatch(): void {
    const maxRows = Math.max(1, Math.floor(this.options.maxBatchRows ?? 1024));
    while (this.queue.length) {
      const worker = this.workers.find((w) => w.ready && !w.current && w.child.exitCode === null);
      if (!worker) return;
      const first = this.queue.shift()!;
      const jobs = [first];
      let rows = first.rows;
      // Merge what waits behind it: tables with the same columns, up to maxRows rows in all.
      if (!first.solo && first.batch.kind === 'table') {
        const key = first.batch.columns.join('\0');
        for (let i = 0; i < this.queue.length && rows < maxRows;) {
          const next = this.queue[i];
          if (!next.solo && next.batch.kind === 'table' && rows + next.rows <= maxRows && next.batch.columns.join('\0') === key) {
            jobs.push(next);
            rows += next.rows;
            this.queue.splice(i, 1);
          } else i++;
        }
      }
      const batch: Batch =
        jobs.length === 1
          ? first.batch
          : {
              kind: 'table',
              columns: (first.batch as Extract<Batch, { kind: 'table' }>).columns,
              rows: jobs.flatMap((j) => (j.batch as Extract<Batch, { kind: 'table' }>).rows),
            };
      const dispatch: Dispatch = { id: this.nextId++, jobs };
      const timeout = this.options.workerTimeoutMs ?? 30_000;
      dispatch.timer = setTimeout(() => {
        for (const job of jobs)
          settle(job, new PredictError('timeout', `the model took longer than ${timeout} ms; its worker was restarted`));
        worker.kill();
      }, timeout);
      worker.send(dispatch, encodeRequest(dispatch.id, batch, this.model.signature));
    }
  }
}

function settle(job: Job, outcome: unknown[] | PredictError): void {
  if (job.settled) return;
  job.settled = true;
  if (outcome instanceof PredictError) job.reject(outcome);
  else job.resolve(outcome);
}
