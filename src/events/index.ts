export * from './schema.ts';
export * from './codes/index.ts';
export * from './journey.ts';
