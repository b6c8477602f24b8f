/**
 * `main` across workflows: the newest successful workflow run on the default branch that left an
 * `mlci-run-<id>` artifact (train-and-log uploads one), downloaded into the job's store and verified by
 * hash (see @mlci/store/github fetchRun). Used when the job's own store has no run from main, which is
 * the usual case on a fresh runner.
 */
import type { GitHubClient } from '@mlci/core/github';
import type { Store } from '@mlci/store';
import type { BaselineLookup } from './compare-baseline';

export interface MainFromGitHubOptions {
  client: GitHubClient;
  /** Token for the artifact download (`actions: read`). */
  token: string;
  owner: string;
  repo: string;
  /** Where the fetched run (and its predictions blob) is stored. */
  store: Store;
  /** @default 'main' */
  branch?: string;
  /** Workflow runs looked at, newest first (1..100). @default 20 */
  maxRuns?: number;
  /** Workflow run ids to skip (this run). @default none */
  exclude?: number[];
}

export async function mainBaselineFromGitHub(options: MainFromGitHubOptions): Promise<BaselineLookup> {
  const branch = options.branch ?? 'main';
  const { fetchRun } = await import('@mlci/store/github');
  const { data } = await options.client.rest.actions.listWorkflowRunsForRepo({
    owner: options.owner,
    repo: options.repo,
    branch,
    status: 'success',
    per_page: Math.min(100, Math.max(1, options.maxRuns ?? 20)),
  });
  const runs = data.workflow_runs.filter((r) => r.event !== 'pull_request' && !(options.exclude ?? []).includes(r.id));
  for (const wr of runs) {
    const { data: listed } = await options.client.rest.actions.listWorkflowRunArtifacts({ owner: options.owner, repo: options.repo, run_id: wr.id, per_page: 100 });
    if (!listed.artifacts.some((a) => a.name.startsWith('mlci-run-') && !a.expired)) continue;
    const run = await fetchRun(options.store, { token: options.token, owner: options.owner, repo: options.repo, workflowRunId: wr.id });
    return { baseline: { run, source: 'main', label: `${branch} (workflow run ${wr.run_number ?? wr.id})` }, notes: [] };
  }
  return { baseline: null, notes: [`no successful workflow run on ${branch} left an mlci run artifact (looked at ${runs.length}): nothing to compare with there`] };
}
