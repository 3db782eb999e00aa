/**
 * KPI projections from hand-built event streams, each checked against a hand calculation.
 */
import { describe, expect, it } from 'vitest';
import { from } from 'rxjs';
import { parseEvent, SCHEMA_VERSION } from '../src/events/index.ts';
import { KPI_IDS, KPIS, KpiProjector, project, projectFromStore, fastDayNumber, RATIO_KPI_IDS, type ProjectorOptions } from '../src/projections/index.ts';
import { dayOf, parseIsoDate } from '../src/calendar/index.ts';
import { at, Stream } from './helpers/stream.ts';


const POP = 10_000; // rates per 10,000 then equal counts
const opts = (startMonth: string, months: number, extra: Partial<ProjectorOptions> = {}): ProjectorOptions => ({ startMonth, months, population: POP, ...extra });

describe('fastDayNumber', () => {
  it('agrees with the calendar for dates across centuries, leap days and month ends', () => {
    for (const d of ['1970-01-01', '1990-02-28', '2000-02-29', '2000-03-01', '2023-12-31', '2024-02-29', '2100-03-01', '1899-12-31']) {
      expect(fastDayNumber(d)).toBe(parseIsoDate(d));
    }
    for (let day = dayOf(1995, 1, 1); day < dayOf(2030, 1, 1); day += 7) {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      expect(fastDayNumber(iso)).toBe(day);
    }
  });
});

describe('front door', () => {
  it('counts contacts, conversion and steps to early help', () => {
    const s = new Stream();
    s.add('ContactReceived', 'a', '2024-01-03').add('ContactConcluded', 'a', '2024-01-04', { outcome: 'referral' });
    s.add('ContactReceived', 'b', '2024-01-10').add('ContactConcluded', 'b', '2024-01-11', { outcome: 'nfa' });
    s.add('ContactReceived', 'c', '2024-01-20').add('ContactConcluded', 'c', '2024-01-21', { outcome: 'early_help' });
    s.add('ContactReceived', 'd', '2024-01-31').add('ContactConcluded', 'd', '2024-02-01', { outcome: 'referral' });
    s.add('ReferralAccepted', 'a', '2024-01-05').add('AssessmentStarted', 'a', '2024-01-08');
    s.add('AssessmentAuthorised', 'a', '2024-01-25', { outcome: 'early_help' });
    const run = project(s.events(), opts('2024-01', 2));
    expect(at(run, 'contacts', '2024-01')).toBe(4);
    expect(at(run, 'contacts', '2024-02')).toBe(0);
    // 3 contacts concluded in January, one a referral
    expect(at(run, 'contact_conversion_pct', '2024-01')).toBeCloseTo(100 / 3, 10);
    expect(run.numerators.contact_conversion_pct[0]).toBe(1);
    expect(run.denominators.contact_conversion_pct[0]).toBe(3);
    expect(at(run, 'contact_conversion_pct', '2024-02')).toBe(100);
    // one contact and one assessment stepped down to early help
    expect(at(run, 'early_help_referrals', '2024-01')).toBe(2);
  });

  it('counts a referral exactly 12 months after the previous one as a re-referral, a day later not', () => {
    const s = new Stream();
    s.add('ReferralAccepted', 'exact', '2023-03-15').add('CaseClosed', 'exact', '2023-04-01');
    s.add('ReferralAccepted', 'exact', '2024-03-15');
    s.add('ReferralAccepted', 'late', '2023-03-15').add('CaseClosed', 'late', '2023-04-01');
    s.add('ReferralAccepted', 'late', '2024-03-16');
    // 29 February: "the same date 12 months on" is 28 February
    s.add('ReferralAccepted', 'leap', '2020-02-29').add('CaseClosed', 'leap', '2020-03-10');
    s.add('ReferralAccepted', 'leap', '2021-02-28');
    s.add('ReferralAccepted', 'leap2', '2020-02-29').add('CaseClosed', 'leap2', '2020-03-10');
    s.add('ReferralAccepted', 'leap2', '2021-03-01');
    const run = project(s.events(), opts('2020-01', 60));
    expect(at(run, 'referrals', '2024-03')).toBe(2);
    expect(at(run, 'rereferral_pct', '2024-03')).toBe(50);
    expect(run.numerators.rereferral_pct[50]).toBe(1);
    expect(at(run, 'rereferral_pct', '2021-02')).toBe(100);
    expect(at(run, 'rereferral_pct', '2021-03')).toBe(0);
    expect(at(run, 'rereferral_pct', '2020-02')).toBe(0);
    expect(at(run, 'rereferral_pct', '2020-01')).toBeNaN(); // no referrals: zero denominator
  });

  it('falls back to the isRereferral flag only when the stream has no earlier referral of the child', () => {
    const s = new Stream();
    s.add('ReferralAccepted', 'flagged', '2024-01-10', { isRereferral: true });
    // the flag is wrong here, the history decides: the previous referral was over a year ago
    s.add('ReferralAccepted', 'history', '2022-01-10').add('CaseClosed', 'history', '2022-02-01');
    s.add('ReferralAccepted', 'history', '2024-01-11', { isRereferral: true });
    const run = project(s.events(), opts('2024-01', 1));
    expect(at(run, 'rereferral_pct', '2024-01')).toBe(50);
  });

  it('computes the rolling 12-month referral rate from the month and the 11 before it, history included', () => {
    const s = new Stream();
    s.add('ReferralAccepted', 'a', '2023-01-31'); // 12 months before Jan 2024: outside its window
    s.add('ReferralAccepted', 'b', '2023-02-01');
    s.add('ReferralAccepted', 'c', '2023-02-28');
    s.add('ReferralAccepted', 'd', '2024-01-15');
    const run = project(s.events(), opts('2024-01', 3, { population: (m) => (m === 2024 * 12 + 1 ? 20_000 : 10_000) }));
    expect(at(run, 'referral_rate', '2024-01')).toBe(3);
    expect(run.numerators.referral_rate[0]).toBe(3);
    expect(run.denominators.referral_rate[0]).toBe(10_000);
    // February: window Mar 2023 – Feb 2024 holds one referral; population 20,000
    expect(at(run, 'referral_rate', '2024-02')).toBe(0.5);
    expect(at(run, 'referral_rate', '2024-03')).toBe(1);
  });

  it("attributes a referral closed NFA to the referral's month, even when the closure comes later", () => {
    const s = new Stream();
    s.add('ReferralAccepted', 'a', '2024-01-10').add('CaseClosed', 'a', '2024-02-05', { referralNfa: true, reason: 'RC8' });
    s.add('ReferralAccepted', 'b', '2024-01-20').add('AssessmentStarted', 'b', '2024-01-21');
    s.add('ReferralAccepted', 'c', '2023-12-20').add('CaseClosed', 'c', '2024-01-05', { referralNfa: true, reason: 'RC8' }); // referral before the start
    const p = new KpiProjector(opts('2024-01', 2));
    p.applyBatch(s.events());
    const run = p.finish();
    expect(at(run, 'referral_nfa_pct', '2024-01')).toBe(50);
    expect(run.numerators.referral_nfa_pct[0]).toBe(1);
    expect(run.denominators.referral_nfa_pct[0]).toBe(2);
    expect(at(run, 'referral_nfa_pct', '2024-02')).toBeNaN();
    // the January snapshot was taken before the February closure
    expect(p.snapshots()[0].values.referral_nfa_pct).toBe(0);
  });
});

