/** Monthly KPI projections from event streams, ensemble summaries, comparators and outputs. */
export * from './catalogue.ts';
export * from './types.ts';
export { KpiProjector, project, fastDayNumber, RATIO_KPI_IDS, type ProjectorOptions, type MonthSnapshot, type ProjectorDiagnostics } from './projector.ts';
export { projectFromStore, projectFromEvents } from './stream.ts';
export { summarise, statsOf, quantileSorted, orderedKpiIds } from './summary.ts';
export { loadComparators, comparatorsFor } from './comparators.ts';
export { kpisCsvText } from './kpisCsv.ts';
export { writeKpiOutputs, readKpisCsv, formatNumber, KPIS_CSV_HEADER, type KpiCsvRow, type KpiOutputOptions, type KpiOutputFiles } from './outputs.ts';
export { bandScore, conformalFactor, widen, widenStats, factorsAt, calibrateSummary, noiseFloor, isPctKpi, type BandLevel } from './bands.ts';
