import { runAction } from '@mlci/core/action';
import { runOverfitGate } from '@mlci/tracking/action';

// overfit-gate: inputs in, outputs and job summary out; the logic is in packages/tracking.
await runAction(() => runOverfitGate());
