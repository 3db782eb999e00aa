import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { compoundEffects, effectsCsv, moneyCsv, netSavings, projectionYears } from '../src/ensemble/netSavings.ts';
import type { KpiRun } from '../src/projections/types.ts';
import { loadScenario, parseScenario } from '../src/node/scenarioLoader.ts';
import { InterventionSchema } from '../src/scenarios/interventions.ts';
import { ProgrammeCostSchema, describeProgrammeCosts, programmeCostByMonth, type CostedIntervention } from '../src/scenarios/programmeCost.ts';
import { renderReport } from '../src/report/index.ts';
import { makeReportInput } from './browser/fixture.ts';

const cost = (over: Record<string, unknown>) => ProgrammeCostSchema.parse({ priceMonth: '2024-01', inflationPctPerYear: 0, sources: 'test', ...over });
const iv = (c: Record<string, unknown>, start = '2024-01', end?: string): CostedIntervention => ({ name: 'x', start, end, cost: cost(c) });

describe('programme cost by month', () => {
  it('charges posts and yearly costs a twelfth a month from the start, nothing before', () => {
    const c = programmeCostByMonth([iv({ items: [{ kind: 'posts', name: 'p', posts: 12, gbpPerPostPerYear: 60_000 }, { kind: 'annual', name: 'a', gbpPerYear: 1_200 }] }, '2024-03')], '2024-01', 4);
    // 12 × 60,000 / 12 + 1,200 / 12 = 60,100 from March
    expect([...c]).toEqual([0, 0, 60_100, 60_100]);
  });

  it('stops at the end month, and a cost start before the intervention start charges from then', () => {
    const c = programmeCostByMonth([iv({ start: '2023-11', items: [{ kind: 'annual', name: 'a', gbpPerYear: 12 }] }, '2024-01', '2024-02')], '2023-10', 6);
    expect([...c]).toEqual([0, 1, 1, 1, 0, 0]);
  });

  it('raises amounts once for every whole 12 months after the price month', () => {
    const c = programmeCostByMonth([iv({ inflationPctPerYear: 10, items: [{ kind: 'annual', name: 'a', gbpPerYear: 1_200 }] })], '2024-01', 25);
    expect(c[0]).toBe(100);
    expect(c[11]).toBe(100);
    expect(c[12]).toBeCloseTo(110, 9);
    expect(c[24]).toBeCloseTo(121, 9);
  });

  it('charges a one-off cost in its month (default: the cost start)', () => {
    const c = programmeCostByMonth([iv({ items: [{ kind: 'one_off', name: 'o', gbp: 500 }, { kind: 'one_off', name: 'o2', gbp: 70, month: '2024-03' }] })], '2024-01', 4);
    expect([...c]).toEqual([500, 0, 70, 0]);
  });

  it('charges per unit of a count KPI, month by month', () => {
    const values = { cp_starts: Float64Array.from([3, 0, 5]) };
    const c = programmeCostByMonth([iv({ items: [{ kind: 'per_unit', name: 'family', gbp: 1_000, kpi: 'cp_starts' }] })], '2024-01', 3, (k) => values[k as 'cp_starts']);
    expect([...c]).toEqual([3_000, 0, 5_000]);
  });

  it('refuses a per-unit cost on a KPI that is not a count', () => {
    const r = ProgrammeCostSchema.safeParse({ priceMonth: '2024-01', inflationPctPerYear: 0, sources: 's', items: [{ kind: 'per_unit', name: 'x', gbp: 1, kpi: 'rereferral_pct' }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['items', 0, 'kpi']);
  });

  it('an intervention carries its cost, and a scenario with a bad cost is refused with the path', () => {
    const base = loadScenario(resolve(import.meta.dirname, '../scenarios/family-safeguarding.json'));
    expect(base.interventions[0].cost?.items.map((i) => i.kind)).toEqual(['posts', 'one_off', 'annual']);
    const bad = structuredClone(base) as unknown as { interventions: { cost: { items: { posts?: number }[] } }[] };
    bad.interventions[0].cost.items[0].posts = -1;
    expect(() => parseScenario(bad, 'bad.json')).toThrow(/bad\.json: interventions\[0\]\.cost\.items\[0\]\.posts/);
    expect(InterventionSchema.safeParse({ name: 'x', start: '2024-01', rampMonths: 0, effects: [{ lever: 'icpc_to_cp', change: 'relative', value: -0.1 }], cost: { priceMonth: '2024-01', inflationPctPerYear: 0, sources: 's', items: [] } }).success).toBe(false);
  });

  it('Family Safeguarding states 14 adult-specialist posts and its sources', () => {
    const fs = loadScenario(resolve(import.meta.dirname, '../scenarios/family-safeguarding.json'));
    const lines = describeProgrammeCosts(fs.interventions);
    expect(lines[0]).toMatch(/^Family Safeguarding cost: Adult specialists .*: 14 posts × £57,000 a year \(from 2024-03, 2024-04 prices, inflation 3% a year\)/);
    expect(lines.at(-1)).toMatch(/sources: .*14 adult-specialist posts/);
    // the first full year of posts, training and licence at 2024-04 prices: 14 × 57,000 + 150,000 + 60,000
    const c = programmeCostByMonth(fs.interventions, '2024-04', 12);
    expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(14 * 57_000 + 60_000, 6);
    const withTraining = programmeCostByMonth(fs.interventions, '2024-03', 1);
    expect(withTraining[0]).toBeCloseTo((14 * 57_000 + 60_000) / 12 / 1.03 + 150_000 / 1.03, 6);
  });
});

function runOf(months: number, values: Record<string, number[]>): KpiRun {
  return { startMonth: '2024-01', months, values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Float64Array.from(v)])), numerators: {}, denominators: {} };
}

