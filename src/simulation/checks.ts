/**
 * Invariants of the engine's event streams, checked event by event: the stream order, versions,
 * and a strict journey state machine (what may be open when). The rules are those the engine
 * promises; a real imported history may be looser (see `continueOpening` in openingContinue.ts).
 *
 * Rules:
 * - events arrive in non-decreasing date order; each child's stream starts with ChildRegistered
 *   at version 1 and versions go up by 1; no event is dated before the date of birth;
 * - at most one contact is open; contacts come only for children with no open episode;
 * - a referral opens an episode of need and follows a ContactConcluded(referral) the same day;
 *   only one episode is open at a time; isRereferral is true exactly when the child's previous
 *   referral in the stream was within 12 months (up to the same date a year on);
 * - assessments and S47 enquiries open and close inside an episode, one at a time;
 * - an ICPC follows an S47 concluded with outcome icpc; a plan follows the same day if it
 *   resulted in one;
 * - CIN plan, CP plan and care are mutually exclusive and only inside an episode; previousPlans
 *   counts the child's earlier CP plans (at least those in the stream);
 * - episodes changes only in care; a case closes only with nothing open;
 * - a period of care ends by the 18th birthday (on it when the child is still looked after), and
 *   nothing starts on or after it.
 */
import { addYears, parseIsoDate } from '../calendar/index.ts';
import type { CaseEvent } from '../events/index.ts';

interface ChildState {
  version: number;
  dob: number;
  b18: number;
  lastDay: number;
  contact: boolean;
  lastContactOutcome: string;
  lastContactDay: number;
  episode: boolean;
  assessment: boolean;
  s47: boolean;
  awaitingIcpc: boolean;
  awaitingCp: number;
  cin: boolean;
  cp: boolean;
  care: boolean;
  cpPlansSeen: number;
  lastReferral: number;
}

export interface StreamViolation {
  readonly index: number;
  readonly childId: string;
  readonly type: string;
  readonly date: string;
  readonly rule: string;
}

export class StreamChecker {
  private readonly children = new Map<string, ChildState>();
  private lastDay = -Infinity;
  private index = 0;
  readonly violations: StreamViolation[] = [];
  /** Stop recording after this many violations. */
  constructor(private readonly maxViolations = 50) {}

  get count(): number {
    return this.index;
  }

  private fail(e: CaseEvent, rule: string): void {
    if (this.violations.length < this.maxViolations) this.violations.push({ index: this.index, childId: e.childId, type: e.type, date: e.date, rule });
  }

