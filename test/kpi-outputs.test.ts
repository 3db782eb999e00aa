/** kpis.csv / kpis.json outputs and comparator files. */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEvent, SCHEMA_VERSION, type CaseEvent } from '../src/events/index.ts';
import { KPI_IDS, isKpiId, KPIS_CSV_HEADER, comparatorsFor, formatNumber, project, summarise, type Comparator, type KpiSummary } from '../src/projections/index.ts';
import { loadComparators } from '../src/node/comparators.ts';
import { readKpisCsv, writeKpiOutputs } from '../src/node/kpiOutputs.ts';
import { InputError } from '../src/errors.ts';
import { tempDirRemovedAfterAll } from './helpers/cli.ts';

const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const OBSERVED = join(DATA, 'southampton/observed.csv');
const NATIONAL = join(DATA, 'england/national.csv');

const dir = tempDirRemovedAfterAll('caseflow-kpis-');

function events(): CaseEvent[] {
  const raw = [
    { type: 'ContactReceived', childId: 'a', date: '2024-01-03', source: '1A' },
    { type: 'ReferralAccepted', childId: 'a', date: '2024-01-04', referralId: 'r1', source: '1A', isRereferral: false },
    { type: 'PeriodOfCareStarted', childId: 'b', date: '2024-01-05', legalStatus: 'C2', placement: 'U5', provider: 'PR4', needCode: 'N1' },
    { type: 'CpPlanStarted', childId: 'c', date: '2024-02-10', category: 'NEG', previousPlans: 1 },
    { type: 'PeriodOfCareEnded', childId: 'b', date: '2024-03-01', rec: 'E4A' },
  ];
  const v = new Map<string, number>();
  return raw.map((e) => {
    const version = (v.get(e.childId) ?? 0) + 1;
    v.set(e.childId, version);
    return parseEvent({ ...e, version, schema: SCHEMA_VERSION });
  });
}

const OPTS = { startMonth: '2024-01', months: 3, population: 49_500, unitCosts: { ifa: 1000 } };

describe('formatNumber', () => {
  it('writes integers as integers, others to at most 4 decimals, NaN empty', () => {
    const cases: [number, string][] = [
      [0, '0'], [-0, '0'], [3, '3'], [-12, '-12'], [123456789, '123456789'], [2.5, '2.5'], [1 / 3, '0.3333'],
      [200 / 3, '66.6667'], [0.00004, '0'], [-0.00004, '0'], [1.23456, '1.2346'], [99.99999, '100'], [NaN, ''], [Infinity, ''],
    ];
    for (const [x, s] of cases) expect(formatNumber(x), String(x)).toBe(s);
  });
});

