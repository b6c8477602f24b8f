import { runAction } from '@mlci/core/action';
import { runBuildServeImage } from '@mlci/serve/action';

// build-serve-image: inputs in, outputs and job summary out; the logic is in packages/serve.
await runAction(() => runBuildServeImage());
