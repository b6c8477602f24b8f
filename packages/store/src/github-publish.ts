import { inputError, type Logger } from '@mlci/core';
import { canPublishArtifacts, publishDatasets, publishRun } from './github-artifacts';
import { publishDatasetsToRelease } from './github-releases';
import type { RunRecord } from './run-record';
import type { Store } from './store';

export interface PublishFromJobOptions {
  /** Also keep snapshotted datasets as release assets, which outlive artifact retention. @default false */
  releases?: boolean;
  logger: Logger;
  /** Where step outputs go (core.setOutput in an action). */
  setOutput: (name: string, value: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * What train-and-log leaves behind a job: the run as `mlci-run-<id>` (when the job has the artifact service),
 * each snapshotted dataset once per repository as `mlci-data-<sha256>`, and with `releases` also as a release
 * asset. Sets the outputs artifact, datasets-uploaded and datasets-released.
 */
export async function publishFromJob(record: RunRecord, store: Store, options: PublishFromJobOptions): Promise<void> {
  const env = options.env ?? process.env;
  const { logger, setOutput } = options;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '/').split('/');
  const token = env.GITHUB_TOKEN ?? '';
  const snapshotted = record.lineage.datasets.some((d) => d.snapshot);
  if (options.releases && snapshotted) {
    if (!token || !owner) throw inputError('snapshot: release needs GITHUB_TOKEN (contents: write) and GITHUB_REPOSITORY', { hint: 'set env: GITHUB_TOKEN: ${{ github.token }} on the step' });
    const { uploaded, existing } = await publishDatasetsToRelease(record, store, { token, owner, repo, logger });
    logger.info(`datasets on releases: ${uploaded.length} uploaded, ${existing.length} already stored by hash`);
    setOutput('datasets-released', String(uploaded.length));
  }
  if (!canPublishArtifacts(env)) return logger.info('no artifact service in this job: the run stays in the workspace store');
  const { name } = await publishRun(record, store, { logger });
  setOutput('artifact', name);
  if (snapshotted && token && owner) {
    const { uploaded, existing } = await publishDatasets(record, store, { token, owner, repo, logger });
    logger.info(`datasets: ${uploaded.length} uploaded, ${existing.length} already stored by hash`);
    setOutput('datasets-uploaded', String(uploaded.length));
  }
}
