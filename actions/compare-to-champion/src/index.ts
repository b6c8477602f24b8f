import { runAction } from '@mlci/core/action';
import { runCompareAction } from '@mlci/report/action';

// compare-to-champion: compare, then publish the sticky PR report and the job summary; logic in packages/report.
await runAction(() => runCompareAction());
