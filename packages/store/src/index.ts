export * from './run-record';
export * from './store';
export * from './hash';
export * from './local';
export * from './open';
export * from './owner';
export * from './run-journal';
