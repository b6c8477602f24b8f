/**
 * The GitHub backend of the store. Blobs and runs are kept in the job's workspace store (`.mlci/`, a
 * LocalStore: every read verified by hash) and travel between jobs and workflows as artifacts:
 * `mlci-run-<id>` (record, its checks, its blobs) and `mlci-data-<sha256>`. Runs recorded by other
 * workflow runs (main's newest, the run of a tagged commit) are found through the Actions REST API and
 * imported verified.
 */
import { inputError, type Logger, silentLogger } from '@mlci/core';
import type { GitHubClient } from '@mlci/core/github';
import { canPublishArtifacts, fetchRun, publishDatasets, publishRun } from './github-artifacts';
import type { LocalStore } from './local';
import type { RunRecord } from './run-record';
import {
  runMatches,
  type BlobInfo,
  type BlobSource,
  type FindRunQuery,
  type FoundRun,
  type ListRunsOptions,
  type PublishedRun,
  type Store,
} from './store';

export interface GitHubStoreOptions {
  /** The job's workspace store, where everything read or written is kept. */
  local: LocalStore;
  owner: string;
  repo: string;
  /** Token that can read the repository's Actions artifacts (`actions: read`); absent: only this job's runs. */
  token?: string;
  /** REST client made with that token (@mlci/core/github). Absent: no lookups in other workflow runs. */
  client?: GitHubClient;
  /** Environment of the job (ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL, GITHUB_RUN_ID). @default process.env */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

/** Workflow runs looked at, newest first, when searching for a run. */
const SEARCH_DEPTH = 30;

export class GitHubStore implements Store {
  readonly backend = 'github';
  private readonly local: LocalStore;
  private readonly options: GitHubStoreOptions;

  constructor(options: GitHubStoreOptions) {
    this.local = options.local;
    this.options = options;
  }

  /** The workspace store everything is kept in (also what `.mlci/` holds after the job). */
  get workspace(): LocalStore {
    return this.local;
  }

  putBlob(source: BlobSource): Promise<BlobInfo> {
    return this.local.putBlob(source);
  }
  hasBlob(sha256: string): Promise<boolean> {
    return this.local.hasBlob(sha256);
  }
  getBlob(sha256: string): Promise<Uint8Array> {
    return this.local.getBlob(sha256);
  }
  restoreBlob(sha256: string, destination: string): Promise<BlobInfo> {
    return this.local.restoreBlob(sha256, destination);
  }
  putRun(record: RunRecord): Promise<void> {
    return this.local.putRun(record);
  }
  listRuns(options?: ListRunsOptions): Promise<RunRecord[]> {
    return this.local.listRuns(options);
  }
  annotateRun(id: string, tags: Record<string, string>): Promise<void> {
    return this.local.annotateRun(id, tags);
  }

  /** A run of this job, else (by full id) the repository's `mlci-run-<id>` artifact, imported verified. */
  async getRun(idOrName: string): Promise<RunRecord> {
    try {
      return await this.local.getRun(idOrName);
    } catch (error) {
      if (!/^[0-9a-f]{32}$/.test(idOrName) || !this.options.client) throw error;
      const found = await this.importByName(`mlci-run-${idOrName}`);
      if (!found) throw error;
      return found;
    }
  }

  /**
   * Uploads an ended run as `mlci-run-<id>` with the checks recorded beside it (gates, comparison) and its
   * snapshotted datasets as `mlci-data-<sha256>`. Outside a job with the artifact service it does nothing.
   */
  async publishRun(record: RunRecord): Promise<PublishedRun> {
    const env = this.options.env ?? process.env;
    const logger = this.options.logger ?? silentLogger;
    if (!canPublishArtifacts(env)) {
      logger.info('no artifact service in this job: the run stays in the workspace store');
      return { artifact: null, datasetsUploaded: 0 };
    }
    const stored = await this.local.getRun(record.id);
    const checks = Object.fromEntries(Object.entries(stored.tags).filter(([k, v]) => k.startsWith('mlci.') && record.tags[k] !== v));
    const { name } = await publishRun(record, this.local, { logger, checks });
    let datasetsUploaded = 0;
    if (record.lineage.datasets.some((d) => d.snapshot) && this.options.token) {
      const { uploaded } = await publishDatasets(record, this.local, {
        token: this.options.token,
        owner: this.options.owner,
        repo: this.options.repo,
        logger,
      });
      datasetsUploaded = uploaded.length;
    }
    return { artifact: name, datasetsUploaded };
  }

  /**
   * The newest FINISHED run matching the query: first in this job's store, then in the `mlci-run-*`
   * artifacts of the repository's successful workflow runs on that branch or commit (never pull_request
   * runs: their content is the PR author's). Null when there is none.
   */
  async findRun(query: FindRunQuery): Promise<FoundRun | null> {
    const local = await this.local.findRun(query);
    if (local) return local;
    const { client, token, owner, repo } = this.options;
    if (!client || !token) return null;
    const thisRun = Number((this.options.env ?? process.env).GITHUB_RUN_ID);
    const { data } = await client.rest.actions.listWorkflowRunsForRepo({
      owner,
      repo,
      ...(query.branch ? { branch: query.branch } : {}),
      ...(query.commit?.length === 40 ? { head_sha: query.commit } : {}),
      status: 'success',
      per_page: SEARCH_DEPTH,
    });
    for (const wr of data.workflow_runs) {
      if (wr.id === thisRun || wr.event.startsWith('pull_request') || (query.commit && !wr.head_sha.startsWith(query.commit))) continue;
      const { data: listed } = await client.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: wr.id, per_page: 100 });
      for (const artifact of listed.artifacts.filter((a) => a.name.startsWith('mlci-run-') && !a.expired)) {
        const fetched = await fetchRun(this.local, {
          token,
          owner,
          repo,
          workflowRunId: wr.id,
          runId: artifact.name.slice('mlci-run-'.length),
        });
        // The workflow run's commit and branch stand for the run's own when its checkout had no git metadata.
        const run = await this.local.getRun(fetched.id);
        if (runMatches(run, { ...query, commit: undefined, branch: undefined })) {
          const where = `workflow run ${wr.run_number ?? wr.id}${wr.name ? ` (${wr.name})` : ''}`;
          (this.options.logger ?? silentLogger).info(`found run ${run.id} in ${where}`);
          return { run, where };
        }
      }
    }
    return null;
  }

  private async importByName(name: string): Promise<RunRecord | null> {
    const { client, token, owner, repo } = this.options;
    const { data } = await client!.rest.actions.listArtifactsForRepo({ owner, repo, name, per_page: 5 });
    const live = data.artifacts.find((a) => !a.expired && a.workflow_run?.id);
    if (!live) return null;
    if (!token)
      throw inputError(`run artifact ${name} exists but no token can read it`, {
        hint: 'give the step `github-token` with `actions: read`',
      });
    const run = await fetchRun(this.local, {
      token,
      owner,
      repo,
      workflowRunId: live.workflow_run!.id!,
      runId: name.slice('mlci-run-'.length),
    });
    return this.local.getRun(run.id);
  }
}
