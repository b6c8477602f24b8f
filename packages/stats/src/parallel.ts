import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MlciError } from '@mlci/core';
import { STDIN } from '@mlci/data';
import { summarizeTable, type SummarizeOptions, type TableSummary } from './summary';

/**
 * The bundled worker entry (dist/workers/summarize.js), found relative to the chunk this code is bundled
 * into. Running from sources (tests through vitest) there is none, and summaries are made one after another.
 */
function workerFile(): string | null {
  const file = fileURLToPath(new URL('../workers/summarize.js', import.meta.url));
  return existsSync(file) ? file : null;
}

function inWorker(file: string, path: string, options: SummarizeOptions): Promise<TableSummary> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: { path, options } });
    worker.once(
      'message',
      (message: {
        summary?: TableSummary;
        error?: { message: string; hint?: string; location?: { file?: string; line?: number }; kind?: string };
      }) => {
        void worker.terminate();
        if (message.summary) resolve(message.summary);
        else {
          const e = message.error!;
          reject(new MlciError((e.kind as 'input') ?? 'internal', e.message, { hint: e.hint, ...e.location }));
        }
      },
    );
    worker.once('error', reject);
  });
}

/**
 * Summarises several datasets, each in its own worker thread when the bundle has one (else one after another
 * here; standard input is read here). This thread only waits: a worker's heap holds nothing but its read, so
 * the full collections that keep it small (HeapGuard) take milliseconds, where this thread's heap (the whole
 * CLI) made each one slow.
 */
export async function summarizeAll(
  paths: string[],
  options: SummarizeOptions = {},
  file: string | null = workerFile(),
): Promise<TableSummary[]> {
  if (!file || paths.length < 2) {
    const out: TableSummary[] = [];
    for (const p of paths) out.push(await summarizeTable(p, options));
    return out;
  }
  // Standard input (`-`) is this thread's: a worker's process.stdin is not the terminal's or the pipe's.
  return Promise.all(paths.map((p) => (p === STDIN ? summarizeTable(p, options) : inWorker(file, p, options))));
}
