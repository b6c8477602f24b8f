export * from './errors';
export * from './fs';
export * from './log';
export * from './result';
export * from './args';
export * from './markdown';
export { pacingFromEnv } from './github/pacing';
export { MLCI_VERSION } from './version';
