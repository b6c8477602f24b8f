// One module per action body (loading only what this action needs); the body is in packages/actions/src/serve-image.ts.
import { runAction } from '@mlci/actions/run';
import { serveImageAction } from '@mlci/actions/serve-image';
await runAction(serveImageAction);
