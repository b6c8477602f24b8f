// One module per action body (loading only what this action needs); the body is in packages/actions/src/pipeline.ts.
import { runAction } from '@mlci/actions/run';
import { pipelineAction } from '@mlci/actions/pipeline';
await runAction(pipelineAction);
