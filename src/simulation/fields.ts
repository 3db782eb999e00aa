/** The field codes now live in src/events/fields.ts (below the engine and the projector); this re-export keeps older imports working. */
export * from '../events/fields.ts';
