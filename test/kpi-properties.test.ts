/**
 * Property tests: random valid journeys (fast-check) projected by `KpiProjector` and checked
 * against stock-flow identities and against a brute-force day-by-day oracle written
 * independently of the projector.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { from } from 'rxjs';
import type { CaseEvent, NewEvent } from '../src/events/index.ts';
import { LEAVING_CARE_GROUPS, PLACEMENT_GROUPS, placementGroup } from '../src/events/index.ts';
import { dayOf, firstDayOfMonth, isoDate, lastDayOfMonth, monthIndexOfDay, parseMonth } from '../src/calendar/index.ts';
import { KpiProjector, project, projectFromStore, KPIS, RATIO_KPI_IDS, type ProjectorOptions } from '../src/projections/index.ts';

// --- random valid journeys

const PLACES: [string, string][] = [['U4', 'PR1'], ['U5', 'PR4'], ['U1', 'PR0'], ['K2', 'PR4'], ['H5', 'PR5'], ['P1', 'PR0'], ['A4', 'PR1'], ['Z1', 'PR3']];
const RNES = ['L', 'P', 'T', 'B', 'U'] as const;
const RECS = ['E4A', 'E45', 'E41', 'E11', 'E5', 'E8', 'E2'] as const;
const BASE_DAY = dayOf(2017, 1, 1);

interface ChildSpec {
  startOffset: number;
  ageDays: number;
  uasc: boolean;
  ops: { op: number; gap: number; pick: number }[];
}

const childSpec: fc.Arbitrary<ChildSpec> = fc.record({
  startOffset: fc.integer({ min: 0, max: 2200 }),
  ageDays: fc.integer({ min: 0, max: 18 * 365 }),
  uasc: fc.boolean(),
  ops: fc.array(
    fc.record({
      // 0–16 are the ops below; 17–24 repeat care and CP ops so that children move often enough for 3+ placements
      op: fc.nat(24).map((o) => (o <= 16 ? o : [13, 13, 14, 14, 12, 10, 2, 3][o - 17])),
      gap: fc.oneof(fc.integer({ min: 0, max: 45 }), fc.integer({ min: 0, max: 200 })),
      pick: fc.nat(1000),
    }),
    { minLength: 3, maxLength: 40, size: 'medium' },
  ),
});

/** Interprets random ops as a valid journey: ops that are impossible in the current state are skipped. */
function journey(id: string, spec: ChildSpec): CaseEvent[] {
  const out: NewEvent[] = [];
  let day = BASE_DAY + spec.startOffset;
  const at = () => isoDate(day);
  out.push({ type: 'ChildRegistered', childId: id, date: at(), dateOfBirth: isoDate(day - spec.ageDays), sex: 'F', ethnicity: 'WBRI', disability: false, uasc: spec.uasc });
  const st = { case: false, assessment: false, s47: false, cin: false, cp: false, cla: false, plans: 0 };
  let referrals = 0;
  for (const { op, gap, pick } of spec.ops) {
    day += gap;
    // month boundaries are where off-by-one errors live: land on them often
    if (gap % 7 === 0) day = firstDayOfMonth(monthIndexOfDay(day) + 1);
    else if (gap % 7 === 1) day = lastDayOfMonth(monthIndexOfDay(day));
    const base = { childId: id, date: at() };
    switch (op) {
      case 0:
        out.push({ type: 'ContactReceived', ...base, source: '1A' });
        out.push({ type: 'ContactConcluded', ...base, outcome: (['nfa', 'early_help', 'referral'] as const)[pick % 3] });
        break;
      case 1:
        if (!st.case) {
          out.push({ type: 'ReferralAccepted', ...base, referralId: `${id}-${++referrals}`, source: '1A', isRereferral: pick % 2 === 0 });
          st.case = true;
        }
        break;
      case 2:
        if (st.case && !st.assessment) {
          out.push({ type: 'AssessmentStarted', ...base });
          st.assessment = true;
        }
        break;
      case 3:
        if (st.assessment) {
          out.push({ type: 'AssessmentAuthorised', ...base, factors: [], outcome: (['nfa', 'cin', 's47', 'early_help'] as const)[pick % 4] });
          st.assessment = false;
        }
        break;
      case 4:
        out.push({ type: 'StrategyDiscussionHeld', ...base });
        break;
      case 5:
        if (st.case && !st.s47) {
          out.push({ type: 'Section47Started', ...base });
          st.s47 = true;
        }
        break;
      case 6:
        if (st.s47) {
          out.push({ type: 'Section47Concluded', ...base, outcome: 'icpc' });
          st.s47 = false;
        }
        break;
      case 7:
        out.push({ type: 'IcpcHeld', ...base, resultedInCpPlan: pick % 2 === 0 });
        break;
      case 8:
        if (st.case && !st.cin) {
          out.push({ type: 'CinPlanStarted', ...base, needCode: 'N1' });
          st.cin = true;
        }
        break;
      case 9:
        if (st.cin) {
          out.push({ type: 'CinPlanEnded', ...base });
          st.cin = false;
        }
        break;
      case 10:
        if (!st.cp) {
          out.push({ type: 'CpPlanStarted', ...base, category: 'NEG', previousPlans: st.plans });
          st.cp = true;
          st.plans++;
        }
        break;
      case 11:
        if (st.cp) {
          out.push({ type: 'CpPlanEnded', ...base });
          st.cp = false;
        }
        break;
      case 12: {
        if (!st.cla) {
          const [placement, provider] = PLACES[pick % PLACES.length];
          out.push({ type: 'PeriodOfCareStarted', ...base, legalStatus: 'C2', placement: placement as never, provider: provider as never, needCode: 'N1', route: pick % 7 === 0 ? 'uasc' : 'cp' });
          st.cla = true;
        }
        break;
      }
      case 13:
      case 14: {
        if (st.cla) {
          const [placement, provider] = PLACES[(pick >> 3) % PLACES.length];
          out.push({ type: 'EpisodeChanged', ...base, rne: RNES[pick % RNES.length], legalStatus: 'C2', placement: placement as never, provider: provider as never });
        }
        break;
      }
      case 15:
        if (st.cla) {
          out.push({ type: 'PeriodOfCareEnded', ...base, rec: RECS[pick % RECS.length] });
          st.cla = false;
        }
        break;
      case 16:
        if (st.case) {
          out.push({ type: 'CaseClosed', ...base, reason: 'RC1', referralNfa: pick % 3 === 0 });
          st.case = st.assessment = st.s47 = st.cin = false;
        }
        break;
    }
  }
  return out.map((e, i) => ({ ...e, version: i + 1, schema: 1 }) as CaseEvent);
}

