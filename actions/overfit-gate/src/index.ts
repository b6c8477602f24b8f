// One module per action body (loading only what this action needs); the body is in packages/actions/src/train.ts.
import { runAction } from '@mlci/actions/run';
import { overfitGateAction } from '@mlci/actions/train';
await runAction(overfitGateAction);
