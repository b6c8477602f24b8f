import { runAction } from '@mlci/core/action';
import { runDriftAction } from '@mlci/stats/action';

// distribution-check: the logic is in packages/stats.
await runAction(runDriftAction);