describe('assessments and child protection', () => {
  it('times assessments from the referral: the 45th working day is in time and the 46th is not, across Easter and May Day', () => {
    // From Friday 1 March 2024: 19 working days in March (Good Friday 29th), 21 in April (Easter
    // Monday 1st), then 1, 2, 3 May (43), Monday 6 May is a bank holiday, 7 May (44), 8 May (45), 9 May (46).
    const s = new Stream();
    // referred 1 March, assessment started two weeks later: still timed from the referral (45)
    s.add('ReferralAccepted', 'on45', '2024-03-01').add('AssessmentStarted', 'on45', '2024-03-15');
    s.add('AssessmentAuthorised', 'on45', '2024-05-08', { outcome: 'nfa' });
    s.add('ReferralAccepted', 'on46', '2024-03-01').add('AssessmentStarted', 'on46', '2024-03-01');
    s.add('AssessmentAuthorised', 'on46', '2024-05-09', { outcome: 'cin' });
    // no recorded start: timed from the referral on Easter Monday (21 working days in April, 7 in May: 28)
    s.add('ReferralAccepted', 'nostart', '2024-04-01').add('AssessmentAuthorised', 'nostart', '2024-05-10', { outcome: 'nfa' });
    // referred 1 February, started 15 April: 16 working days from the start, 66 from the referral
    s.add('ReferralAccepted', 'lateStart', '2024-02-01').add('AssessmentStarted', 'lateStart', '2024-04-15');
    s.add('AssessmentAuthorised', 'lateStart', '2024-05-08');
    // a second assessment in the same case runs from its own start (2 April to 8 May: 25)
    s.add('ReferralAccepted', 'second', '2023-12-01').add('AssessmentStarted', 'second', '2023-12-01').add('AssessmentAuthorised', 'second', '2023-12-20');
    s.add('AssessmentStarted', 'second', '2024-04-02').add('AssessmentAuthorised', 'second', '2024-05-08');
    // neither a referral nor a start: left out
    s.add('AssessmentAuthorised', 'bare', '2024-05-10');
    const p = new KpiProjector(opts('2024-05', 1));
    p.applyBatch(s.events());
    const run = p.finish();
    expect(at(run, 'assessments_completed', '2024-05')).toBe(6);
    // in time: on45, nostart, second; late: on46, lateStart
    expect(run.numerators.assessments_45d_pct[0]).toBe(3);
    expect(run.denominators.assessments_45d_pct[0]).toBe(5);
    expect(at(run, 'assessments_45d_pct', '2024-05')).toBe(60);
    expect(at(run, 'assessment_nfa_pct', '2024-05')).toBeCloseTo(200 / 6, 10);
    expect(p.diagnostics().assessmentWithoutStart).toBe(1);
    // rolling rate: 7 assessments in the 12 months to May per 10,000 (second's December one too)
    expect(at(run, 'assessment_rate', '2024-05')).toBe(7);
  });

  it('times ICPCs from the strategy discussion that started their S47, 15 working days across Christmas and New Year', () => {
    // From Monday 18 Dec 2023: 19–22 Dec (4), 25–26 Dec bank holidays, 27–29 Dec (7), 1 Jan bank holiday,
    // 2–5 Jan (11), 8–11 Jan (15): Thursday 11 January is the 15th working day.
    const s = new Stream();
    s.add('ReferralAccepted', 'on15', '2023-10-02').add('StrategyDiscussionHeld', 'on15', '2023-11-01').add('StrategyDiscussionHeld', 'on15', '2023-12-18');
    s.add('Section47Started', 'on15', '2023-12-18').add('IcpcHeld', 'on15', '2024-01-11');
    // a later discussion that started no S47 does not restart the clock: 16 working days from 18 December
    s.add('StrategyDiscussionHeld', 'laterSd', '2023-12-18').add('Section47Started', 'laterSd', '2023-12-18');
    s.add('StrategyDiscussionHeld', 'laterSd', '2024-01-05').add('IcpcHeld', 'laterSd', '2024-01-12');
    // no S47 in the stream: timed from the latest discussion (16)
    s.add('StrategyDiscussionHeld', 'on16', '2023-12-18').add('IcpcHeld', 'on16', '2024-01-12');
    s.add('IcpcHeld', 'nosd', '2024-01-15');
    // an S47 with no discussion before it: nothing to time from
    s.add('Section47Started', 's47only', '2024-01-02').add('IcpcHeld', 's47only', '2024-01-10');
    // a discussion in a case closed before: not carried into the next case
    s.add('ReferralAccepted', 'closed', '2023-12-01').add('StrategyDiscussionHeld', 'closed', '2023-12-04').add('CaseClosed', 'closed', '2023-12-20');
    s.add('ReferralAccepted', 'closed', '2024-01-03').add('IcpcHeld', 'closed', '2024-01-08');
    const p = new KpiProjector(opts('2023-12', 2));
    p.applyBatch(s.events());
    const run = p.finish();
    expect(at(run, 'strategy_discussions', '2023-12')).toBe(4);
    expect(at(run, 'strategy_discussions', '2024-01')).toBe(1);
    expect(at(run, 's47_started', '2023-12')).toBe(2);
    expect(at(run, 'icpc_held', '2024-01')).toBe(6);
    // timed: on15 (15, in time), laterSd (16), on16 (16)
    expect(run.numerators.icpc_15d_pct[1]).toBe(1);
    expect(run.denominators.icpc_15d_pct[1]).toBe(3);
    expect(at(run, 'icpc_15d_pct', '2024-01')).toBeCloseTo(100 / 3, 10);
    expect(at(run, 'icpc_15d_pct', '2023-12')).toBeNaN();
    expect(at(run, 'icpc_rate', '2024-01')).toBe(6);
    expect(at(run, 's47_rate', '2024-01')).toBe(3);
    expect(p.diagnostics().icpcWithoutStrategyDiscussion).toBe(3);
  });

  it('counts a CP plan of exactly 2 years as lasting 2+ years, a day short not', () => {
    const s = new Stream();
    s.add('CpPlanStarted', 'two', '2021-06-15').add('CpPlanEnded', 'two', '2023-06-15');
    s.add('CpPlanStarted', 'short', '2021-06-16').add('CpPlanEnded', 'short', '2023-06-15');
    s.add('CpPlanStarted', 'leap', '2020-02-29').add('CpPlanEnded', 'leap', '2022-02-28'); // 2nd anniversary: 28 Feb
    const run = project(s.events(), opts('2022-01', 24));
    expect(at(run, 'cp_ends', '2023-06')).toBe(2);
    expect(at(run, 'cp_2yr_pct', '2023-06')).toBe(50);
    expect(at(run, 'cp_2yr_pct', '2022-02')).toBe(100);
    expect(at(run, 'cp_2yr_pct', '2022-03')).toBeNaN();
  });

  it('counts repeat plans from previousPlans and from earlier plans in the stream; keeps the CP stock', () => {
    const s = new Stream();
    s.add('CpPlanStarted', 'declared', '2024-02-01', { previousPlans: 1 });
    s.add('CpPlanStarted', 'seen', '2023-01-10').add('CpPlanEnded', 'seen', '2023-09-01');
    s.add('CpPlanStarted', 'seen', '2024-02-10', { previousPlans: 0 });
    s.add('CpPlanStarted', 'first', '2024-02-20');
    s.add('CpPlanEnded', 'first', '2024-03-31');
    const p = new KpiProjector(opts('2024-01', 3));
    p.applyBatch(s.events());
    p.apply(parseEvent({ type: 'CpPlanEnded', childId: 'never', date: '2024-03-31', version: 1, schema: SCHEMA_VERSION }));
    const run = p.finish();
    expect(at(run, 'cp_starts', '2024-02')).toBe(3);
    expect(at(run, 'cp_repeat_pct', '2024-02')).toBeCloseTo(200 / 3, 10);
    expect(at(run, 'cp_open', '2024-01')).toBe(0);
    expect(at(run, 'cp_open', '2024-02')).toBe(3);
    expect(at(run, 'cp_rate', '2024-02')).toBe(3);
    // a plan ending on the last day of the month is not open at that month end
    expect(at(run, 'cp_ends', '2024-03')).toBe(1);
    expect(at(run, 'cp_open', '2024-03')).toBe(2);
    // the end of a plan that never started is skipped and counted
    expect(p.diagnostics().cpEndWithoutPlan).toBe(1);
  });

  it('counts new plans within 2 years of the end of the previous plan, 29 February to 28 February', () => {
    const s = new Stream();
    s.add('CpPlanStarted', 'within', '2021-01-01').add('CpPlanEnded', 'within', '2022-02-15');
    s.add('CpPlanStarted', 'within', '2024-02-15'); // the same date 2 years on: within
    s.add('CpPlanStarted', 'after', '2021-03-01').add('CpPlanEnded', 'after', '2022-02-14');
    s.add('CpPlanStarted', 'after', '2024-02-15'); // a day past: a repeat, not within 2 years
    s.add('CpPlanStarted', 'declared', '2024-02-05', { previousPlans: 2 }); // no end in the stream
    s.add('CpPlanStarted', 'first', '2024-02-20');
    s.add('CpPlanStarted', 'leap', '2019-06-01').add('CpPlanEnded', 'leap', '2020-02-29');
    s.add('CpPlanStarted', 'leap', '2022-02-28'); // 2nd anniversary of 29 February 2020: 28 February 2022
    const run = project(s.events(), opts('2022-01', 27));
    expect(at(run, 'cp_starts', '2024-02')).toBe(4);
    expect(at(run, 'cp_repeat_pct', '2024-02')).toBe(75);
    expect(run.numerators.cp_repeat_2yr_pct[25]).toBe(1);
    expect(run.denominators.cp_repeat_2yr_pct[25]).toBe(4);
    expect(at(run, 'cp_repeat_2yr_pct', '2024-02')).toBe(25);
    expect(at(run, 'cp_repeat_2yr_pct', '2022-02')).toBe(100);
    expect(at(run, 'cp_repeat_2yr_pct', '2024-03')).toBeNaN();
  });

  it('counts children in need as the DfE does, children on CIN plans and open cases by the definitions', () => {
    const s = new Stream();
    s.add('ReferralAccepted', 'assessing', '2024-01-02').add('AssessmentStarted', 'assessing', '2024-01-03');
    s.add('ReferralAccepted', 'cinplan', '2024-01-02').add('CinPlanStarted', 'cinplan', '2024-01-20');
    s.add('ReferralAccepted', 's47', '2024-01-02').add('Section47Started', 's47', '2024-01-05');
    s.add('ReferralAccepted', 'referredOnly', '2024-01-02');
    s.add('ReferralAccepted', 'onCp', '2024-01-02').add('CinPlanStarted', 'onCp', '2024-01-03').add('CpPlanStarted', 'onCp', '2024-01-10');
    s.add('PeriodOfCareStarted', 'inCare', '2024-01-04');
    s.add('ReferralAccepted', 'toCare', '2024-01-02').add('CinPlanStarted', 'toCare', '2024-01-03');
    s.add('ReferralAccepted', 'closed', '2024-01-02').add('AssessmentStarted', 'closed', '2024-01-03').add('CaseClosed', 'closed', '2024-01-30');
    // February: the S47 concludes, the CIN plan ends, the CP plan ends (the CIN plan is still open)
    s.add('Section47Concluded', 's47', '2024-02-01', { outcome: 'nfa' });
    s.add('CinPlanEnded', 'cinplan', '2024-02-02');
    s.add('CpPlanEnded', 'onCp', '2024-02-03');
    // March: toCare enters care (its CIN plan still open); a closure and a new referral keep assessing open
    s.add('PeriodOfCareStarted', 'toCare', '2024-03-10');
    s.add('CaseClosed', 'assessing', '2024-03-01').add('ReferralAccepted', 'assessing', '2024-03-05');
    const run = project(s.events(), opts('2024-01', 3, { socialWorkers: 4 }));
    // January: every open child (the child in care with no referral too); only closed is out
    expect(at(run, 'cin_open', '2024-01')).toBe(7);
    expect(at(run, 'open_cases', '2024-01')).toBe(7);
    expect(at(run, 'cin_rate', '2024-01')).toBe(7);
    expect(at(run, 'open_rate', '2024-01')).toBe(7);
    expect(at(run, 'cin_plans_open', '2024-01')).toBe(2); // cinplan, toCare (onCp is on a CP plan)
    expect(at(run, 'caseload_avg', '2024-01')).toBe(1.75);
    expect(run.numerators.caseload_avg[0]).toBe(7);
    expect(run.denominators.caseload_avg[0]).toBe(4);
    expect(at(run, 'cin_open', '2024-02')).toBe(7);
    expect(at(run, 'cin_plans_open', '2024-02')).toBe(2); // onCp (CIN plan, no longer on CP), toCare
    expect(at(run, 'cin_open', '2024-03')).toBe(7);
    expect(at(run, 'cin_plans_open', '2024-03')).toBe(1); // onCp: toCare is looked after
    expect(at(run, 'open_cases', '2024-03')).toBe(7);
  });

  it('leaves caseload_avg empty without a workforce', () => {
    const run = project([], opts('2024-01', 2));
    expect(run.values.caseload_avg[0]).toBeNaN();
    expect(run.values.cla_open[1]).toBe(0);
  });
});

