// One module per action body (loading only what this action needs); the body is in packages/actions/src/validate.ts.
import { runAction } from '@mlci/actions/run';
import { validateAction } from '@mlci/actions/validate';
await runAction(validateAction);