describe('net savings', () => {
  const months = 14;
  const flat = (v: number) => new Array(months).fill(v);
  const scenIvs = [iv({ start: '2024-03', items: [{ kind: 'annual', name: 'a', gbpPerYear: 120 }] })];

  it('per year and cumulatively: gross savings − programme cost', () => {
    const b = [runOf(months, { placement_cost: flat(100) }), runOf(months, { placement_cost: flat(100) })];
    const s = [runOf(months, { placement_cost: flat(90) }), runOf(months, { placement_cost: flat(80) })];
    const rows = netSavings(b, s, [], scenIvs);
    const get = (period: string, basis: string, measure: string) => rows.find((r) => r.period === period && r.basis === basis && r.measure === measure)!;
    // year 1: gross 12 × 10 = 120 and 12 × 20 = 240 (median 180); cost 10 a month from March = 100
    expect(get('year 1', 'year', 'gross_savings')).toMatchObject({ p50: 180, p5: 126, p95: 234, first: '2024-01', last: '2024-12' });
    expect(get('year 1', 'year', 'programme_cost')).toMatchObject({ p50: 100, p5: 100, p95: 100 });
    expect(get('year 1', 'year', 'net_savings')).toMatchObject({ p50: 80, p5: 26, p95: 134 });
    // year 2 is two months: gross 20 or 40, cost 20
    expect(get('year 2', 'year', 'net_savings')).toMatchObject({ p50: 10, first: '2025-01', last: '2025-02' });
    expect(get('year 2', 'cumulative', 'net_savings')).toMatchObject({ p50: 90, first: '2024-01', last: '2025-02' });
    expect(get('year 2', 'cumulative', 'programme_cost').p50).toBe(120);
    expect(moneyCsv(rows).split('\n')[0]).toBe('period,first_month,last_month,basis,measure,p50,p5,p95');
    expect(moneyCsv(rows).split('\n')[3]).toBe('"year 1",2024-01,2024-12,year,net_savings,80,26,134');
  });

  it('gross savings are the placement and the care-leaver spend saved together', () => {
    const b = [runOf(months, { placement_cost: flat(100), care_leaver_cost: flat(50) })];
    const s = [runOf(months, { placement_cost: flat(90), care_leaver_cost: flat(45) })];
    const rows = netSavings(b, s, [], []);
    // 12 months × (10 + 5)
    expect(rows.find((r) => r.period === 'year 1' && r.basis === 'year' && r.measure === 'gross_savings')!.p50).toBe(180);
    expect(rows.find((r) => r.period === 'year 1' && r.basis === 'year' && r.measure === 'net_savings')!.p50).toBe(180);
  });

  it('the baseline’s own programme cost is netted off', () => {
    const b = [runOf(months, { placement_cost: flat(100) })];
    const s = [runOf(months, { placement_cost: flat(100) })];
    const rows = netSavings(b, s, scenIvs, scenIvs);
    for (const r of rows) expect(r.p50).toBe(0);
  });

  it('projection years are 12-month blocks, the last one shorter', () => {
    expect(projectionYears(26)).toEqual([[0, 12], [12, 24], [24, 26]]);
  });
});

