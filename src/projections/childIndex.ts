/** ChildIndex now lives in src/events/childIndex.ts (below the store, the engine and the projector); this re-export keeps older imports working. */
export { ChildIndex } from '../events/childIndex.ts';
