// One module per action body (loading only what this action needs); the body is in packages/actions/src/train.ts.
import { runAction } from '@mlci/actions/run';
import { trainAction } from '@mlci/actions/train';
await runAction(trainAction);
