/**
 * Hand-built event streams for projection tests: schema-valid events with defaults for every
 * field a test does not care about, and a KPI's value in a named month of a projected run.
 */
import { expect } from 'vitest';
import { parseEvent, SCHEMA_VERSION, type CaseEvent } from '../../src/events/index.ts';
import type { project } from '../../src/projections/index.ts';

const DEFAULTS: Record<string, Record<string, unknown>> = {
  ChildRegistered: { dateOfBirth: '2010-01-01', sex: 'F', ethnicity: 'WBRI', disability: false, uasc: false },
  ContactReceived: { source: '1A' },
  ContactConcluded: { outcome: 'nfa' },
  ReferralAccepted: { source: '1A', isRereferral: false },
  AssessmentAuthorised: { factors: [], outcome: 'cin' },
  Section47Concluded: { outcome: 'icpc' },
  IcpcHeld: { resultedInCpPlan: true },
  CinPlanStarted: { needCode: 'N1' },
  CpPlanStarted: { category: 'NEG', previousPlans: 0 },
  PeriodOfCareStarted: { legalStatus: 'C2', placement: 'U4', provider: 'PR1', needCode: 'N1' },
  EpisodeChanged: { rne: 'P', legalStatus: 'C2', placement: 'U4', provider: 'PR1' },
  PeriodOfCareEnded: { rec: 'E4A' },
  CaseClosed: { reason: 'RC1' },
  CareLeaverStatusRecorded: { inTouch: 'YES', activity: 'F2', accommodation: 'U1' },
};

/** Builds schema-valid events; each child's events must be added in date order. */
export class Stream {
  private readonly versions = new Map<string, number>();
  private readonly list: CaseEvent[] = [];
  private referralIds = 0;
  add(type: CaseEvent['type'], childId: string, date: string, fields: Record<string, unknown> = {}): this {
    const version = (this.versions.get(childId) ?? 0) + 1;
    this.versions.set(childId, version);
    const extra = type === 'ReferralAccepted' ? { referralId: `R${++this.referralIds}` } : {};
    this.list.push(parseEvent({ type, childId, date, version, schema: SCHEMA_VERSION, ...DEFAULTS[type], ...extra, ...fields }));
    return this;
  }
  /** All events, stably sorted by date. */
  events(): CaseEvent[] {
    return this.list
      .map((e, i) => [e, i] as const)
      .sort((a, b) => (a[0].date < b[0].date ? -1 : a[0].date > b[0].date ? 1 : a[1] - b[1]))
      .map(([e]) => e);
  }
}

/** Value of a KPI in a month (`YYYY-MM`) of a projected run; the month must be inside the run. */
export function at(run: ReturnType<typeof project>, kpi: string, month: string): number {
  const [y, m] = month.split('-').map(Number);
  const [sy, sm] = run.startMonth.split('-').map(Number);
  const off = y * 12 + m - (sy * 12 + sm);
  expect(off >= 0 && off < run.months, `${month} outside the run`).toBe(true);
  return run.values[kpi][off];
}
