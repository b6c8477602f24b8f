import { runAction } from '@mlci/core/action';
import { MlciError } from '@mlci/core';

// The root action's entry. The pipeline runner lands with mlci.yml support; until then it says so and fails.
await runAction(async () => {
  throw new MlciError('usage', 'the mlci.yml pipeline is not available in this build yet', {
    hint: 'use the single-step actions under actions/ (data-schema-validate, distribution-check)',
  });
});
