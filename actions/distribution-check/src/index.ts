// One module per action body (loading only what this action needs); the body is in packages/actions/src/drift.ts.
import { runAction } from '@mlci/actions/run';
import { driftAction } from '@mlci/actions/drift';
await runAction(driftAction);
