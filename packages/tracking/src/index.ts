export * from './collector';
export * from './capture-files';
export * from './system-metrics';
export * from './lineage';
export * from './mlflow-server';
export * from './train';
export * from './mlproject';
