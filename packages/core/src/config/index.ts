export * from './load';
export { MLCI_CONFIG_SCHEMA } from './schema';
