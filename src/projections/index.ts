/** Monthly KPI projections from event streams, ensemble summaries, comparators and outputs. */
export * from './catalogue.ts';
export * from './types.ts';
export { KpiProjector, project, fastDayNumber, RATIO_KPI_IDS, type ProjectorOptions, type MonthSnapshot, type ProjectorDiagnostics } from './projector.ts';
export { projectFromStore, projectFromEvents } from './stream.ts';
export { summarise, statsOf, quantileSorted, orderedKpiIds } from './summary.ts';
export { comparatorsFor, parseComparators } from './comparators.ts';
export { formatNumber, kpisCsvText, KPIS_CSV_HEADER } from './kpisCsv.ts';
export { bandScore, conformalFactor, widen, widenStats, factorsAt, calibrateSummary, noiseFloor, isPctKpi, type BandLevel } from './bands.ts';
