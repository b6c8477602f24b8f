// One module per action body (loading only what this action needs); the body is in packages/actions/src/promote.ts.
import { runAction } from '@mlci/actions/run';
import { promoteAction } from '@mlci/actions/promote';
await runAction(promoteAction);