/** Interleaves children's journeys into one stream in date order (stable). */
function merge(journeys: CaseEvent[][]): CaseEvent[] {
  const all = journeys.flatMap((j, c) => j.map((e, i) => ({ e, c, i })));
  all.sort((a, b) => (a.e.date < b.e.date ? -1 : a.e.date > b.e.date ? 1 : a.c - b.c || a.i - b.i));
  return all.map((x) => x.e);
}

const streamArb = fc.array(childSpec, { minLength: 1, maxLength: 30, size: 'medium' }).map((specs) => merge(specs.map((s, i) => journey(`child${i}`, s))));

const START = '2018-01';
const MONTHS = 60;
const UNIT_COSTS = { in_house_foster: 700, other_public_foster: 800, ifa: 1050, kinship_foster: 350, residential: 5600, supported: 1400, other_residential: 3000, residential_schools: 2500, community: 1200, placed_with_parents: 70, placed_for_adoption: 140, other: 2100 };
const OPTS: ProjectorOptions = { startMonth: START, months: MONTHS, population: 12_345, unitCosts: UNIT_COSTS, socialWorkers: 7 };

// --- a brute-force oracle: replays the stream day by day with the simplest possible state

interface OracleMonth {
  claOpen: number;
  cpOpen: number;
  cinOpen: number;
  cinPlans: number;
  openCases: number;
  groups: Record<string, number>;
  threePlus: number;
  cost: number;
}

