/**
 * Worker-thread entry (bundled as dist/workers/validate.js): validates one part of a table and posts the
 * partial result back, its hash-set tables transferred rather than copied. See validate-parallel.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorReply, runPart, type WorkerReply, type WorkerRequest } from './validate-parallel';

const request = workerData as WorkerRequest;
let reply: WorkerReply;
try {
  reply = { partial: await runPart(request.source, request.part, request.spec, request.read) };
} catch (error) {
  reply = errorReply(error);
}
const transfer = 'partial' in reply ? Object.values(reply.partial.sets).map((s) => s.table.buffer as ArrayBuffer) : [];
parentPort!.postMessage(reply, transfer);
