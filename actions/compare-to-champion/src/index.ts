// One module per action body (loading only what this action needs); the body is in packages/actions/src/compare.ts.
import { runAction } from '@mlci/actions/run';
import { compareAction } from '@mlci/actions/compare';
await runAction(compareAction);