describe('children looked after', () => {
  it('counts care leavers aged 17 to 25: left at 16, 17 or 18 after 13 weeks or more looked after since the 14th birthday', () => {
    const s = new Stream();
    const born = (id: string, date: string, dob: string) => s.add('ChildRegistered', id, date, { dateOfBirth: dob });
    // 18 on 2024-05-10, in care 495 days since 14: a care leaver from that day
    born('leaver', '2023-01-01', '2006-05-10').add('PeriodOfCareStarted', 'leaver', '2023-01-01').add('PeriodOfCareEnded', 'leaver', '2024-05-10', { rec: 'E17' });
    // left at 17 after 80 days: not a care leaver
    born('short', '2023-11-01', '2007-01-15').add('PeriodOfCareStarted', 'short', '2023-11-01').add('PeriodOfCareEnded', 'short', '2024-01-20', { rec: 'E4A' });
    // 45 days after 14 in a first period, 92 in a second ending at 16: counted from the 17th birthday (2024-08-01);
    // looked after again from 2025-03-10 to 2025-06-20 (aged 17): not counted meanwhile, then counted again
    born('sixteen', '2021-06-01', '2007-08-01').add('PeriodOfCareStarted', 'sixteen', '2021-06-01').add('PeriodOfCareEnded', 'sixteen', '2021-09-15', { rec: 'E4A' });
    s.add('PeriodOfCareStarted', 'sixteen', '2023-06-01').add('PeriodOfCareEnded', 'sixteen', '2023-09-01', { rec: 'E8' });
    s.add('PeriodOfCareStarted', 'sixteen', '2025-03-10').add('PeriodOfCareEnded', 'sixteen', '2025-06-20', { rec: 'E8' });
    // left at 15: not a care leaver
    born('young', '2024-01-02', '2010-01-01').add('PeriodOfCareStarted', 'young', '2024-01-02').add('PeriodOfCareEnded', 'young', '2024-12-01', { rec: 'E4A' });
    // 26 on 2025-03-10: counted to the end of February 2025
    born('old', '2016-01-01', '1999-03-10').add('PeriodOfCareStarted', 'old', '2016-01-01').add('PeriodOfCareEnded', 'old', '2017-03-10', { rec: 'E5' });
    const run = project(s.events(), opts('2024-01', 24));
    const expected: Record<string, number> = { '2024-01': 1, '2024-04': 1, '2024-05': 2, '2024-07': 2, '2024-08': 3, '2025-02': 3, '2025-03': 1, '2025-05': 1, '2025-06': 2, '2025-12': 2 };
    for (const [month, n] of Object.entries(expected)) expect(at(run, 'care_leavers_open', month), month).toBe(n);
  });

  it('counts re-entries to care, and starters who left care in the previous 12 months, 29 February to 28 February', () => {
    const s = new Stream();
    s.add('PeriodOfCareStarted', 'back', '2022-01-10').add('PeriodOfCareEnded', 'back', '2023-03-15', { rec: 'E4A' });
    s.add('PeriodOfCareStarted', 'back', '2024-03-15'); // the same date a year on: within 12 months
    s.add('PeriodOfCareStarted', 'late', '2022-01-10').add('PeriodOfCareEnded', 'late', '2023-03-14', { rec: 'E45' });
    s.add('PeriodOfCareStarted', 'late', '2024-03-15'); // a day past: a re-entry, not within 12 months
    s.add('PeriodOfCareStarted', 'twice', '2024-03-01').add('PeriodOfCareEnded', 'twice', '2024-03-05', { rec: 'E41' });
    s.add('PeriodOfCareStarted', 'twice', '2024-03-20'); // two starts in one month: the second is a re-entry
    s.add('PeriodOfCareStarted', 'first', '2024-03-10');
    s.add('PeriodOfCareStarted', 'leap', '2023-01-01').add('PeriodOfCareEnded', 'leap', '2024-02-29', { rec: 'E13' });
    s.add('PeriodOfCareStarted', 'leap', '2025-02-28'); // a year on from 29 February 2024 is 28 February 2025
    const run = project(s.events(), opts('2024-03', 12));
    expect(at(run, 'cla_starts', '2024-03')).toBe(5);
    expect(at(run, 'cla_reentries', '2024-03')).toBe(3); // back, late, twice
    expect(run.numerators.cla_reentry_12m_pct[0]).toBe(2); // back, twice
    expect(run.denominators.cla_reentry_12m_pct[0]).toBe(5);
    expect(at(run, 'cla_reentry_12m_pct', '2024-03')).toBe(40);
    expect(at(run, 'cla_reentries', '2025-02')).toBe(1);
    expect(at(run, 'cla_reentry_12m_pct', '2025-02')).toBe(100);
    expect(at(run, 'cla_reentries', '2024-04')).toBe(0);
    expect(at(run, 'cla_reentry_12m_pct', '2024-04')).toBeNaN();
  });

  it('counts a child entering and leaving care in the same month as a start and an end, not in the stock', () => {
    const s = new Stream();
    s.add('PeriodOfCareStarted', 'stayer', '2023-12-01');
    s.add('PeriodOfCareStarted', 'brief', '2024-02-05').add('PeriodOfCareEnded', 'brief', '2024-02-20', { rec: 'E4A' });
    const run = project(s.events(), opts('2024-01', 3, { unitCosts: { in_house_foster: 700 } }));
    expect(at(run, 'cla_starts', '2024-02')).toBe(1);
    expect(at(run, 'cla_ends', '2024-02')).toBe(1);
    expect(at(run, 'cla_ends_return_home', '2024-02')).toBe(1);
    expect(at(run, 'cla_open', '2024-01')).toBe(1);
    expect(at(run, 'cla_open', '2024-02')).toBe(1);
    expect(at(run, 'cla_rate', '2024-02')).toBe(1);
    // February: stayer 29 days + brief 15 days (5th to 19th) at £100 a day
    expect(at(run, 'placement_cost', '2024-02')).toBeCloseTo(4400, 9);
    expect(at(run, 'placement_cost', '2024-01')).toBeCloseTo(3100, 9);
  });

  it('counts children ceasing on or after the 18th birthday in cla_ends_age18, whatever the REC, beside their reason group', () => {
    const s = new Stream();
    s.add('ChildRegistered', 'eighteen', '2019-01-01', { dateOfBirth: '2006-04-10' }).add('PeriodOfCareStarted', 'eighteen', '2020-05-01');
    s.add('PeriodOfCareEnded', 'eighteen', '2024-04-10', { rec: 'E8' });
    s.add('ChildRegistered', 'eve', '2019-01-01', { dateOfBirth: '2006-04-11' }).add('PeriodOfCareStarted', 'eve', '2020-05-01');
    s.add('PeriodOfCareEnded', 'eve', '2024-04-10', { rec: 'E8' });
    s.add('ChildRegistered', 'home18', '2019-01-01', { dateOfBirth: '2006-04-01' }).add('PeriodOfCareStarted', 'home18', '2020-05-01');
    s.add('PeriodOfCareEnded', 'home18', '2024-04-20', { rec: 'E4A' });
    s.add('ChildRegistered', 'leap', '2019-01-01', { dateOfBirth: '2004-02-29' }).add('PeriodOfCareStarted', 'leap', '2020-05-01');
    s.add('PeriodOfCareEnded', 'leap', '2022-02-28', { rec: 'E8' });
    // E17 with no date of birth in the stream: staying put, not counted by age
    s.add('PeriodOfCareStarted', 'e17', '2020-05-01').add('PeriodOfCareEnded', 'e17', '2024-04-02', { rec: 'E17' });
    const run = project(s.events(), opts('2022-01', 28));
    expect(at(run, 'cla_ends', '2024-04')).toBe(4);
    expect(at(run, 'cla_ends_age18', '2024-04')).toBe(2); // eighteen, home18
    expect(at(run, 'cla_ends_other', '2024-04')).toBe(2); // eighteen, eve
    expect(at(run, 'cla_ends_return_home', '2024-04')).toBe(1);
    expect(at(run, 'cla_ends_staying_put', '2024-04')).toBe(1);
    expect(at(run, 'cla_ends_age18', '2022-02')).toBe(1);
    expect(at(run, 'cla_ends_other', '2022-02')).toBe(1);
  });

  it('groups reasons for leaving care by REC as the DfE publishes them', () => {
    const s = new Stream();
    const recs: string[] = ['E4A', 'E4B', 'E13', 'E45', 'E48', 'E41', 'E11', 'E12', 'E5', 'E6', 'E17', 'E2', 'E9', 'E15'];
    recs.forEach((rec, i) => s.add('PeriodOfCareStarted', `c${i}`, '2023-01-01').add('PeriodOfCareEnded', `c${i}`, '2024-01-15', { rec }));
    const run = project(s.events(), opts('2024-01', 1));
    const want: Record<string, number> = { return_home: 2, relatives_no_pr: 1, sgo: 2, cao: 1, adoption: 2, independent_living: 2, staying_put: 1, other: 3, age18: 0 };
    for (const [g, n] of Object.entries(want)) expect(at(run, `cla_ends_${g}`, '2024-01'), g).toBe(n);
    expect(at(run, 'cla_ends', '2024-01')).toBe(14);
    expect(at(run, 'cla_open', '2024-01')).toBe(0);
  });

  it('counts placement groups at month end from placement and provider codes, in the DfE groups, and UASC', () => {
    const s = new Stream();
    const places: [string, string][] = [
      ['U4', 'PR1'], ['U6', 'PR2'], ['U4', 'PR3'], ['U5', 'PR4'], ['U4', 'PR5'], ['U1', 'PR1'], ['K2', 'PR4'], ['K1', 'PR1'], ['H5', 'PR4'], ['K3', 'PR4'],
      ['R1', 'PR4'], ['R5', 'PR3'], ['S1', 'PR4'], ['P2', 'PR4'], ['P3', 'PR4'], ['P1', 'PR0'], ['A4', 'PR1'], ['Z1', 'PR4'], ['U6', 'PR0'],
    ];
    places.forEach(([placement, provider], i) => s.add('PeriodOfCareStarted', `p${i}`, '2024-01-10', { placement, provider }));
    s.add('ChildRegistered', 'uasc1', '2024-01-01', { uasc: true }).add('PeriodOfCareStarted', 'uasc1', '2024-01-11', { placement: 'U5', provider: 'PR4' });
    s.add('PeriodOfCareStarted', 'uasc2', '2024-01-12', { placement: 'H5', provider: 'PR4', route: 'uasc' });
    // February: the IFA child p3 moves to a children's home; uasc2 leaves care
    s.add('EpisodeChanged', 'p3', '2024-02-01', { rne: 'T', placement: 'K2', provider: 'PR4' });
    s.add('PeriodOfCareEnded', 'uasc2', '2024-02-10', { rec: 'E15' });
    const run = project(s.events(), opts('2024-01', 2));
    const jan: Record<string, number> = {
      in_house_foster: 1, other_public_foster: 2, ifa: 3, kinship_foster: 1, residential: 2, supported: 3, other_residential: 2,
      residential_schools: 1, community: 2, placed_with_parents: 1, placed_for_adoption: 1, other: 2,
    };
    for (const [g, n] of Object.entries(jan)) expect(at(run, `cla_placement_${g}`, '2024-01'), g).toBe(n);
    expect(at(run, 'cla_open', '2024-01')).toBe(21);
    expect(at(run, 'cla_placement_ifa_pct', '2024-01')).toBeCloseTo(300 / 21, 10);
    expect(at(run, 'uasc_open', '2024-01')).toBe(2);
    expect(at(run, 'cla_placement_ifa', '2024-02')).toBe(2);
    expect(at(run, 'cla_placement_residential', '2024-02')).toBe(3);
    expect(at(run, 'cla_placement_supported', '2024-02')).toBe(2);
    expect(at(run, 'uasc_open', '2024-02')).toBe(1);
    expect(at(run, 'cla_placement_ifa_pct', '2024-02')).toBe(10);
  });

  it('counts 3+ placements in the 12 months to month end, the placement open at the window start included', () => {
    const s = new Stream();
    // moves: 10 Jan, 1 Jun, 1 Sep 2023; an L (legal status) change does not count
    s.add('PeriodOfCareStarted', 'moves', '2023-01-10');
    s.add('EpisodeChanged', 'moves', '2023-06-01', { rne: 'P' });
    s.add('EpisodeChanged', 'moves', '2023-07-01', { rne: 'L', legalStatus: 'C1' });
    s.add('EpisodeChanged', 'moves', '2023-09-01', { rne: 'U' });
    // edge: placements 1 Nov 2022, 1 Feb 2023 (a move on the window start of Jan 2024), 1 May 2023
    s.add('PeriodOfCareStarted', 'edge', '2022-11-01');
    s.add('EpisodeChanged', 'edge', '2023-02-01', { rne: 'T' });
    s.add('EpisodeChanged', 'edge', '2023-05-01', { rne: 'B' });
    // gap: in care in March 2023, home, back in August with a move in October
    s.add('PeriodOfCareStarted', 'gap', '2023-03-01').add('PeriodOfCareEnded', 'gap', '2023-04-01', { rec: 'E4A' });
    s.add('PeriodOfCareStarted', 'gap', '2023-08-01').add('EpisodeChanged', 'gap', '2023-10-01', { rne: 'P' });
    const run = project(s.events(), opts('2023-12', 7));
    // Dec 2023 (window 1 Jan – 31 Dec 2023): moves 3 starts; edge 2 starts + the Nov 2022 placement open on 1 Jan = 3; gap 3 starts
    expect(run.numerators.cla_3plus_moves_pct[0]).toBe(3);
    expect(at(run, 'cla_3plus_moves_pct', '2023-12')).toBe(100);
    // Jan 2024 (window from 1 Feb 2023): moves 2 starts + the placement open on 1 Feb = 3;
    // edge: starts 1 Feb and 1 May, the Nov placement ended on 1 Feb = 2; gap: Mar, Aug, Oct = 3
    expect(run.numerators.cla_3plus_moves_pct[1]).toBe(2);
    expect(run.denominators.cla_3plus_moves_pct[1]).toBe(3);
    // Apr 2024 (window from 1 May 2023): gap has Aug and Oct only (not in care on 1 May) = 2
    expect(run.numerators.cla_3plus_moves_pct[4]).toBe(1);
    // Jun 2024 (window from 1 Jul 2023): moves has 1 Sep + open on 1 Jul = 2
    expect(run.numerators.cla_3plus_moves_pct[6]).toBe(0);
    expect(at(run, 'cla_3plus_moves_pct', '2024-06')).toBe(0);
  });

  it('costs placements by days in each group at weekly unit costs, inflated once per whole year', () => {
    const s = new Stream();
    s.add('PeriodOfCareStarted', 'a', '2023-06-01', { placement: 'U4', provider: 'PR1' });
    s.add('EpisodeChanged', 'a', '2024-03-11', { rne: 'P', placement: 'K2', provider: 'PR4' });
    s.add('PeriodOfCareStarted', 'b', '2024-03-31', { placement: 'U5', provider: 'PR4' });
    const unitCosts = { in_house_foster: 700, ifa: 1400, residential: 7000 };
    const run = project(s.events(), opts('2024-01', 14, { unitCosts, unitCostInflationPct: 10 }));
    expect(at(run, 'placement_cost', '2024-01')).toBeCloseTo(31 * 100, 8);
    // March: 10 days in-house (1st–10th) + 21 days residential + 1 day IFA
    expect(at(run, 'placement_cost', '2024-03')).toBeCloseTo(10 * 100 + 21 * 1000 + 200, 8);
    expect(at(run, 'placement_cost', '2024-12')).toBeCloseTo(31 * 1000 + 31 * 200, 8);
    // a year after the start month, unit costs rise by 10%
    expect(at(run, 'placement_cost', '2025-01')).toBeCloseTo((31 * 1000 + 31 * 200) * 1.1, 8);
    expect(at(run, 'placement_cost', '2025-02')).toBeCloseTo((28 * 1000 + 28 * 200) * 1.1, 8);
    // no unit costs: placement spend is 0
    expect(project(s.events(), opts('2024-01', 2)).values.placement_cost[1]).toBe(0);
  });
});

