import { parentPort, workerData } from 'node:worker_threads';
import { summarizeTable, type SummarizeOptions } from './summary';

// Entry of a worker thread: summarises one dataset while the main thread summarises the other (2 cores, 2 files).
const { path, options } = workerData as { path: string; options: SummarizeOptions };
summarizeTable(path, options).then(
  (summary) => parentPort!.postMessage({ summary }),
  (error) => parentPort!.postMessage({ error: { message: error.message, hint: error.hint, location: error.location, kind: error.kind } }),
);
