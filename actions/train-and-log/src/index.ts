import * as core from '@actions/core';
import { runAction } from '@mlci/core/action';
import { publishFromJob } from '@mlci/store/github';
import { runTrainAndLog, snapshotInput } from '@mlci/tracking/action';

// train-and-log: the logic is in packages/tracking (the run) and packages/store (what leaves the job).
const logger = { info: core.info, warn: core.warning, error: core.error, debug: core.debug };
await runAction(() => runTrainAndLog((record, store) => publishFromJob(record, store, { releases: snapshotInput() === 'release', logger, setOutput: core.setOutput })));
