/**
 * Calibration, back-testing and projection regression checks.
 *
 * - `readObserved` reads observed KPI series (shared/data format) and says which rows can be
 *   fitted; `comparableValue` turns a replication's monthly KPIs into each row's basis;
 * - `fitToObserved` fits a scenario's parameters to observed series (method of moments, then
 *   ensembles); `EventEstimator` estimates them from an event history;
 * - `compareWithEnsemble` back-tests a projection against observations;
 * - `compareExact` / `compareStatistical` compare a rerun with a stored kpis.csv;
 * - `sequentialCalibration` / `calibrationFrom` calibrate bands on a back-test's misses.
 */
export * from './survival.ts';
export * from './compare.ts';
export * from './observed.ts';
export * from './rebase.ts';
export { EventEstimator, applyEstimates, listNotInformed, MIN_OBSERVATIONS, type EstimatorOptions, type Estimate, type EventEstimates, type TransitionRow, type EntryRow, type DurationTable } from './estimate.ts';
export { FIT_TARGETS } from './fitTargets.ts';
export { fitToObserved, withFitSources, observedMomentRelSe, type FitOptions, type FitResult, type FitSeries, type FitParameterRow, type FitIteration } from './fit.ts';
export * from './backtest.ts';
export * from './check.ts';
export * from './scenarioFile.ts';
export * from './tables.ts';
export * from './fromEvents.ts';
export * from './scores.ts';
export * from './careHistory.ts';
export * from './markov.ts';
export * from './rolling.ts';
export * from './rollingObserved.ts';
export * from './observedTrend.ts';
export * from './trendChoice.ts';
export type { TrendKind } from './estimateTypes.ts';
export * from './bands.ts';
export * from './bandsFromHistory.ts';
