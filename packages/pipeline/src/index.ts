export * from './types';
export { runPipeline, verdictOf } from './run';
export { STAGES } from './stages';
export { initProject, type InitOptions, type InitResult } from './init';
