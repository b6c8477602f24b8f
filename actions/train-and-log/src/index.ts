import { runAction } from '@mlci/core/action';
import { runTrainAndLog } from '@mlci/tracking/action';
import { canPublishArtifacts, publishRun } from '@mlci/store/github';
import * as core from '@actions/core';

// train-and-log: inputs in, outputs and job summary out; the logic is in packages/tracking. In a job that can
// upload artifacts, the run also leaves as `mlci-run-<id>` so later jobs and workflows can find it.
await runAction(() =>
  runTrainAndLog(async (record, store) => {
    if (!canPublishArtifacts()) return core.info('no artifact service in this job: the run stays in the workspace store');
    const { name } = await publishRun(record, store, { logger: { info: core.info, warn: core.warning, error: core.error, debug: core.debug } });
    core.setOutput('artifact', name);
  }),
);