describe('compound effects', () => {
  it('flows are summed over the year, stocks read at its last month', () => {
    const b = [runOf(24, { cp_starts: new Array(24).fill(10), cp_open: new Array(24).fill(200) })];
    const s = [runOf(24, { cp_starts: [...new Array(12).fill(10), ...new Array(6).fill(10), ...new Array(6).fill(5)], cp_open: [...new Array(23).fill(200), 140] })];
    const rows = compoundEffects(b, s, ['cp_starts', 'cp_open']);
    expect(rows.map((r) => [r.kpi, r.period, r.p50])).toEqual([
      ['cp_starts', 'year 1', 0],
      ['cp_starts', 'year 2', -25], // 90 against 120
      ['cp_open', 'year 1', 0],
      ['cp_open', 'year 2', -30], // 140 against 200 at the year's end
    ]);
    expect(effectsCsv([{ name: 'FS', rows }]).split('\n')[2]).toBe('"FS",cp_starts,"year 2",2025-01,2025-12,-25.0,-25.0,-25.0');
  });
});

describe('report', () => {
  it('shows savings, programme cost and net savings by year and cumulatively, and the compound effects', async () => {
    const input = makeReportInput({ runs: 10 });
    const html = renderReport({
      ...input,
      money: [
        { period: 'year 1', first: '2024-01', last: '2024-12', basis: 'year', measure: 'gross_savings', label: 'Gross savings', p50: 1_000, p5: 500, p95: 1_500 },
        { period: 'year 1', first: '2024-01', last: '2024-12', basis: 'year', measure: 'programme_cost', label: 'Programme cost', p50: 400, p5: 400, p95: 400 },
        { period: 'year 1', first: '2024-01', last: '2024-12', basis: 'year', measure: 'net_savings', label: 'Net savings', p50: 600, p5: 100, p95: 1_100 },
      ],
      effects: [{ name: 'Family Safeguarding', rows: [{ kpi: 'cp_open', label: 'Children on CP plans', period: 'year 1', first: '2024-01', last: '2024-12', p50: -30.4, p5: -35, p95: -27 }] }],
    });
    const money = html.slice(html.indexOf('<section class="money"'), html.indexOf('</section>', html.indexOf('<section class="money"')));
    expect(money).toContain('Savings and programme cost');
    expect(money).toMatch(/<td class="num"><span class="v">£1,000<\/span><span class="r">£500 to £1,500<\/span><\/td><td class="num"><span class="v">£400<\/span><\/td><td class="num"><span class="v">£600<\/span>/);
    const effects = html.slice(html.indexOf('<section class="effects"'));
    expect(effects).toMatch(/<h3>Family Safeguarding<\/h3>/);
    expect(effects).toMatch(/data-kpi="cp_open"><td>Children on CP plans<\/td><td class="num"><span class="v">−30%<\/span>/);
  });
});
