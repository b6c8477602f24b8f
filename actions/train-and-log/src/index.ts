import * as core from '@actions/core';
import { runAction } from '@mlci/core/action';
import { inputError } from '@mlci/core';
import { canPublishArtifacts, publishDatasets, publishDatasetsToRelease, publishRun } from '@mlci/store/github';
import { runTrainAndLog } from '@mlci/tracking/action';

// train-and-log: inputs in, outputs and job summary out; the logic is in packages/tracking. In a job that can
// upload artifacts, the run also leaves as `mlci-run-<id>`, and each snapshotted dataset as `mlci-data-<sha256>`
// unless the repository already has it; with `snapshot: release` also as a release asset that outlives retention.
await runAction(async () => {
  const snapshot = core.getInput('snapshot').trim().toLowerCase();
  if (snapshot && !['true', 'false', 'release'].includes(snapshot)) throw inputError(`input "snapshot" must be true, false or release, got "${core.getInput('snapshot')}"`, { hint: 'release keeps datasets beyond artifact retention' });
  const toRelease = snapshot === 'release';
  // The tracking layer knows snapshots as on/off; the release copy is this action's concern.
  if (toRelease) process.env.INPUT_SNAPSHOT = 'true';
  return runTrainAndLog(async (record, store) => {
    const logger = { info: core.info, warn: core.warning, error: core.error, debug: core.debug };
    const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '/').split('/');
    const token = process.env.GITHUB_TOKEN ?? '';
    const snapshotted = record.lineage.datasets.some((d) => d.snapshot);
    if (toRelease && snapshotted) {
      if (!token || !owner) throw inputError('snapshot: release needs GITHUB_TOKEN (contents: write) and GITHUB_REPOSITORY', { hint: 'set env: GITHUB_TOKEN: ${{ github.token }} on the step' });
      const { uploaded, existing } = await publishDatasetsToRelease(record, store, { token, owner, repo, logger });
      core.info(`datasets on releases: ${uploaded.length} uploaded, ${existing.length} already stored by hash`);
      core.setOutput('datasets-released', String(uploaded.length));
    }
    if (!canPublishArtifacts()) return core.info('no artifact service in this job: the run stays in the workspace store');
    const { name } = await publishRun(record, store, { logger });
    core.setOutput('artifact', name);
    if (snapshotted && token && owner) {
      const { uploaded, existing } = await publishDatasets(record, store, { token, owner, repo, logger });
      core.info(`datasets: ${uploaded.length} uploaded, ${existing.length} already stored by hash`);
      core.setOutput('datasets-uploaded', String(uploaded.length));
    }
  });
});
