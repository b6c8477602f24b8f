export * from './table';
export { openTable, formatOf } from './open';
