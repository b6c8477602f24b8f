import * as core from '@actions/core';
import { runAction } from '@mlci/core/action';
import { canPublishArtifacts, publishDatasets, publishRun } from '@mlci/store/github';
import { runTrainAndLog } from '@mlci/tracking/action';

// train-and-log: inputs in, outputs and job summary out; the logic is in packages/tracking. In a job that can
// upload artifacts, the run also leaves as `mlci-run-<id>`, and each snapshotted dataset as `mlci-data-<sha256>`
// unless the repository already has it.
await runAction(() =>
  runTrainAndLog(async (record, store) => {
    if (!canPublishArtifacts()) return core.info('no artifact service in this job: the run stays in the workspace store');
    const logger = { info: core.info, warn: core.warning, error: core.error, debug: core.debug };
    const { name } = await publishRun(record, store, { logger });
    core.setOutput('artifact', name);
    const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '/').split('/');
    const token = process.env.GITHUB_TOKEN ?? '';
    if (record.lineage.datasets.some((d) => d.snapshot) && token && owner) {
      const { uploaded, existing } = await publishDatasets(record, store, { token, owner, repo, logger });
      core.info(`datasets: ${uploaded.length} uploaded, ${existing.length} already stored by hash`);
      core.setOutput('datasets-uploaded', String(uploaded.length));
    }
  }),
);
