import { runAction } from '@mlci/core/action';
import { runTrainAndLog } from '@mlci/tracking/action';

// train-and-log: inputs in, outputs and job summary out; the logic is in packages/tracking.
await runAction(() => runTrainAndLog());
