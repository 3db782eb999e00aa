export * from './types.ts';
export * from './memory.ts';
export * from './fileStore.ts';
export * from './ndjson.ts';
export * from './replay.ts';
export { writeFileAtomic } from './atomicFile.ts';
