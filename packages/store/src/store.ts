import type { RunRecord } from './run-record';

/**
 * Where the bytes to store come from: a file on disk or a readable stream (both streamed, never held whole
 * in memory), or bytes in memory.
 */
export type BlobSource = { path: string } | { bytes: Uint8Array | string } | { stream: NodeJS.ReadableStream };

export interface BlobInfo {
  /** SHA-256 of the bytes, lower-case hex: the blob's key. */
  sha256: string;
  /** Size in bytes. */
  size: number;
  /** True when the store already held these bytes, so nothing was written (or uploaded). */
  existed: boolean;
}

export interface ListRunsOptions {
  /**
   * Only runs of this experiment.
   * @default every experiment
   */
  experiment?: string;
  /**
   * At most this many runs (the newest). Must be a positive integer.
   * @default no limit
   */
  limit?: number;
}

/** What `findRun` looks for: the newest FINISHED run at a commit and/or on a branch. */
export interface FindRunQuery {
  /** Full or abbreviated (≥ 7) commit SHA the run was recorded at. */
  commit?: string;
  /** Branch the run was recorded on (e.g. the default branch, for `main`). */
  branch?: string;
  /** Run ids never to return (the candidates being compared). */
  excludeRuns?: string[];
}

export interface FoundRun {
  run: RunRecord;
  /** Where it was found, for labels and logs: "run 1ab59559" (this store), "workflow run 12 (ml-checks)". */
  where: string;
}

export interface PublishedRun {
  /** The artifact the run was uploaded as, or null when there is nowhere to publish (outside a job). */
  artifact: string | null;
  datasetsUploaded: number;
}

/** Whether a run answers a FindRunQuery. */
export function runMatches(run: RunRecord, query: FindRunQuery): boolean {
  if (run.status !== 'FINISHED' || query.excludeRuns?.includes(run.id)) return false;
  if (query.commit && !run.lineage.git.commit?.startsWith(query.commit)) return false;
  return !query.branch || run.lineage.git.branch === query.branch;
}

/**
 * The data and model store: content-addressed blobs plus immutable run records.
 *
 * Blobs are keyed by SHA-256 so a dataset or model is stored once however many runs refer to it, and every
 * read is verified against its key: a backend never returns bytes that do not hash to what was asked for
 * (it throws an `input` MlciError naming the hash instead). Runs are JSON documents keyed by run id.
 *
 * Backends: `LocalStore` (a directory, `.mlci/` in the project) and `GitHubStore` (@mlci/store/github-store:
 * the workspace's LocalStore plus runs as `mlci-run-<id>` artifacts and datasets as `mlci-data-<sha256>`).
 * Open one with `openBackends` (@mlci/registry), never by hand. Registered models live in the registry.
 */
export interface Store {
  /** A short name of the backend ("local", "github") for logs and records. */
  readonly backend: string;

  /**
   * Stores bytes by their SHA-256. Idempotent: putting bytes already present writes nothing and returns
   * `existed: true`. Side effect: creates the blob (atomically: a reader never sees a partial blob). Every
   * backend keeps blobs in its local store; what leaves a job (run artifacts, dataset artifacts, model
   * release assets) is decided by publishRun and the registry, not per blob.
   */
  putBlob(source: BlobSource): Promise<BlobInfo>;

  /** True when a blob with this SHA-256 is stored. Does not verify the bytes (getBlob does). */
  hasBlob(sha256: string): Promise<boolean>;

  /**
   * The blob's bytes, verified against `sha256`. Throws an `input` MlciError when no such blob exists,
   * and when the stored bytes do not match their hash (a tampered or corrupt blob is never returned).
   */
  getBlob(sha256: string): Promise<Uint8Array>;

  /**
   * Writes the blob to `destination` (parent directories created), streamed and verified: the file appears
   * (atomically renamed into place) only when its bytes hash to `sha256`. Errors as getBlob.
   */
  restoreBlob(sha256: string, destination: string): Promise<BlobInfo>;

  /**
   * Writes a run record. Runs are immutable once FINISHED/FAILED/KILLED; a RUNNING record may be rewritten
   * by the run that owns it (progress checkpoints). Atomic.
   */
  putRun(record: RunRecord): Promise<void>;

  /**
   * One run by id, or by a unique id prefix of at least 4 characters, or by exact run name when that is
   * unique. Throws an `input` MlciError naming close matches when there is no unique run.
   */
  getRun(idOrName: string): Promise<RunRecord>;

  /** Runs, newest first (by startTime, then id). */
  listRuns(options?: ListRunsOptions): Promise<RunRecord[]>;

  /**
   * Records the outcome of a later check on an ended run (e.g. `mlci.gate.overfit-gate: pass`) without
   * rewriting the run: kept beside it and merged into the tags getRun/listRuns return. Only `mlci.*` keys.
   * Promotion with required gates reads these.
   */
  annotateRun?(id: string, tags: Record<string, string>): Promise<void>;

  /** The newest FINISHED run matching the query (GitHub: also in other workflow runs' artifacts), or null. */
  findRun(query: FindRunQuery): Promise<FoundRun | null>;

  /** Makes an ended run (and its checks) available beyond this job; the local backend has nowhere to. */
  publishRun(record: RunRecord): Promise<PublishedRun>;
}