function oracle(events: CaseEvent[], startMonth: string, months: number): OracleMonth[] {
  const start = parseMonth(startMonth);
  const firstDay = Math.min(BASE_DAY, firstDayOfMonth(start - 12));
  const endDay = lastDayOfMonth(start + months - 1);
  const kids = new Map<string, { case: boolean; a: boolean; s47: boolean; cin: boolean; cp: boolean; cla: boolean; group: string; placementStart: number; starts: number[] }>();
  const kid = (id: string) => {
    let k = kids.get(id);
    if (!k) kids.set(id, (k = { case: false, a: false, s47: false, cin: false, cp: false, cla: false, group: '', placementStart: 0, starts: [] }));
    return k;
  };
  const openAtMonthStart = new Map<number, Map<string, number>>(); // month -> child -> start of placement open that day
  const out: OracleMonth[] = [];
  let ei = 0;
  let cost = 0;
  const weekly = UNIT_COSTS as Record<string, number>;
  for (let d = firstDay; d <= endDay; d++) {
    for (; ei < events.length && events[ei].date === isoDate(d); ei++) {
      const e = events[ei];
      const k = kid(e.childId);
      switch (e.type) {
        case 'ReferralAccepted': k.case = true; break;
        case 'AssessmentStarted': k.a = true; break;
        case 'AssessmentAuthorised': k.a = false; break;
        case 'Section47Started': k.s47 = true; break;
        case 'Section47Concluded': k.s47 = false; break;
        case 'CinPlanStarted': k.cin = true; break;
        case 'CinPlanEnded': k.cin = false; break;
        case 'CpPlanStarted': k.cp = true; break;
        case 'CpPlanEnded': k.cp = false; break;
        case 'CaseClosed': k.case = k.a = k.s47 = k.cin = false; break;
        case 'PeriodOfCareStarted': k.cla = true; k.group = placementGroup(e.placement, e.provider); k.placementStart = d; k.starts.push(d); break;
        case 'EpisodeChanged':
          k.group = placementGroup(e.placement, e.provider);
          if (e.rne !== 'L') { k.placementStart = d; k.starts.push(d); }
          break;
        case 'PeriodOfCareEnded': k.cla = false; break;
        default: break;
      }
    }
    const m = monthIndexOfDay(d);
    if (d === firstDayOfMonth(m)) {
      const open = new Map<string, number>();
      for (const [id, k] of kids) if (k.cla) open.set(id, k.placementStart);
      openAtMonthStart.set(m, open);
      cost = 0;
    }
    for (const k of kids.values()) if (k.cla) cost += weekly[k.group] / 7;
    if (d === lastDayOfMonth(m) && m >= start) {
      const groups: Record<string, number> = Object.fromEntries(PLACEMENT_GROUPS.map((g) => [g, 0]));
      let claOpen = 0, cpOpen = 0, cinOpen = 0, cinPlans = 0, openCases = 0, threePlus = 0;
      const ws = firstDayOfMonth(m - 11);
      const openAtWs = openAtMonthStart.get(m - 11) ?? new Map<string, number>();
      for (const [id, k] of kids) {
        if (k.cla) {
          claOpen++;
          groups[k.group]++;
          const inWindow = k.starts.filter((s) => s >= ws && s <= d).length;
          const before = openAtWs.get(id);
          if (inWindow + (before !== undefined && before < ws ? 1 : 0) >= 3) threePlus++;
        }
        if (k.cp) cpOpen++;
        if (k.case || k.cp || k.cla) openCases++;
        // the DfE's children in need: an open episode of need, a CP plan or looked after
        if (k.case || k.cp || k.cla) cinOpen++;
        if (k.cin && !k.cp && !k.cla) cinPlans++;
      }
      out.push({ claOpen, cpOpen, cinOpen, cinPlans, openCases, groups, threePlus, cost });
    }
  }
  return out;
}

