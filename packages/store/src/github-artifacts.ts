import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { DefaultArtifactClient } from '@actions/artifact';
import { inputError, type Logger, silentLogger } from '@mlci/core';
import { isDirManifest, parseDirManifest } from './dataset-dir';
import { DatasetNotStoredError } from './github-errors';
import { artifactCall, downloadArtifactFiles } from './github-zip';
import { allArtifacts, decodeRunRecord, encodeRunRecord, type RunRecord } from './run-record';
import type { Store } from './store';

/**
 * Runs as workflow artifacts: the GitHub half of the store for runs. A run travels as one artifact named
 * `mlci-run-<id>` holding `run.json` and the blobs of its artifacts (`blobs/<sha256>`), so a later job or
 * workflow (compare-to-champion looking for main's newest run, promote-model on a tag) restores it whole and
 * verified. Artifacts are retention-limited; registered models go to releases instead (packages/registry).
 */
/**
 * Loaded on first use: @actions/github fixes its API root from GITHUB_API_URL when it is first imported, and the
 * Azure SDK behind @actions/artifact is heavy; neither belongs on the path of a local `mlci` command.
 */
async function artifactClient(): Promise<DefaultArtifactClient> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  return new DefaultArtifactClient();
}

export const runArtifactName = (runId: string) => `mlci-run-${runId}`;

export interface PublishRunOptions {
  /** Days GitHub keeps the artifact (1..90). @default the repository's setting */
  retentionDays?: number;
  /** @default a new DefaultArtifactClient (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL from the job) */
  client?: DefaultArtifactClient;
  logger?: Logger;
  /** Outcomes of later checks (`mlci.*` tags: gates, comparison) carried beside the record as checks.json. */
  checks?: Record<string, string>;
}

/** True when this process runs in a job that can upload artifacts. */
export const canPublishArtifacts = (env: NodeJS.ProcessEnv = process.env) => Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);