  add(e: CaseEvent): void {
    this.index++;
    const day = parseIsoDate(e.date);
    if (day < this.lastDay) this.fail(e, 'dates must not go backwards in the stream');
    this.lastDay = day;
    let s = this.children.get(e.childId);
    if (!s) {
      if (e.type !== 'ChildRegistered') {
        this.fail(e, 'first event of a child must be ChildRegistered');
        return;
      }
      const dob = parseIsoDate(e.dateOfBirth);
      s = {
        version: 0,
        dob,
        b18: addYears(dob, 18),
        lastDay: day,
        contact: false,
        lastContactOutcome: '',
        lastContactDay: -1,
        episode: false,
        assessment: false,
        s47: false,
        awaitingIcpc: false,
        awaitingCp: -1,
        cin: false,
        cp: false,
        care: false,
        cpPlansSeen: 0,
        lastReferral: -Infinity,
      };
      this.children.set(e.childId, s);
    } else if (e.type === 'ChildRegistered') this.fail(e, 'ChildRegistered twice');
    if (e.version !== s.version + 1) this.fail(e, `version ${e.version} after ${s.version}`);
    s.version = e.version;
    if (day < s.lastDay) this.fail(e, "dates must not go backwards in a child's stream");
    s.lastDay = day;
    if (day < s.dob) this.fail(e, 'event before the date of birth');
    if (s.awaitingCp >= 0 && e.type !== 'CpPlanStarted') this.fail(e, 'an ICPC that resulted in a plan must be followed by CpPlanStarted');
    const startsSomething = e.type === 'ContactReceived' || e.type === 'ReferralAccepted' || e.type === 'AssessmentStarted' || e.type === 'Section47Started' || e.type === 'CinPlanStarted' || e.type === 'CpPlanStarted' || e.type === 'PeriodOfCareStarted';
    if (startsSomething && day >= s.b18) this.fail(e, 'nothing starts on or after the 18th birthday');
    const nothingElseOpen = () => !s.contact && !s.assessment && !s.s47 && !s.awaitingIcpc && !s.cin && !s.cp && !s.care;
    switch (e.type) {
      case 'ChildRegistered':
        break;
      case 'ContactReceived':
        if (s.contact) this.fail(e, 'a contact is already open');
        if (s.episode) this.fail(e, 'contact for a child with an open episode');
        s.contact = true;
        break;
      case 'ContactConcluded':
        if (!s.contact) this.fail(e, 'no open contact');
        s.contact = false;
        s.lastContactOutcome = e.outcome;
        s.lastContactDay = day;
        break;
      case 'ReferralAccepted': {
        if (s.episode) this.fail(e, 'an episode is already open');
        if (s.lastContactOutcome !== 'referral' || s.lastContactDay !== day) this.fail(e, 'a referral must follow a contact concluded as referral on the same day');
        const expected = s.lastReferral > -Infinity && day <= addYears(s.lastReferral, 1);
        if (e.isRereferral !== expected) this.fail(e, `isRereferral ${e.isRereferral}, expected ${expected}`);
        s.lastReferral = day;
        s.lastContactOutcome = '';
        s.episode = true;
        break;
      }
      case 'AssessmentStarted':
        if (!s.episode) this.fail(e, 'assessment outside an episode');
        if (s.assessment) this.fail(e, 'an assessment is already open');
        s.assessment = true;
        break;
      case 'AssessmentAuthorised':
        if (!s.assessment) this.fail(e, 'no open assessment');
        s.assessment = false;
        break;
      case 'StrategyDiscussionHeld':
        if (!s.episode) this.fail(e, 'strategy discussion outside an episode');
        break;
      case 'Section47Started':
        if (!s.episode) this.fail(e, 'S47 outside an episode');
        if (s.s47) this.fail(e, 'an S47 is already open');
        s.s47 = true;
        break;
      case 'Section47Concluded':
        if (!s.s47) this.fail(e, 'no open S47');
        s.s47 = false;
        if (e.outcome === 'icpc') s.awaitingIcpc = true;
        break;
      case 'IcpcHeld':
        if (!s.awaitingIcpc) this.fail(e, 'ICPC without an S47 concluded for one');
        s.awaitingIcpc = false;
        if (e.resultedInCpPlan) s.awaitingCp = day;
        break;
      case 'CinPlanStarted':
        if (!s.episode) this.fail(e, 'CIN plan outside an episode');
        if (s.cin || s.cp || s.care) this.fail(e, 'CIN plan while on a plan or in care');
        s.cin = true;
        break;
      case 'CinPlanEnded':
        if (!s.cin) this.fail(e, 'no open CIN plan');
        s.cin = false;
        break;
      case 'CpPlanStarted':
        if (!s.episode) this.fail(e, 'CP plan outside an episode');
        if (s.cin || s.cp || s.care) this.fail(e, 'CP plan while on a plan or in care');
        if (s.awaitingCp >= 0 && s.awaitingCp !== day) this.fail(e, 'CP plan must start on the day of the ICPC');
        if (e.previousPlans < s.cpPlansSeen) this.fail(e, `previousPlans ${e.previousPlans} but ${s.cpPlansSeen} earlier plans in the stream`);
        s.cpPlansSeen = e.previousPlans + 1;
        s.awaitingCp = -1;
        s.cp = true;
        break;
      case 'CpPlanEnded':
        if (!s.cp) this.fail(e, 'no open CP plan');
        s.cp = false;
        break;
      case 'PeriodOfCareStarted':
        if (!s.episode) this.fail(e, 'care outside an episode');
        if (s.cin || s.cp || s.care) this.fail(e, 'entering care while on a plan or in care');
        s.care = true;
        break;
      case 'EpisodeChanged':
        if (!s.care) this.fail(e, 'episode change while not looked after');
        if (day > s.b18) this.fail(e, 'episode change after the 18th birthday');
        break;
      case 'PeriodOfCareEnded':
        if (!s.care) this.fail(e, 'not looked after');
        if (day > s.b18) this.fail(e, 'period of care ended after the 18th birthday');
        s.care = false;
        break;
      case 'CaseClosed':
        if (!s.episode) this.fail(e, 'closing without an open episode');
        if (!nothingElseOpen()) this.fail(e, 'closing with something still open');
        s.episode = false;
        break;
    }
  }

  /** Children still looked after although their 18th birthday is on or before `lastDay`. */
  overdueCare(lastDay: number): string[] {
    const out: string[] = [];
    for (const [id, s] of this.children) if (s.care && s.b18 <= lastDay) out.push(id);
    return out;
  }
}
