/** Every action body, over one ActionContext; the entry files in actions/<name>/src/index.ts pick one. */
export { ActionContext, Inputs, type Repository } from './context';
export { runAction } from './run';
export { compareAction } from './compare';
export { driftAction } from './drift';
export { pipelineAction, pipelineSections } from './pipeline';
export { promoteAction } from './promote';
export { serveImageAction, summaryOf } from './serve-image';
export { overfitGateAction, parseCommandInput, trainAction } from './train';
export { validateAction, annotateValidation } from './validate';
export {
  driftIssueBody,
  driftMarker,
  dispatchWorkflow,
  issueTitle,
  syncDriftIssue,
  type DriftIssueOptions,
  type DriftIssueResult,
  type DriftFacts,
} from './monitor';
