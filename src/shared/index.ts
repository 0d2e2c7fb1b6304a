export * from './contract';
export * from './domain';
export * from './errors';
export * from './result';
export * from './songmap';
export * from './external-links';