describe('writeKpiOutputs', () => {
  it('writes kpis.csv with the exact header and a row per scenario, month and KPI, every KPI included', () => {
    const summary = summarise('baseline', [project(events(), OPTS)]);
    const out = writeKpiOutputs(join(dir, 'one'), [summary]);
    const text = readFileSync(out.csvPath, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('scenario,month,kpi,mean,p5,p25,p50,p75,p95');
    expect(out.rows).toBe(3 * KPI_IDS.length);
    expect(lines.length).toBe(1 + 3 * KPI_IDS.length);
    const rows = lines.slice(1).map((l) => l.split(','));
    for (const month of ['2024-01', '2024-02', '2024-03']) {
      const ids = rows.filter((r) => r[1] === month).map((r) => r[2]);
      expect(ids).toEqual([...KPI_IDS]);
    }
    // a single run: every statistic equals the value
    for (const r of rows) expect(new Set(r.slice(3)).size).toBe(1);
    const cell = (month: string, kpi: string) => rows.find((r) => r[1] === month && r[2] === kpi)![3];
    expect(cell('2024-01', 'cla_open')).toBe('1');
    expect(cell('2024-03', 'cla_open')).toBe('0');
    expect(cell('2024-01', 'cla_rate')).toBe('0.202'); // 1 / 49,500 * 10,000
    expect(cell('2024-02', 'cp_repeat_pct')).toBe('100');
    expect(cell('2024-01', 'cp_repeat_pct')).toBe(''); // no new plans: empty
    expect(cell('2024-01', 'placement_cost')).toBe('3857.1429'); // 27 days at £1,000 a week
    expect(cell('2024-01', 'caseload_avg')).toBe('');
    // nothing but the two files was left in the directory
    expect(readdirSync(join(dir, 'one')).sort()).toEqual(['kpis.csv', 'kpis.json']);
  });

  it('reads kpis.csv back to the formatted statistics', () => {
    const runs = [project(events(), OPTS), project(events().slice(0, 3), OPTS)];
    const summary = summarise('two runs, one "quoted"', runs);
    const out = writeKpiOutputs(join(dir, 'rt'), [summary]);
    const rows = readKpisCsv(out.csvPath);
    expect(rows.length).toBe(3 * KPI_IDS.length);
    for (const r of rows) {
      expect(r.scenario).toBe('two runs, one "quoted"');
      const st = summary.stats[r.kpi][['2024-01', '2024-02', '2024-03'].indexOf(r.month)];
      for (const k of ['mean', 'p5', 'p25', 'p50', 'p75', 'p95'] as const) {
        const want = formatNumber(st[k]);
        if (want === '') expect(r[k]).toBeNaN();
        else expect(r[k]).toBe(Number(want));
      }
    }
    const cla = rows.find((r) => r.month === '2024-03' && r.kpi === 'cla_open')!;
    expect([cla.mean, cla.p5, cla.p95]).toEqual([0.5, 0.05, 0.95]);
  });

  it('writes kpis.json with numerators, denominators, comparators and meta; deterministically', () => {
    const comparators = [...loadComparators(OBSERVED), ...loadComparators(NATIONAL)];
    const summaries: KpiSummary[] = [summarise('baseline', [project(events(), OPTS)]), summarise('fewer entries', [project(events().slice(0, 2), OPTS)])];
    const out = writeKpiOutputs(join(dir, 'json'), summaries, { comparators, meta: { seed: 7, replications: 1 } });
    const json = JSON.parse(readFileSync(out.jsonPath, 'utf8'));
    expect(json.meta).toEqual({ seed: 7, replications: 1 });
    expect(json.scenarios).toEqual([
      { scenario: 'baseline', startMonth: '2024-01', months: 3, runs: 1 },
      { scenario: 'fewer entries', startMonth: '2024-01', months: 3, runs: 1 },
    ]);
    expect(json.rows.length).toBe(2 * 3 * KPI_IDS.length);
    const row = (s: string, m: string, k: string) => json.rows.find((r: { scenario: string; month: string; kpi: string }) => r.scenario === s && r.month === m && r.kpi === k);
    expect(row('baseline', '2024-01', 'cla_rate')).toEqual({ scenario: 'baseline', month: '2024-01', kpi: 'cla_rate', mean: 0.202, p5: 0.202, p25: 0.202, p50: 0.202, p75: 0.202, p95: 0.202, numerator: 1, denominator: 49500 });
    expect(row('baseline', '2024-01', 'cp_repeat_pct')).toMatchObject({ mean: null, numerator: 0, denominator: 0 });
    expect(row('fewer entries', '2024-01', 'cla_open')).not.toHaveProperty('numerator');
    expect(json.kpis.map((k: { id: string }) => k.id)).toEqual([...KPI_IDS]);
    // comparators: England's CLA rate at 31 March 2021 from the national file
    expect(json.comparators.cla_rate).toContainEqual(expect.objectContaining({ kind: 'england', period: 'FY2020-21', value: 69, area: 'england' }));
    expect(Object.keys(json.comparators).every((k) => isKpiId(k))).toBe(true);
    // same inputs, same bytes
    const again = writeKpiOutputs(join(dir, 'json2'), summaries, { comparators, meta: { seed: 7, replications: 1 } });
    expect(readFileSync(again.jsonPath)).toEqual(readFileSync(out.jsonPath));
    expect(readFileSync(again.csvPath)).toEqual(readFileSync(out.csvPath));
  });

  it('rejects duplicate scenarios', () => {
    const s = summarise('a', [project([], OPTS)]);
    expect(() => writeKpiOutputs(join(dir, 'dup'), [s, s])).toThrow(/scenario "a" appears twice/);
  });
});

describe('readKpisCsv errors', () => {
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const header = KPIS_CSV_HEADER.join(',');
  const cases: [string, string, RegExp][] = [
    ['badheader.csv', 'scenario,month,kpi,mean\n', /badheader\.csv: line 1: header must be/],
    ['badnum.csv', `${header}\nb,2024-01,cla_open,1,1,1,1,1,1\nb,2024-02,cla_open,1,1,x1,1,1,1\n`, /badnum\.csv: line 3: field "p25": not a number: "x1"/],
    ['badmonth.csv', `${header}\nb,2024-13,cla_open,1,1,1,1,1,1\n`, /badmonth\.csv: line 2: field "month": expected YYYY-MM, got "2024-13"/],
    ['short.csv', `${header}\nb,2024-01,cla_open,1,1\n`, /short\.csv: line 2: expected 9 fields, found 5/],
    ['dup.csv', `${header}\nb,2024-01,cla_open,1,1,1,1,1,1\n\nb,2024-01,cla_open,2,2,2,2,2,2\n`, /dup\.csv: line 4: duplicate row for scenario "b", month 2024-01, KPI "cla_open"/],
  ];
  for (const [name, text, re] of cases) {
    it(`names the file, line and field: ${name}`, () => {
      const p = write(name, text);
      expect(() => readKpisCsv(p)).toThrow(InputError);
      expect(() => readKpisCsv(p)).toThrow(re);
    });
  }
  it('reports a missing file as bad input', () => {
    expect(() => readKpisCsv(join(dir, 'nope.csv'))).toThrow(/nope\.csv: KPI file not found/);
  });
});

describe('comparators', () => {
  it('loads the shared data files, every row, with England rows as kind england', () => {
    const observed = loadComparators(OBSERVED);
    const national = loadComparators(NATIONAL);
    const dataRows = (p: string) => readFileSync(p, 'utf8').split('\n').filter((l) => /^(southampton|england),/.test(l)).length;
    expect(observed.length).toBe(dataRows(OBSERVED));
    expect(national.length).toBe(dataRows(NATIONAL));
    expect(new Set(national.map((c) => c.kind))).toEqual(new Set(['england']));
    expect(new Set(observed.map((c) => c.kind))).toEqual(new Set(['actual', 'target', 'statistical_neighbour', 'south_east', 'england']));
    expect(observed.every((c) => c.area === 'southampton' && Number.isFinite(c.value))).toBe(true);
    const first = observed[0];
    expect(first).toMatchObject({ kpi: 'agency_social_workers', kind: 'actual', period: '2022-07', value: 52, basis: 'unknown', source: '000_ca1a0f9d041b7f02.txt:427' });
  });

  it('selects a KPI’s comparators by kind, ordered by kind and period', () => {
    const all = [...loadComparators(OBSERVED), ...loadComparators(NATIONAL)];
    const list = comparatorsFor('cla_rate', all, ['england', 'statistical_neighbour']);
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((c) => c.kpi === 'cla_rate' && (c.kind === 'england' || c.kind === 'statistical_neighbour'))).toBe(true);
    const kinds = list.map((c) => c.kind);
    expect(kinds).toEqual([...kinds].sort());
    const eng = list.filter((c) => c.kind === 'england').map((c) => c.period);
    expect(eng[0]).toBe('FY2014-15');
    expect(comparatorsFor('no_such_kpi', all)).toEqual([]);
    const mine: Comparator[] = [
      { kpi: 'x', kind: 'target', period: '2024-03', value: 1, basis: 'b' },
      { kpi: 'x', kind: 'target', period: 'FY2023-24', value: 2, basis: 'b' },
      { kpi: 'x', kind: 'target', period: '2023-04', value: 3, basis: 'b' },
    ];
    expect(comparatorsFor('x', mine).map((c) => c.value)).toEqual([3, 1, 2]);
  });

  const header = 'la,kpi,period,value,basis,kind,source,note';
  const bad: [string, string, RegExp][] = [
    ['value.csv', `${header}\nsouthampton,cla_open,2024-01,5,month_end_stock,actual,s,n\nsouthampton,cla_open,2024-02,five,month_end_stock,actual,s,n\n`, /value\.csv: line 3: field "value": not a number: "five"/],
    ['period.csv', `${header}\n\nsouthampton,cla_open,Jan-24,5,month_end_stock,actual,s,n\n`, /period\.csv: line 3: field "period": expected YYYY-MM or FYyyyy-yy, got "Jan-24"/],
    ['fy.csv', `${header}\nsouthampton,cla_open,FY2023-25,5,annual_rate_per_10k,target,s,n\n`, /fy\.csv: line 2: field "period": financial year "FY2023-25"/],
    ['kpi.csv', `${header}\nsouthampton,CLA open,2024-01,5,month_end_stock,actual,s,n\n`, /kpi\.csv: line 2: field "kpi"/],
    ['kind.csv', `${header}\nsouthampton,cla_open,2024-01,5,month_end_stock,,s,n\n`, /kind\.csv: line 2: field "kind"/],
    ['basis.csv', `${header}\nsouthampton,cla_open,2024-01,5,,actual,s,n\n`, /basis\.csv: line 2: field "basis": empty/],
    ['fields.csv', `${header}\nsouthampton,cla_open,2024-01,5,month_end_stock,actual\n`, /fields\.csv: line 2: expected 8 fields, found 6/],
    ['first.csv', 'region,kpi,period,value,basis,kind\n', /first\.csv: line 1: first column must be "la" or "area"/],
    ['missing.csv', 'area,kpi,period,basis,kind\n', /missing\.csv: line 1: missing column "value"/],
    ['quote.csv', `${header}\nsouthampton,cla_open,2024-01,5,month_end_stock,actual,s,"unterminated\n`, /quote\.csv: line \d+: not valid CSV/],
  ];
  for (const [name, text, re] of bad) {
    it(`rejects a bad file naming file, line and field: ${name}`, () => {
      const p = join(dir, name);
      writeFileSync(p, text);
      expect(() => loadComparators(p)).toThrow(InputError);
      expect(() => loadComparators(p)).toThrow(re);
    });
  }

  it('accepts a minimal targets file without source and note', () => {
    const p = join(dir, 'targets.csv');
    writeFileSync(p, 'area,kpi,period,value,basis,kind\nsouthampton,cla_rate,FY2024-25,87,month_end_rate_per_10k,target\nengland,cla_rate,FY2023-24,70,annual_rate_per_10k,actual\n');
    expect(loadComparators(p)).toEqual([
      { kpi: 'cla_rate', kind: 'target', period: 'FY2024-25', value: 87, basis: 'month_end_rate_per_10k', area: 'southampton' },
      { kpi: 'cla_rate', kind: 'england', period: 'FY2023-24', value: 70, basis: 'annual_rate_per_10k', area: 'england' },
    ]);
  });
});
