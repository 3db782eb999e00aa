/** Checks a `ReportInput` before rendering, naming the field and the reason on failure. */
import { InputError } from '../errors.ts';
import { monthKey, tryParseMonth } from '../calendar/index.ts';
import { periodEndMonth } from './comparators.ts';
import type { ReportInput } from './types.ts';

function fail(field: string, reason: string): never {
  throw new InputError(`report input: ${field} ${reason}`);
}

function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}

const QUANTILE_KEYS = ['p5', 'p25', 'p50', 'p75', 'p95'] as const;

/** Throws `InputError` naming the first bad field. Returns the start month index. */
export function validateReportInput(input: ReportInput): number {
  if (typeof input.title !== 'string' || input.title.trim() === '') fail('title', 'must be a non-empty string');
  if (!input.generatedBy || typeof input.generatedBy.engineVersion !== 'string' || input.generatedBy.engineVersion === '') {
    fail('generatedBy.engineVersion', 'must be a non-empty string');
  }
  if (typeof input.generatedBy.command !== 'string') fail('generatedBy.command', 'must be a string');
  if (typeof input.seed !== 'number' || !Number.isFinite(input.seed)) fail('seed', `must be a finite number (got ${String(input.seed)})`);
  if (!isPositiveInt(input.runs)) fail('runs', `must be a whole number greater than 0 (got ${String(input.runs)})`);
  const start = typeof input.startMonth === 'string' ? tryParseMonth(input.startMonth) : undefined;
  if (start === undefined) fail('startMonth', `must be a month YYYY-MM (got "${String(input.startMonth)}")`);
  if (!isPositiveInt(input.months)) fail('months', `must be a whole number greater than 0 (got ${String(input.months)})`);
  if (!Array.isArray(input.scenarios) || input.scenarios.length === 0) fail('scenarios', 'must hold at least one scenario');

  const names = new Set<string>();
  input.scenarios.forEach((s, i) => {
    const f = `scenarios[${i}]`;
    if (typeof s.name !== 'string' || s.name.trim() === '') fail(`${f}.name`, 'must be a non-empty string');
    if (names.has(s.name)) fail(`${f}.name`, `"${s.name}" is used by two scenarios`);
    names.add(s.name);
    if (typeof s.description !== 'string') fail(`${f}.description`, 'must be a string');
    if (!Array.isArray(s.assumptions)) fail(`${f}.assumptions`, 'must be an array of strings');
    for (let j = 0; j < s.assumptions.length; j++) {
      if (typeof s.assumptions[j] !== 'string') fail(`${f}.assumptions[${j}]`, 'must be a string');
    }
    const sum = s.summary;
    if (!sum || typeof sum !== 'object') fail(`${f}.summary`, 'is missing');
    if (sum.startMonth !== input.startMonth) fail(`${f}.summary.startMonth`, `is "${sum.startMonth}" but the report starts ${input.startMonth}`);
    if (sum.months !== input.months) fail(`${f}.summary.months`, `is ${sum.months} but the report covers ${input.months} months`);
    if (sum.runs !== input.runs) fail(`${f}.summary.runs`, `is ${sum.runs} but the report states ${input.runs} replications`);
    for (const [kpi, series] of Object.entries(sum.stats)) {
      const sf = `${f}.summary.stats.${kpi}`;
      if (!Array.isArray(series) || series.length !== input.months) {
        fail(sf, `must hold one entry per month (${input.months}), has ${Array.isArray(series) ? series.length : 'none'}`);
      }
      for (let m = 0; m < series.length; m++) {
        const st = series[m];
        if (!st || typeof st !== 'object') fail(`${sf}[${m}]`, 'is missing');
        let prev = -Infinity;
        let nan = 0;
        for (const q of QUANTILE_KEYS) {
          const v = st[q];
          if (typeof v !== 'number' || v === Infinity || v === -Infinity) fail(`${sf}[${m}].${q}`, `must be a number or NaN (got ${String(v)})`);
          if (Number.isNaN(v)) {
            nan++;
            continue;
          }
          if (v < prev - 1e-9 * Math.max(1, Math.abs(prev))) fail(`${sf}[${m}]`, `quantiles are out of order (${q} = ${v} is below the quantile before it, ${prev})`);
          prev = v;
        }
        if (nan !== 0 && nan !== QUANTILE_KEYS.length) fail(`${sf}[${m}]`, 'has some quantiles NaN and others not');
      }
    }
  });

  if (input.baseline !== undefined && !names.has(input.baseline)) {
    fail('baseline', `"${input.baseline}" is not one of the scenarios (${[...names].join(', ')})`);
  }

  (input.comparators ?? []).forEach((c, i) => {
    const f = `comparators[${i}]`;
    if (typeof c.kpi !== 'string' || c.kpi === '') fail(`${f}.kpi`, 'must be a KPI id');
    if (typeof c.kind !== 'string' || c.kind === '') fail(`${f}.kind`, 'must be a non-empty string');
    if (typeof c.basis !== 'string' || c.basis === '') fail(`${f}.basis`, 'must be a non-empty string');
    if (typeof c.value !== 'number' || !Number.isFinite(c.value)) fail(`${f}.value`, `must be a finite number (got ${String(c.value)})`);
    if (typeof c.period !== 'string' || periodEndMonth(c.period) === undefined) {
      fail(`${f}.period`, `must be YYYY-MM or FYyyyy-yy, e.g. FY2022-23 (got "${String(c.period)}")`);
    }
  });

  (input.comparison ?? []).forEach((r, i) => {
    const f = `comparison[${i}]`;
    if (typeof r.label !== 'string' || r.label === '') fail(`${f}.label`, 'must be a non-empty string');
    for (const k of ['total', 'p5', 'p95'] as const) {
      if (typeof r[k] !== 'number' || !Number.isFinite(r[k])) fail(`${f}.${k}`, `must be a finite number (got ${String(r[k])})`);
    }
    if (r.p5 > r.p95) fail(`${f}`, `has p5 ${r.p5} above p95 ${r.p95}`);
    if (typeof r.unit !== 'string') fail(`${f}.unit`, 'must be a string');
  });

  (input.money ?? []).forEach((r, i) => {
    const f = `money[${i}]`;
    for (const k of ['p50', 'p5', 'p95'] as const) {
      if (typeof r[k] !== 'number' || !Number.isFinite(r[k])) fail(`${f}.${k}`, `must be a finite number (got ${String(r[k])})`);
    }
    if (r.p5 > r.p95) fail(`${f}`, `has p5 ${r.p5} above p95 ${r.p95}`);
  });

  const last = start + input.months - 1;
  (input.tableMonths ?? []).forEach((m, i) => {
    const mi = typeof m === 'string' ? tryParseMonth(m) : undefined;
    if (mi === undefined) fail(`tableMonths[${i}]`, `must be a month YYYY-MM (got "${String(m)}")`);
    if (mi < start || mi > last) fail(`tableMonths[${i}]`, `${m} is outside the projection (${input.startMonth} to ${monthKey(last)})`);
  });
  return start;
}
