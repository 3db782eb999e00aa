/**
 * Ensemble summaries as outputs show them: each scenario's replications summarised, with the
 * scenario's calibrated bands applied (see `projections/bands.ts`). The command line and the
 * workbench both summarise here, so their kpis.csv are the same bytes.
 */
import { calibrateSummary } from '../projections/bands.ts';
import { summarise } from '../projections/summary.ts';
import type { KpiRun, KpiSummary } from '../projections/types.ts';
import type { Scenario } from '../scenarios/schema.ts';

export function summariseScenarios(scenarios: readonly Scenario[], runs: readonly (readonly KpiRun[])[]): KpiSummary[] {
  return scenarios.map((s, i) => calibrateSummary(summarise(s.name, runs[i]), s.bands));
}
