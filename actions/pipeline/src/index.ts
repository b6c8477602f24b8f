import { runAction } from '@mlci/core/action';
import { runPipelineAction } from '@mlci/pipeline/action';

// The root action (action.yml at the repository root): the mlci.yml pipeline; the logic is in packages/pipeline.
await runAction(runPipelineAction);
