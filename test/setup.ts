/**
 * Property-based tests run with a fixed seed so that a run of the suite is reproducible (CI
 * included). Set FC_SEED to explore other inputs, e.g. `FC_SEED=$RANDOM npm test`; a failure
 * prints the seed and path that reproduce it.
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261123) });
