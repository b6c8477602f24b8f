import { runAction } from '@mlci/core/action';
import { runPromoteModel } from '@mlci/registry/action';

// promote-model: inputs in, outputs and job summary out; the logic is in packages/registry.
await runAction(() => runPromoteModel());
