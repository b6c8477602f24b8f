import { parentPort, workerData } from 'node:worker_threads';
import { summarizeTable, type SummarizeOptions, type TableSummary } from './summary';

/** The buffers of kept values, moved to the main thread instead of copied. */
const transfers = (summary: TableSummary): ArrayBuffer[] =>
  Object.values(summary.columns).flatMap((c) => (c.kind === 'numeric' && c.sorted?.array ? [c.sorted.array.buffer as ArrayBuffer] : []));

// Entry of a worker thread: summarises one dataset while the main thread summarises the other (2 cores, 2 files).
const { path, options } = workerData as { path: string; options: SummarizeOptions };
summarizeTable(path, options).then(
  (summary) => parentPort!.postMessage({ summary }, transfers(summary)),
  (error) => parentPort!.postMessage({ error: { message: error.message, hint: error.hint, location: error.location, kind: error.kind } }),
);