/** Uploads a run with its artifact blobs as `mlci-run-<id>`; returns the artifact id and size. */
export async function publishRun(
  record: RunRecord,
  store: Store,
  options: PublishRunOptions = {},
): Promise<{ name: string; id: number | undefined; size: number | undefined }> {
  const staging = await mkdtemp(join(process.env.RUNNER_TEMP ?? tmpdir(), 'mlci-run-artifact-'));
  try {
    const files = [join(staging, 'run.json')];
    await writeFile(files[0], JSON.stringify(encodeRunRecord(record), null, 2));
    if (options.checks && Object.keys(options.checks).length) {
      files.push(join(staging, 'checks.json'));
      await writeFile(files[1], JSON.stringify(options.checks, null, 2));
    }
    await mkdir(join(staging, 'blobs'));
    for (const sha of new Set(allArtifacts(record).map((a) => a.sha256))) {
      const file = join(staging, 'blobs', sha);
      await store.restoreBlob(sha, file);
      files.push(file);
    }
    const client = options.client ?? (await artifactClient());
    const name = runArtifactName(record.id);
    const response = await artifactCall(`upload artifact ${name}`, () =>
      client.uploadArtifact(name, files, staging, { retentionDays: options.retentionDays }),
    );
    (options.logger ?? silentLogger).info(`uploaded run ${record.id} as artifact ${name} (${record.artifacts.length} files)`);
    return { name, id: response.id, size: response.size };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Where to find a run artifact. The API root is GITHUB_API_URL, as for every @actions client in a job. */
export interface FetchRunOptions {
  /** Token that can read the repository's artifacts (`actions: read`). */
  token: string;
  owner: string;
  repo: string;
  /** The workflow run that uploaded the artifact. */
  workflowRunId: number;
  /** The run id (the artifact is `mlci-run-<id>`); the only `mlci-run-*` artifact of that workflow run when omitted. */
  runId?: string;
  client?: DefaultArtifactClient;
}

/**
 * Downloads a run artifact and imports it into `store`: every blob is stored by hash and must hash to its
 * name (a tampered artifact is refused), then the run record is written. Returns the record.
 */
export async function fetchRun(store: Store, options: FetchRunOptions): Promise<RunRecord> {
  const client = options.client ?? (await artifactClient());
  const findBy = {
    token: options.token,
    repositoryOwner: options.owner,
    repositoryName: options.repo,
    workflowRunId: options.workflowRunId,
  };
  let name = options.runId ? runArtifactName(options.runId) : undefined;
  if (!name) {
    const { artifacts } = await artifactCall(`list the artifacts of workflow run ${options.workflowRunId}`, () =>
      client.listArtifacts({ findBy }),
    );
    const runs = artifacts.filter((a) => a.name.startsWith('mlci-run-'));
    if (runs.length === 0)
      throw inputError(`workflow run ${options.workflowRunId} has no mlci-run-* artifact`, {
        hint: 'the run must be recorded by train-and-log in that workflow',
      });
    name = runs[runs.length - 1].name;
  }
  const { artifact } = await artifactCall(`find artifact ${name} in workflow run ${options.workflowRunId}`, () =>
    client.getArtifact(name!, { findBy }),
  );
  const dir = await mkdtemp(join(tmpdir(), 'mlci-run-download-'));
  try {
    await downloadArtifactFiles(client, artifact.id, name, dir, findBy);
    const record = decodeRunRecord(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunRecord);
    for (const sha of new Set(allArtifacts(record).map((a) => a.sha256))) {
      const stored = await store.putBlob({ path: join(dir, 'blobs', sha) });
      if (stored.sha256 !== sha)
        throw inputError(`artifact ${name}: blob ${sha} does not match its hash (got ${stored.sha256})`, {
          hint: 'the artifact was modified after upload; do not trust it',
        });
    }
    // A run already stored ended (fetched before) stays as it is: ended runs are immutable.
    const stored = await store.getRun(record.id).catch(() => null);
    if (!stored || stored.status === 'RUNNING') await store.putRun(record);
    const checks = await readFile(join(dir, 'checks.json'), 'utf8').then(
      (t) => JSON.parse(t) as Record<string, string>,
      () => null,
    );
    if (checks && store.annotateRun) {
      const tags = Object.fromEntries(Object.entries(checks).filter(([k, v]) => k.startsWith('mlci.') && typeof v === 'string'));
      if (Object.keys(tags).length) await store.annotateRun(record.id, tags);
    }
    return record;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const datasetArtifactName = (sha256: string) => `mlci-data-${sha256}`;

export interface PublishDatasetsOptions {
  /** Token with `actions: read`, to ask whether the repository already holds a dataset. */
  token: string;
  owner: string;
  repo: string;
  /** REST API root. @default $GITHUB_API_URL */
  baseUrl?: string;
  retentionDays?: number;
  client?: DefaultArtifactClient;
  logger?: Logger;
}

/**
 * Stores each snapshotted dataset of a run once per repository, as an artifact named by its SHA-256: when a
 * live (unexpired) artifact of that name exists in any workflow run, nothing is uploaded, so an unchanged
 * dataset costs no upload however many runs use it. Returns what was uploaded and what was already there.
 */
export async function publishDatasets(
  record: RunRecord,
  store: Store,
  options: PublishDatasetsOptions,
): Promise<{ uploaded: string[]; existing: string[] }> {
  const { createGitHubClient } = await import('@mlci/core/github');
  const github = createGitHubClient({
    token: options.token,
    baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL,
    logger: options.logger,
  });
  const uploaded: string[] = [];
  const existing: string[] = [];
  for (const dataset of record.lineage.datasets.filter((d) => d.snapshot)) {
    const name = datasetArtifactName(dataset.sha256);
    const { data } = await github.rest.actions.listArtifactsForRepo({ owner: options.owner, repo: options.repo, name, per_page: 1 });
    if (data.artifacts.some((a) => !a.expired)) {
      existing.push(dataset.sha256);
      continue;
    }
    const staging = await mkdtemp(join(process.env.RUNNER_TEMP ?? tmpdir(), 'mlci-data-artifact-'));
    try {
      const file = join(staging, dataset.sha256);
      await store.restoreBlob(dataset.sha256, file);
      const files = [file];
      // A folder travels as its manifest plus one blobs/<sha256> per distinct file (fetchDataset checks each).
      if (dataset.kind === 'directory') {
        const entries = parseDirManifest(await readFile(file), `the manifest of ${dataset.path}`);
        for (const sha of new Set(entries.map((e) => e.sha256))) {
          await store.restoreBlob(sha, join(staging, 'blobs', sha));
          files.push(join(staging, 'blobs', sha));
        }
      }
      const client = options.client ?? (await artifactClient());
      await artifactCall(`upload artifact ${name}`, () =>
        client.uploadArtifact(name, files, staging, { retentionDays: options.retentionDays }),
      );
      uploaded.push(dataset.sha256);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  return { uploaded, existing };
}

export interface FetchDatasetOptions {
  /** Token with `actions: read`. */
  token: string;
  owner: string;
  repo: string;
  sha256: string;
  /** REST API root. @default $GITHUB_API_URL */
  baseUrl?: string;
  client?: DefaultArtifactClient;
}

/**
 * Brings a dataset stored as `mlci-data-<sha256>` into `store`, verified: the bytes must hash to the name
 * (a modified artifact is refused and nothing is stored under a wrong key).
 */
export async function fetchDataset(store: Store, options: FetchDatasetOptions): Promise<{ sha256: string; size: number }> {
  const { createGitHubClient } = await import('@mlci/core/github');
  const github = createGitHubClient({ token: options.token, baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL });
  const name = datasetArtifactName(options.sha256);
  const { data } = await github.rest.actions.listArtifactsForRepo({ owner: options.owner, repo: options.repo, name, per_page: 10 });
  const live = data.artifacts.find((a) => !a.expired && a.workflow_run?.id);
  if (!live)
    throw new DatasetNotStoredError(
      `no live artifact ${name} in ${options.owner}/${options.repo}`,
      'it expired (artifacts are retention-limited) or was never uploaded: record data with `snapshot: true`',
    );
  const client = options.client ?? (await artifactClient());
  const dir = await mkdtemp(join(tmpdir(), 'mlci-data-download-'));
  try {
    await downloadArtifactFiles(client, live.id, name, dir, {
      token: options.token,
      repositoryOwner: options.owner,
      repositoryName: options.repo,
      workflowRunId: live.workflow_run!.id!,
    });
    const main = join(dir, options.sha256);
    const manifest = await readHead(main);
    if (isDirManifest(manifest)) {
      // A folder: every file blob is checked against its name before the manifest makes the folder restorable.
      const entries = parseDirManifest(await readFile(main), `the manifest in artifact ${name}`);
      for (const sha of new Set(entries.map((e) => e.sha256))) {
        const blob = await store.putBlob({ path: join(dir, 'blobs', sha) });
        if (blob.sha256 !== sha)
          throw inputError(`artifact ${name} holds blobs/${sha} whose bytes hash to ${blob.sha256}`, {
            hint: 'the artifact was modified after upload; do not trust it',
          });
      }
    }
    const stored = await store.putBlob({ path: main });
    if (stored.sha256 !== options.sha256)
      throw inputError(`artifact ${name} holds bytes that hash to ${stored.sha256}`, {
        hint: 'the artifact was modified after upload; do not trust it',
      });
    return { sha256: stored.sha256, size: stored.size };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The first bytes of a file (enough to tell a directory manifest from data). */
async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r').catch((error) => {
    throw inputError(`the dataset artifact holds no file ${basename(file)}`, {
      hint: 'the artifact was not written by mlci',
      cause: error,
    });
  });
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

// Datasets kept beyond artifact retention live on releases (one module per GitHub mechanism).
export { DatasetNotStoredError } from './github-errors';
export { datasetReleaseTag, fetchDatasetFromRelease, publishDatasetsToRelease, type DatasetReleaseOptions } from './github-releases';
