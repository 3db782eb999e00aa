import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolve } from 'node:path';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import {
  InterventionSchema,
  applyInterventions,
  checkInterventions,
  describeInterventions,
  expandPath,
  monthParameters,
  rampFraction,
  type Intervention,
} from '../src/scenarios/interventions.ts';
import { LEVERS } from '../src/scenarios/levers.ts';
import { parseMonth } from '../src/calendar/index.ts';

const baseline = loadScenario(resolve(import.meta.dirname, '../scenarios/southampton-baseline.json'));
const base = baseline.parameters;

const iv = (over: Partial<Intervention> = {}): Intervention =>
  InterventionSchema.parse({ name: 'test', start: '2024-01', rampMonths: 4, effects: [{ lever: 'icpc_to_cp', change: 'relative', value: -0.5 }], ...over });

describe('ramp', () => {
  it('is 0 before the start, linear over the ramp, 1 after it and 0 from the end month', () => {
    const x = iv({ end: '2025-01' });
    const f = (m: string) => rampFraction(x, parseMonth(m));
    expect(f('2023-12')).toBe(0);
    expect(f('2024-01')).toBe(0.25);
    expect(f('2024-02')).toBe(0.5);
    expect(f('2024-04')).toBe(1);
    expect(f('2024-12')).toBe(1);
    expect(f('2025-01')).toBe(0);
  });

  it('reaches full effect at once with a ramp of 0', () => {
    expect(rampFraction(iv({ rampMonths: 0 }), parseMonth('2024-01'))).toBe(1);
  });
});

describe('levers', () => {
  it('every lever path exists in the baseline parameters', () => {
    for (const l of LEVERS) for (const p of l.paths) expect(expandPath(base, p).length, `${l.name}: ${p}`).toBeGreaterThan(0);
  });

  it('a relative change scales the parameter by the ramped fraction', () => {
    const p = applyInterventions(base, [iv()], [0.5]);
    expect(p.icpc.cpPlanProbability).toBeCloseTo(base.icpc.cpPlanProbability * (1 - 0.25), 12);
    expect(base.icpc.cpPlanProbability).not.toBe(p.icpc.cpPlanProbability);
  });

  it('an absolute change adds the ramped value; a duration change moves the mean', () => {
    const x = iv({ effects: [{ lever: 'direct_entries', change: 'absolute', value: 0.1 }, { lever: 'cp_duration', change: 'relative', value: -0.2 }] });
    const p = applyInterventions(base, [x], [1]);
    expect(p.care.directEntriesPerMonthPer10k).toBeCloseTo(base.care.directEntriesPerMonthPer10k + 0.1, 12);
    const d0 = base.cp.durationMonths;
    const d1 = p.cp.durationMonths;
    if (d0.dist !== 'empirical' && d1.dist !== 'empirical') expect(d1.mean).toBeCloseTo(d0.mean * 0.8, 12);
    else if (d0.dist === 'empirical' && d1.dist === 'empirical') expect(d1.points[0][0]).toBeCloseTo(d0.points[0][0] * 0.8, 12);
  });

  it('a shift moves weight from agency to in-house foster care and keeps the total', () => {
    const x = iv({ effects: [{ lever: 'foster_in_house_share', change: 'shift', value: 0.4 }] });
    const p = applyInterventions(base, [x], [1]);
    for (const band of Object.keys(base.placement.atEntry) as (keyof typeof base.placement.atEntry)[]) {
      const w0 = base.placement.atEntry[band] as Record<string, number>;
      const w1 = p.placement.atEntry[band] as Record<string, number>;
      const sum = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0);
      expect(sum(w1)).toBeCloseTo(sum(w0), 9);
      expect(w1.ifa ?? 0).toBeCloseTo((w0.ifa ?? 0) * 0.6, 9);
    }
  });

  it('interventions compose in order', () => {
    const a = iv({ effects: [{ lever: 'direct_entries', change: 'relative', value: 1 }] });
    const b = iv({ effects: [{ lever: 'direct_entries', change: 'absolute', value: 0.5 }] });
    const ab = applyInterventions(base, [a, b], [1, 1]).care.directEntriesPerMonthPer10k;
    const ba = applyInterventions(base, [b, a], [1, 1]).care.directEntriesPerMonthPer10k;
    expect(ab).toBeCloseTo(base.care.directEntriesPerMonthPer10k * 2 + 0.5, 12);
    expect(ba).toBeCloseTo((base.care.directEntriesPerMonthPer10k + 0.5) * 2, 12);
  });

  it('never edits the base parameters (property)', () => {
    const snapshot = JSON.stringify(base);
    fc.assert(
      fc.property(fc.constantFrom(...LEVERS.filter((l) => l.kind !== 'shift').map((l) => l.name)), fc.double({ min: -0.5, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (lever, value, f) => {
        applyInterventions(base, [iv({ effects: [{ lever, change: 'relative', value }] })], [f]);
        expect(JSON.stringify(base)).toBe(snapshot);
      }),
      { numRuns: 60 },
    );
  });
});

describe('validation', () => {
  it('refuses an unknown lever with the path and the known levers', () => {
    const r = InterventionSchema.safeParse({ name: 'x', start: '2024-01', rampMonths: 0, effects: [{ lever: 'magic', change: 'relative', value: 0.1 }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['effects', 0, 'lever']);
    expect(r.error!.issues[0].message).toMatch(/unknown lever "magic".*icpc_to_cp/);
  });

  it('refuses a change kind the lever does not take and a relative change below -100%', () => {
    expect(InterventionSchema.safeParse({ name: 'x', start: '2024-01', rampMonths: 0, effects: [{ lever: 'foster_in_house_share', change: 'relative', value: 0.1 }] }).success).toBe(false);
    expect(InterventionSchema.safeParse({ name: 'x', start: '2024-01', rampMonths: 0, effects: [{ lever: 'icpc_to_cp', change: 'relative', value: -1.5 }] }).success).toBe(false);
    expect(InterventionSchema.safeParse({ name: 'x', start: '2024-05', end: '2024-05', rampMonths: 0, effects: [{ lever: 'icpc_to_cp', change: 'relative', value: -0.1 }] }).success).toBe(false);
  });

  it('refuses a change that pushes a probability above 1, naming the effect and the parameter', () => {
    const issue = checkInterventions(base, [iv({ effects: [{ lever: 'icpc_to_cp', change: 'absolute', value: 5 }] })]);
    expect(issue?.path).toBe('interventions[0].effects[0]');
    expect(issue?.message).toMatch(/icpc\.cpPlanProbability/);
    expect(checkInterventions(base, [iv()])).toBeUndefined();
  });
});

describe('monthParameters', () => {
  it('gives the base parameters before the start and shares one object per ramp step', () => {
    const ps = monthParameters(base, [iv({ start: '2023-05', rampMonths: 2 })], '2023-03', 12);
    expect(ps).toHaveLength(12);
    expect(ps[0]).toBe(base);
    expect(ps[1]).toBe(base);
    expect(ps[2].icpc.cpPlanProbability).toBeCloseTo(base.icpc.cpPlanProbability * 0.75, 12);
    expect(ps[3].icpc.cpPlanProbability).toBeCloseTo(base.icpc.cpPlanProbability * 0.5, 12);
    expect(ps[11]).toBe(ps[3]);
  });

  it('describes each effect on one line for reports', () => {
    const lines = describeInterventions([iv({ evidence: 'assumption', end: '2025-01' })]);
    expect(lines).toEqual(['test: icpc_to_cp -50% (from 2024-01, ramp 4 months, until 2024-12); evidence: assumption']);
  });
});
