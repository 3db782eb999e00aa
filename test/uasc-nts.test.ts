/**
 * UASC under the National Transfer Scheme: transfers that bring the council's UASC looked after up
 * to the scheme's share of its child population and hold them there; former UASC care leavers;
 * the Home Office grant as income beside the spend, each against a hand calculation.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { produce } from 'immer';
import { parseEvent, SCHEMA_VERSION, type CaseEvent } from '../src/events/index.ts';
import { project, type ProjectorOptions } from '../src/projections/index.ts';
import type { Scenario } from '../src/scenarios/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { cumulativeDifferences, runReplication } from '../src/ensemble/index.ts';
import { parseParameters } from '../src/simulation/index.ts';

const baseline: Scenario = loadScenario(fileURLToPath(new URL('../scenarios/southampton-baseline.json', import.meta.url)));

const DEFAULTS: Record<string, Record<string, unknown>> = {
  ChildRegistered: { sex: 'M', ethnicity: 'AOTH', disability: false, uasc: true },
  PeriodOfCareStarted: { legalStatus: 'V2', placement: 'K3', provider: 'PR4', needCode: 'N8', route: 'uasc' },
  PeriodOfCareEnded: { rec: 'E8' },
};

function stream(list: [CaseEvent['type'], string, string, Record<string, unknown>?][]): CaseEvent[] {
  const versions = new Map<string, number>();
  const out = list.map(([type, childId, date, fields]) => {
    const version = (versions.get(childId) ?? 0) + 1;
    versions.set(childId, version);
    return parseEvent({ type, childId, date, version, schema: SCHEMA_VERSION, ...DEFAULTS[type], ...(fields ?? {}) });
  });
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function at(run: ReturnType<typeof project>, kpi: string, month: string): number {
  const [y, m] = month.split('-').map(Number);
  const [sy, sm] = run.startMonth.split('-').map(Number);
  return run.values[kpi][y * 12 + m - (sy * 12 + sm)];
}

describe('former UASC care leavers and the Home Office grant', () => {
  // u: born 2006-01-15, a UASC looked after from 2023-06-01 until the 18th birthday 2024-01-15:
  //    a former UASC care leaver from that day (more than 91 days looked after since 14)
  // v: born 2006-09-01, a UASC looked after 2023-06-01 to 2023-10-10 (aged 17), again from
  //    2024-03-05: a care leaver from the 17th birthday's side, but not yet 18 when looked after again
  // w: not a UASC, looked after 2023-06-01 to the 18th birthday 2024-01-15: a care leaver, not a UASC one
  const events = stream([
    ['ChildRegistered', 'u', '2023-06-01', { dateOfBirth: '2006-01-15' }],
    ['PeriodOfCareStarted', 'u', '2023-06-01'],
    ['PeriodOfCareEnded', 'u', '2024-01-15', { rec: 'E5' }],
    ['ChildRegistered', 'v', '2023-06-01', { dateOfBirth: '2006-09-01' }],
    ['PeriodOfCareStarted', 'v', '2023-06-01'],
    ['PeriodOfCareEnded', 'v', '2023-10-10', { rec: 'E5' }],
    ['PeriodOfCareStarted', 'v', '2024-03-05'],
    ['ChildRegistered', 'w', '2023-06-01', { dateOfBirth: '2006-01-15', uasc: false, ethnicity: 'WBRI' }],
    ['PeriodOfCareStarted', 'w', '2023-06-01', { route: 'direct', needCode: 'N1' }],
    ['PeriodOfCareEnded', 'w', '2024-01-15', { rec: 'E5' }],
  ]);
  const opts: ProjectorOptions = { startMonth: '2023-06', months: 12, population: 10_000, uascGrantAt: () => ({ under18PerDay: 143, careLeaverPerWeek: 270 }) };
  const run = project(events, opts);

  it('counts former UASC care leavers from the later of leaving and the 18th birthday, and not while looked after again', () => {
    expect(at(run, 'care_leavers_uasc_open', '2023-12')).toBe(0);
    // u from 2024-01-15; v left at 17 and is looked after again before 18; w is no UASC
    expect(at(run, 'care_leavers_uasc_open', '2024-01')).toBe(1);
    expect(at(run, 'care_leavers_uasc_open', '2024-05')).toBe(1);
    expect(at(run, 'care_leavers_open', '2024-01')).toBe(3);
  });

  it('grant income: UASC days looked after × the daily rate, plus former UASC care leavers × days × the weekly rate ÷ 7', () => {
    // June 2023: u and v looked after all 30 days: 60 × £143
    expect(at(run, 'uasc_grant_income', '2023-06')).toBeCloseTo(8580, 9);
    // October 2023: u 31 days, v 9 days (to the 10th, not counted): 40 × £143
    expect(at(run, 'uasc_grant_income', '2023-10')).toBeCloseTo(5720, 9);
    // January 2024: u 14 days looked after (to the 15th), then a care leaver at month end: 14 × 143 + 31 × 270 / 7
    expect(at(run, 'uasc_grant_income', '2024-01')).toBeCloseTo(2002 + (31 * 270) / 7, 9);
    // March 2024: v looked after again from the 5th (27 days), u a care leaver: 27 × 143 + 31 × 270 / 7
    expect(at(run, 'uasc_grant_income', '2024-03')).toBeCloseTo(27 * 143 + (31 * 270) / 7, 9);
  });

  it('net spend is placement and care-leaver spend less the grant', () => {
    for (let m = 0; m < 12; m++) {
      expect(run.values.net_spend[m]).toBeCloseTo(run.values.placement_cost[m] + run.values.care_leaver_cost[m] - run.values.uasc_grant_income[m], 6);
    }
    const unpaid = project(events, { ...opts, uascGrantAt: undefined });
    expect(unpaid.values.uasc_grant_income.every((v) => v === 0)).toBe(true);
    // compare's totals: the net spend saved against a run without the grant is the whole grant
    const saved = cumulativeDifferences([unpaid], [run]).find((t) => t.id === 'net_spend_saved')!;
    expect(saved.p50).toBeCloseTo(run.values.uasc_grant_income.reduce((a, b) => a + b, 0), 6);
  });
});

describe('the National Transfer Scheme in the engine', () => {
  const withNts = (nts: { thresholdPer10k: number; transfersPerMonthPer10k: number } | undefined): Scenario =>
    produce(baseline, (d) => {
      if (nts) d.parameters.uasc.nationalTransferScheme = nts;
      else delete d.parameters.uasc.nationalTransferScheme;
    });
  const mean = (s: Scenario, from: number, to: number) => {
    let sum = 0;
    for (let r = 0; r < 2; r++) {
      const v = runReplication(s, 3, r, to).run.values.uasc_open;
      for (let m = from; m < to; m++) sum += v[m];
    }
    return sum / (2 * (to - from));
  };

  it('brings the UASC looked after up to the threshold (0.1% of the child population) and holds them there', () => {
    // 49,500 children: the scheme's 0.1% is 49.5 UASC looked after, against about 37 without it
    const target = (10 * baseline.population) / 10000;
    const held = mean(withNts({ thresholdPer10k: 10, transfersPerMonthPer10k: 0.5 }), 24, 48);
    expect(Math.abs(held - target)).toBeLessThan(0.1 * target);
    const without = mean(withNts(undefined), 24, 48);
    expect(without).toBeLessThan(0.85 * target);
  });

  it('transfers nothing to a council above the threshold: the run is the run without the scheme', () => {
    const above = runReplication(withNts({ thresholdPer10k: 2, transfersPerMonthPer10k: 0.5 }), 3, 0, 24).run.values;
    const none = runReplication(withNts(undefined), 3, 0, 24).run.values;
    expect(above.uasc_open).toEqual(none.uasc_open);
    expect(above.cla_starts).toEqual(none.cla_starts);
  });

  it('refuses a threshold or pace out of bounds, naming the field', () => {
    const p = produce(baseline.parameters, (d) => {
      d.uasc.nationalTransferScheme = { thresholdPer10k: 1000, transfersPerMonthPer10k: 1 };
    });
    expect(() => parseParameters(p)).toThrow(/uasc\.nationalTransferScheme\.thresholdPer10k/);
  });
});
