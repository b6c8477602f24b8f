import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MlciError, type Logger } from '@mlci/core';
import { WORKER_PY } from './worker-source';
import { PredictError, type Batch, type ModelInfo, type Predictor, type PredictorInfo } from './types';

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
}

interface Job {
  id: number;
  batch: Batch;
  resolve(predictions: unknown[]): void;
  reject(error: PredictError): void;
  timer?: NodeJS.Timeout;
}

/** One Python process: spawned, ready after its first line, one job at a time. */
class Worker {
  readonly child: ChildProcess;
  job: Job | null = null;
  ready = false;
  readonly info: Promise<PredictorInfo & { pid: number }>;
  readonly exited: Promise<number | null>;

  constructor(
    model: ModelInfo,
    python: string,
    env: Record<string, string | undefined>,
    private readonly logger: Logger | undefined,
    onMessage: (w: Worker, m: Record<string, unknown>) => void,
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
      createInterface({ input: this.child.stdout! }).on('line', (line) => {
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(line);
        } catch {
          return logger?.warn(`[python ${this.child.pid}] unreadable protocol line: ${line.slice(0, 200)}`);
        }
        if (message.ready) {
          this.ready = true;
          resolve({
            loader: model.loader,
            classes: (message.classes as unknown[] | null) ?? null,
            runtime: `python ${message.python}`,
            pid: this.child.pid!,
          });
        } else if (typeof message.fatal === 'string') {
          reject(
            new MlciError('input', `the model could not be loaded: ${message.fatal}`, {
              file: model.dir,
              hint: "the Python worker log above has the traceback; check the model's requirements are installed",
            }),
          );
        } else onMessage(this, message);
      });
    });
  }

  send(job: Job): void {
    this.job = job;
    const line =
      job.batch.kind === 'table'
        ? { id: job.id, columns: job.batch.columns, rows: job.batch.rows }
        : { id: job.id, tensor: job.batch.data };
    this.child.stdin!.write(JSON.stringify(line) + '\n');
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

/**
 * Runs Python models (sklearn, MLflow pyfunc, a user predict.py) in long-lived worker processes that speak
 * JSON Lines (packages/serve/python/worker.py). A worker that crashes or times out is replaced; requests wait
 * in a bounded queue for a free worker.
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

  constructor(
    private readonly model: ModelInfo,
    private readonly options: PythonPredictorOptions = {},
  ) {
    this.python = options.python ?? process.env.MLCI_PYTHON ?? 'python3';
    this.size = Math.min(32, Math.max(1, Math.floor(options.workers ?? 1)));
    this.env = { ...process.env, PYTHONUNBUFFERED: '1', ...options.env };
  }

  async start(): Promise<PredictorInfo> {
    const started = Array.from({ length: this.size }, () => this.spawnWorker());
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
      const { pid: _pid, ...info } = infos[0];
      this.info = info;
      this.dispatch();
      return info;
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
      this.queue.push({ id: this.nextId++, batch, resolve, reject });
      this.dispatch();
    });
  }

  stats() {
    return {
      restarts: this.restarts,
      queued: this.queue.length,
      busy: this.workers.filter((w) => w.job).length,
      workers: this.workers.filter((w) => w.ready).length,
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const job of this.queue.splice(0)) job.reject(new PredictError('unavailable', 'the server is shutting down'));
    await Promise.all(
      this.workers.map(async (w) => {
        w.child.stdin!.end(); // the worker's read loop ends and it exits by itself
        const timer = setTimeout(() => w.kill('SIGKILL'), 3000);
        await w.exited;
        clearTimeout(timer);
      }),
    );
  }

  private spawnWorker(): Worker {
    const worker = new Worker(this.model, this.python, this.env, this.options.logger, (w, m) => this.onResult(w, m));
    this.workers.push(worker);
    worker.info.then(
      () => this.dispatch(),
      () => {},
    );
    void worker.exited.then((code) => this.onExit(worker, code));
    return worker;
  }

  private onResult(worker: Worker, message: Record<string, unknown>): void {
    const job = worker.job;
    if (!job || message.id !== job.id) return;
    clearTimeout(job.timer);
    worker.job = null;
    if (Array.isArray(message.predictions)) job.resolve(message.predictions);
    else job.reject(new PredictError(message.bad_input ? 'bad_input' : 'model', String(message.error ?? 'the model failed')));
    this.dispatch();
  }

  private onExit(worker: Worker, code: number | null): void {
    this.workers.splice(this.workers.indexOf(worker), 1);
    const job = worker.job;
    if (job) {
      clearTimeout(job.timer);
      // After a timeout the job was already answered (504); settling it again is a no-op.
      job.reject(
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
          this.spawnWorker().info.catch((error) =>
            this.options.logger?.error(`Python worker failed to restart: ${(error as Error).message}`),
          );
      },
      worker.ready ? 0 : delay,
    ).unref();
  }

  private dispatch(): void {
    while (this.queue.length) {
      const worker = this.workers.find((w) => w.ready && !w.job && w.child.exitCode === null);
      if (!worker) return;
      const job = this.queue.shift()!;
      const timeout = this.options.workerTimeoutMs ?? 30_000;
      job.timer = setTimeout(() => {
        job.reject(new PredictError('timeout', `the model took longer than ${timeout} ms; its worker was restarted`));
        worker.kill();
      }, timeout);
      worker.send(job);
    }
  }
}
