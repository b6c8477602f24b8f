export * from './special';
export * from './kolmogorov';
export * from './ks';
export * from './distances';
export * from './sketch';
export * from './summary';
export * from './drift';
