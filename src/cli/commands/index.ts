/**
 * Every subcommand, in the order of `caseflow --help`. A command's module (and the libraries it
 * needs) is loaded only when that command runs or shows its help; `caseflow --help` itself reads
 * only the names, terms and descriptions here (test/cli.test.ts checks that they match what each
 * module registers).
 */
import type { Command } from 'commander';

export interface CommandEntry {
  readonly name: string;
  /** The command as `caseflow --help` lists it (name, `[options]`, arguments). */
  readonly term: string;
  readonly description: string;
  readonly load: () => Promise<{ register: (program: Command) => void }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'simulate',
    term: 'simulate [options]',
    description: 'Run a scenario: seeded replications of the case-flow microsimulation, KPI outputs, and optionally the full event log of one replication',
    load: () => import('./simulate.ts'),
  },
  {
    name: 'replay',
    term: 'replay [options] <events.ndjson>',
    description: "Validate an NDJSON event log (schema and every child's journey) and recompute its KPIs",
    load: () => import('./replay.ts'),
  },
  {
    name: 'compare',
    term: 'compare [options]',
    description: 'Run a baseline and a scenario with common random numbers and report the paired differences',
    load: () => import('./compare.ts'),
  },
  {
    name: 'target',
    term: 'target [options]',
    description: 'Find the lever strength that brings a KPI to a target value by a month',
    load: () => import('./target.ts'),
  },
  {
    name: 'import',
    term: 'import',
    description: 'Import statutory returns (SSDA903, CIN census) or merge event logs into one validated event log',
    load: () => import('./import.ts'),
  },
  {
    name: 'export',
    term: 'export',
    description: 'Export an event log (imported or simulated) as statutory returns: SSDA903 CSV tables or CIN census XML',
    load: () => import('./export.ts'),
  },
  {
    name: 'calibrate',
    term: 'calibrate [options]',
    description: "Fit a scenario's parameters to observed KPI series and/or estimate them from an event history",
    load: () => import('./calibrate.ts'),
  },
  {
    name: 'backtest',
    term: 'backtest [options]',
    description: 'Score projections against what happened: from many origins inside an event history or observed series (rolling origins, with naive and Markov benchmarks), or from one start',
    load: () => import('./backtest.ts'),
  },
  {
    name: 'check',
    term: 'check [options]',
    description: 'Regression check: rerun a scenario and compare its KPIs with a stored kpis.csv',
    load: () => import('./check.ts'),
  },
  {
    name: 'sweep',
    term: 'sweep [options]',
    description: 'Run a parameter sweep or sensitivity analysis: many points of a design, each an ensemble, on local worker threads or on a Redis queue',
    load: () => import('./sweep.ts'),
  },
  {
    name: 'worker',
    term: 'worker [options]',
    description: 'Take sweep jobs from a Redis (BullMQ) queue and run them, until stopped',
    load: () => import('./worker.ts'),
  },
  {
    name: 'serve',
    term: 'serve [options]',
    description: 'Serve the scenario workbench on localhost: build, run and compare scenarios in the browser',
    load: () => import('./serve.ts'),
  },
];
