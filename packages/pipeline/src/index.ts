export * from './types';
export { runPipeline, verdictOf } from './run';
export { STAGES } from './stages';