describe('KPI projections of random valid journeys', () => {
  it('satisfy the stock-flow identities for CLA and CP plans in every month', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        const run = project(events, OPTS);
        const v = run.values;
        for (let m = 1; m < MONTHS; m++) {
          expect(v.cla_open[m]).toBe(v.cla_open[m - 1] + v.cla_starts[m] - v.cla_ends[m]);
          expect(v.cp_open[m]).toBe(v.cp_open[m - 1] + v.cp_starts[m] - v.cp_ends[m]);
        }
        // and in the first month, against the month before it
        const earlier = project(events, { ...OPTS, startMonth: '2017-12', months: 2 });
        expect(v.cla_open[0]).toBe(earlier.values.cla_open[0] + v.cla_starts[0] - v.cla_ends[0]);
        expect(v.cp_open[0]).toBe(earlier.values.cp_open[0] + v.cp_starts[0] - v.cp_ends[0]);
      }),
      { numRuns: 60, seed: 20240601 },
    );
  });

  it('agree with a day-by-day oracle on stocks, placement groups, 3+ placements and spend', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        const run = project(events, OPTS);
        const want = oracle(events, START, MONTHS);
        expect(want.length).toBe(MONTHS);
        const v = run.values;
        for (let m = 0; m < MONTHS; m++) {
          const w = want[m];
          expect(v.cla_open[m]).toBe(w.claOpen);
          expect(v.cp_open[m]).toBe(w.cpOpen);
          expect(v.cin_open[m]).toBe(w.cinOpen);
          expect(v.cin_plans_open[m]).toBe(w.cinPlans);
          expect(v.open_cases[m]).toBe(w.openCases);
          for (const g of PLACEMENT_GROUPS) expect(v[`cla_placement_${g}`][m]).toBe(w.groups[g]);
          expect(run.numerators.cla_3plus_moves_pct[m]).toBe(w.threePlus);
          expect(v.placement_cost[m]).toBeCloseTo(w.cost, 6);
        }
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('keep every percentage within 0–100 with its numerator at most its denominator, and groups summing to cla_open', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        const run = project(events, OPTS);
        for (const k of KPIS) {
          const vals = run.values[k.id];
          for (let m = 0; m < MONTHS; m++) {
            const x = vals[m];
            if (k.unit === 'pct') {
              const n = run.numerators[k.id][m];
              const d = run.denominators[k.id][m];
              expect(n).toBeLessThanOrEqual(d);
              if (d === 0) expect(x).toBeNaN();
              else expect(x).toBeCloseTo((100 * n) / d, 9);
              if (d > 0) expect(x >= 0 && x <= 100).toBe(true);
            } else if (k.unit === 'per10k') {
              expect(x).toBeCloseTo((run.numerators[k.id][m] / 12_345) * 10_000, 9);
            } else if (k.unit === 'count') {
              expect(Number.isInteger(x) && x >= 0, `${k.id} ${m}`).toBe(true);
            }
          }
        }
        for (let m = 0; m < MONTHS; m++) {
          const sum = PLACEMENT_GROUPS.reduce((s, g) => s + run.values[`cla_placement_${g}`][m], 0);
          expect(sum).toBe(run.values.cla_open[m]);
          const ends = LEAVING_CARE_GROUPS.reduce((s, g) => s + run.values[`cla_ends_${g}`][m], 0);
          expect(ends).toBe(run.values.cla_ends[m]);
          expect(run.values.cla_ends_age18[m]).toBeLessThanOrEqual(run.values.cla_ends[m]);
          expect(run.values.cla_reentries[m]).toBeLessThanOrEqual(run.values.cla_starts[m]);
          expect(run.numerators.cla_reentry_12m_pct[m]).toBeLessThanOrEqual(run.values.cla_reentries[m]);
          expect(run.values.cin_open[m]).toBe(run.values.open_cases[m]);
          expect(run.values.cin_plans_open[m]).toBeLessThanOrEqual(run.values.cin_open[m]);
          expect(run.numerators.cp_repeat_2yr_pct[m]).toBeLessThanOrEqual(run.numerators.cp_repeat_pct[m]);
          expect(run.values.uasc_open[m]).toBeLessThanOrEqual(run.values.cla_open[m]);
          expect(run.values.caseload_avg[m]).toBeCloseTo(run.values.open_cases[m] / 7, 12);
        }
        for (const id of RATIO_KPI_IDS) expect(run.numerators[id].length).toBe(MONTHS);
      }),
      { numRuns: 40, seed: 99 },
    );
  });

  it('give the same run however the stream is batched, through rxjs or directly, and for any later start month', async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, fc.array(fc.nat(60), { maxLength: 6 }), fc.integer({ min: 1, max: 24 }), async (events, cuts, shift) => {
        const whole = project(events, OPTS);
        const points = [...new Set(cuts.map((c) => Math.min(c, events.length)))].sort((a, b) => a - b);
        const batches: CaseEvent[][] = [];
        let prev = 0;
        for (const p of [...points, events.length]) {
          batches.push(events.slice(prev, p));
          prev = p;
        }
        expect(await projectFromStore(from(batches), OPTS)).toEqual(whole);
        const one = new KpiProjector(OPTS);
        for (const e of events) one.apply(e);
        expect(one.finish()).toEqual(whole);
        // a run starting later reports the same values for the months both cover
        const later = project(events, { ...OPTS, startMonth: `${2018 + Math.floor(shift / 12)}-${String((shift % 12) + 1).padStart(2, '0')}`, months: MONTHS - shift });
        for (const k of KPIS) {
          if (k.id === 'placement_cost') continue; // inflation counts from the start month (none here, but keep it general)
          for (let m = 0; m < MONTHS - shift; m++) expect(later.values[k.id][m]).toEqual(whole.values[k.id][m + shift]);
        }
      }),
      { numRuns: 25, seed: 3 },
    );
  });

  it('is deterministic: the same stream gives identical runs', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        expect(project(events, OPTS)).toEqual(project([...events], OPTS));
      }),
      { numRuns: 10, seed: 11 },
    );
  });
});
