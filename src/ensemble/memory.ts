/**
 * A rough upper estimate of the memory an ensemble needs, checked before it starts, so that an
 * oversized job (England for 10,000 runs on 16 workers) is refused with the estimate instead of
 * running the machine out of memory minutes later.
 *
 * Per worker thread: a fixed part (the engine, the code, V8 heaps: about 160 MB measured) plus
 * about 64 bytes a child of the population (the bench's England-scale runs: 246 MB at 1.5 million
 * children, 816 MB at 12 million). Kept results: every KPI's monthly value, numerator and
 * denominator as doubles for every run of every scenario, twice (the runs and their summaries).
 */
import { freemem } from 'node:os';
import { InputError } from '../errors.ts';
import { KPIS } from '../projections/catalogue.ts';
import type { Scenario } from '../scenarios/index.ts';

const WORKER_FIXED_BYTES = 160 * 2 ** 20;
const BYTES_PER_CHILD = 64;
const MAIN_FIXED_BYTES = 200 * 2 ** 20;

export interface MemoryEstimate {
  bytes: number;
  available: number;
}

/**
 * Bytes the machine can give this process now (available memory, within a cgroup limit if any).
 * Tests set CASEFLOW_TEST_FREE_MEMORY (bytes) to stand in for the machine's figure.
 */
export function memoryAvailable(): number {
  const injected = process.env.CASEFLOW_TEST_FREE_MEMORY;
  if (injected !== undefined && /^\d+$/.test(injected)) return Number(injected);
  const p = process as { availableMemory?: () => number; constrainedMemory?: () => number };
  let avail = p.availableMemory ? p.availableMemory() : freemem();
  const limit = p.constrainedMemory ? p.constrainedMemory() : 0;
  if (limit > 0 && limit < Number.MAX_SAFE_INTEGER) avail = Math.min(avail, limit);
  return avail;
}

export function estimateEnsembleMemory(scenarios: readonly Pick<Scenario, 'population' | 'parameters'>[], o: { runs: number; months: number; workers: number }): number {
  const pop = Math.max(0, ...scenarios.map((s) => {
    const growth = s.parameters.population?.growthPctPerYear ?? 0;
    return s.population * Math.max(1, Math.pow(1 + growth / 100, o.months / 12));
  }));
  const perWorker = WORKER_FIXED_BYTES + BYTES_PER_CHILD * pop * scenarios.length;
  const results = o.runs * scenarios.length * o.months * KPIS.length * 3 * 8 * 2;
  return MAIN_FIXED_BYTES + Math.max(1, o.workers) * perWorker + results;
}

function mb(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.ceil(bytes / 2 ** 20)} MB`;
}

/** Refuses (InputError) an ensemble whose estimated memory exceeds what the machine has free. */
export function checkEnsembleMemory(scenarios: readonly Pick<Scenario, 'population' | 'parameters'>[], o: { runs: number; months: number; workers: number }, available = memoryAvailable()): MemoryEstimate {
  const bytes = estimateEnsembleMemory(scenarios, o);
  if (available > 0 && bytes > available) {
    throw new InputError(
      `estimated memory ${mb(bytes)} for ${o.runs} runs × ${o.months} months on ${o.workers} worker${o.workers === 1 ? '' : 's'} exceeds the ${mb(available)} free on this machine; use fewer --runs, --months or --workers`,
    );
  }
  return { bytes, available };
}