describe('projector mechanics', () => {
  it('fills every catalogue KPI for every month, counts never empty, and numerators for every ratio', () => {
    const s = new Stream();
    s.add('ContactReceived', 'a', '2024-01-03').add('PeriodOfCareStarted', 'a', '2024-01-04');
    const run = project(s.events(), opts('2024-01', 3, { socialWorkers: 2 }));
    expect(Object.keys(run.values).sort()).toEqual([...KPI_IDS].sort());
    for (const k of KPIS) {
      expect(run.values[k.id].length).toBe(3);
      if (k.unit === 'count' || k.unit === 'gbp' || k.unit === 'per10k') for (const v of run.values[k.id]) expect(Number.isNaN(v), k.id).toBe(false);
    }
    for (const id of RATIO_KPI_IDS) {
      expect(run.numerators[id].every((v) => !Number.isNaN(v)), id).toBe(true);
      expect(run.denominators[id].every((v) => !Number.isNaN(v)), id).toBe(true);
    }
    expect(RATIO_KPI_IDS).toContain('referral_rate');
    expect(RATIO_KPI_IDS).toContain('cla_3plus_moves_pct');
  });

  it('carries stocks through months without events and ignores events after the horizon', () => {
    const s = new Stream();
    s.add('PeriodOfCareStarted', 'a', '2020-06-01'); // history long before the start
    s.add('PeriodOfCareEnded', 'a', '2024-09-01'); // after the horizon
    const p = new KpiProjector(opts('2024-01', 6));
    p.applyBatch(s.events());
    const run = p.finish();
    expect([...run.values.cla_open]).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...run.values.cla_starts]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(p.diagnostics().afterHorizon).toBe(1);
    expect(p.snapshots().map((x) => x.month)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06']);
    expect(p.finish()).toBe(run);
    expect(() => p.apply(s.events()[0])).toThrow(/after finish/);
  });

  it('takes frozen month snapshots holding the month values', () => {
    const s = new Stream();
    s.add('PeriodOfCareStarted', 'a', '2024-01-04').add('PeriodOfCareStarted', 'b', '2024-02-04');
    const p = new KpiProjector(opts('2024-01', 2));
    p.applyBatch(s.events());
    expect(p.snapshots().length).toBe(1); // January closed when February's first event arrived
    const run = p.finish();
    const snaps = p.snapshots();
    expect(snaps.map((x) => x.values.cla_open)).toEqual([1, 2]);
    expect(snaps[1].values.cla_rate).toBe(run.values.cla_rate[1]);
    expect(snaps[1].numerators.cla_rate).toBe(2);
    expect(Object.isFrozen(snaps[0])).toBe(true);
    expect(Object.isFrozen(snaps[0].values)).toBe(true);
    expect(() => {
      (snaps[0].values as Record<string, number>).cla_open = 99;
    }).toThrow();
  });

  it('keeps projectors independent when their events interleave', () => {
    // each projector's second event has the same date as its first, with the other's event between
    const a = new Stream();
    a.add('ContactReceived', 'v', '2022-03-15').add('CpPlanStarted', 'y', '2022-03-15').add('CpPlanEnded', 'y', '2024-03-15');
    const b = new Stream();
    b.add('ContactReceived', 'z', '2023-06-01').add('CpPlanStarted', 'w', '2023-06-01').add('CpPlanEnded', 'w', '2024-03-20');
    const pa = new KpiProjector(opts('2024-03', 1));
    const pb = new KpiProjector(opts('2024-03', 1));
    const ea = a.events();
    const eb = b.events();
    for (let i = 0; i < 3; i++) {
      pa.apply(ea[i]);
      pb.apply(eb[i]);
    }
    const ra = pa.finish();
    const rb = pb.finish();
    expect(ra.values.cp_2yr_pct[0]).toBe(100);
    expect(rb.values.cp_2yr_pct[0]).toBe(0);
    expect(ra).toEqual(project(ea, opts('2024-03', 1)));
    expect(rb).toEqual(project(eb, opts('2024-03', 1)));
  });

  it('rejects events out of date order, naming the event', () => {
    const s = new Stream();
    s.add('ContactReceived', 'a', '2024-02-01');
    s.add('ContactReceived', 'b', '2024-01-31');
    const p = new KpiProjector(opts('2024-01', 2));
    p.apply(s.events()[1]);
    expect(() => p.apply(s.events()[0])).toThrow(/ContactReceived of child b .*2024-01-31.*2024-02-01/);
  });

  it('names the event when a date is outside the working-day calendar', () => {
    const s = new Stream();
    s.add('AssessmentStarted', 'old', '1985-03-01').add('AssessmentAuthorised', 'old', '1985-04-01');
    expect(() => project(s.events(), opts('2024-01', 1))).toThrow(/AssessmentAuthorised of child old \(version 2\) dated 1985-04-01: cannot count working days/);
  });

  it('rejects bad options, naming the option', () => {
    expect(() => new KpiProjector(opts('2024-13', 2))).toThrow(/YYYY-MM/);
    expect(() => new KpiProjector(opts('2024-01', 0))).toThrow(/months/);
    expect(() => new KpiProjector(opts('2024-01', 2, { population: -5 }))).toThrow(/population/);
    expect(() => new KpiProjector(opts('2024-01', 2, { unitCosts: { ifa: -1 } }))).toThrow(/unitCosts\.ifa/);
    expect(() => new KpiProjector(opts('2024-01', 2, { unitCosts: { bogus: 1 } as never }))).toThrow(/unknown placement group "bogus"/);
    expect(() => project([], opts('2024-01', 2, { population: (m) => (m > 2024 * 12 ? 0 : 1) }))).toThrow(/population gave 0 for 2024-02/);
  });

  it('gives the same run from an rxjs source of batches as from project()', async () => {
    const s = new Stream();
    for (let i = 0; i < 50; i++) {
      const d = `2024-0${1 + (i % 6)}-1${i % 10}`;
      s.add('ContactReceived', `c${i}`, d).add('ReferralAccepted', `c${i}`, d);
    }
    const events = s.events();
    const direct = project(events, opts('2024-01', 6));
    const batches = [events.slice(0, 7), events.slice(7, 7), events.slice(7, 60), events.slice(60)];
    const viaStore = await projectFromStore(from(batches), opts('2024-01', 6));
    expect(viaStore).toEqual(direct);
    await expect(projectFromStore(from([[events[10]], [events[0]]]), opts('2024-01', 6))).rejects.toThrow(/out of date order/);
  });
});
