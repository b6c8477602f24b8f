export * from './table';
export { openTable, formatOf } from './open';
export * from './schema';
export * from './validate';
export * from './infer';
export * from './render';
export { detachString } from './detach';
