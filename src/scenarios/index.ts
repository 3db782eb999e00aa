/**
 * Scenarios: a named parameter set with a start month, horizon, seed and population, optionally
 * extending another scenario file, plus interventions. Reading scenario files (`loadScenario`,
 * `extends`, `comparators`) is the node side's: src/node/scenarioLoader.ts.
 */
export { setScenarioRoots } from './roots.ts';
export { ScenarioSchema, ScenarioError, scenarioJsonSchema, deepMerge, mergeExtended, validateScenario, LAST_PROJECTED_MONTH, projectionEnd, type Scenario } from './schema.ts';
