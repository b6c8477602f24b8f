export * from './compare';
export * from './compare-spec';
export * from './compare-noise';
export * from './compare-predictions';
export * from './compare-sweep';
export * from './compare-baseline';
export * from './compare-util';
