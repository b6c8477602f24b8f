import { runAction } from '@mlci/core/action';
import { runValidateAction } from '@mlci/data/action';

// data-schema-validate: the logic is in packages/data.
await runAction(runValidateAction);
