/** The event emitters: one plain event object each, or a few numbers to the field sink (see src/events/fields.ts). */
import type { CaseEvent } from '../events/index.ts';
import { SCHEMA_VERSION } from '../events/eventTypes.ts';
import { CP_CATEGORY_CODES, ETHNICITY_CODES, LEGAL_CODES, NEED_CODES, PLACE_CHANGE_CODES, SEX_CODES, SOURCE_CODES } from './compile.ts';
import { PLACE_CODES, PROVIDER_CODES } from './placementCodes.ts';
import {
  leavingGroupIndex,
  T_ASSESSMENT_AUTHORISED,
  T_CARE_ENDED,
  T_CARE_STARTED,
  T_CASE_CLOSED,
  T_CHILD_REGISTERED,
  T_CIN_PLAN_STARTED,
  T_CONTACT_CONCLUDED,
  T_CONTACT_RECEIVED,
  T_CP_PLAN_STARTED,
  T_EPISODE_CHANGED,
  T_ICPC_HELD,
  T_REFERRAL_ACCEPTED,
  T_S47_CONCLUDED,
} from '../events/fields.ts';
import {
  ASSESS_FIELD,
  ASSESS_OUTCOME_NAMES,
  CLOSURE_CODES,
  CONTACT_OUTCOME_NAMES,
  F_DISABLED,
  F_UASC,
  type Factors,
  GROUP_OF,
  PROVIDERS,
  R_UASC,
  type Rec,
  ROUTE_NAMES,
  S47_OUTCOME_NAMES,
  SIMPLE_CODES,
} from './states.ts';
import { iso } from './dayCache.ts';
import { ChildTable } from './childTable.ts';

export abstract class Emitters extends ChildTable {
  // ------------------------------------------------------------------------------------------
  // events: one plain object each, or a few numbers to the field sink

  /** One event as an object to the sink (only when events do not go to a field sink: see `asFields`). */
  protected out<E extends CaseEvent>(e: E): E {
    this.events++;
    this.sink(e);
    return e;
  }

  /** True when events go to the field sink as numbers (no event object is built). */
  protected get asFields(): boolean {
    return this.fs !== undefined;
  }

  /** One event to the field sink (see src/events/fields.ts). */
  protected fields(c: number, type: number, day: number, a: number, b: number): undefined {
    this.events++;
    ++this.ver[c];
    this.fs!.applyFields(type, this.serialOf[c], day, a, b);
    return undefined;
  }

  protected eRegistered(c: number, day: number) {
    const f = this.flags[c];
    if (this.asFields) return this.fields(c, T_CHILD_REGISTERED, day, this.b18[c], (f & F_UASC) !== 0 ? 1 : 0);
    return this.out({
      type: 'ChildRegistered',
      childId: this.ids[c],
      date: iso(day),
      version: ++this.ver[c],
      schema: SCHEMA_VERSION,
      dateOfBirth: iso(this.dob[c]),
      sex: SEX_CODES[this.sex[c]],
      ethnicity: ETHNICITY_CODES[this.eth[c]],
      disability: (f & F_DISABLED) !== 0,
      uasc: (f & F_UASC) !== 0,
    });
  }

  protected eContact(c: number, day: number) {
    if (this.asFields) return this.fields(c, T_CONTACT_RECEIVED, day, 0, 0);
    return this.out({ type: 'ContactReceived', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, source: SOURCE_CODES[this.src[c]] });
  }

  protected eContactConcluded(c: number, day: number, outcome: number) {
    if (this.asFields) return this.fields(c, T_CONTACT_CONCLUDED, day, outcome, 0);
    return this.out({ type: 'ContactConcluded', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, outcome: CONTACT_OUTCOME_NAMES[outcome] });
  }

  protected eReferral(c: number, day: number, isRereferral: boolean) {
    const n = ++this.refs[c];
    if (this.asFields) return this.fields(c, T_REFERRAL_ACCEPTED, day, isRereferral ? 1 : 0, 0);
    return this.out({
      type: 'ReferralAccepted',
      childId: this.ids[c],
      date: iso(day),
      version: ++this.ver[c],
      schema: SCHEMA_VERSION,
      referralId: `${this.ids[c]}-R${n}`,
      source: SOURCE_CODES[this.src[c]],
      isRereferral,
    });
  }

  protected eSimple(c: number, day: number, type: 'AssessmentStarted' | 'StrategyDiscussionHeld' | 'Section47Started' | 'CinPlanEnded' | 'CpPlanEnded') {
    if (this.asFields) return this.fields(c, SIMPLE_CODES[type], day, 0, 0);
    return this.out({ type, childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION });
  }

  protected eAuthorised(c: number, day: number, factors: Factors, outcome: number) {
    if (this.asFields) return this.fields(c, T_ASSESSMENT_AUTHORISED, day, ASSESS_FIELD[outcome], 0);
    return this.out({ type: 'AssessmentAuthorised', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, factors, outcome: ASSESS_OUTCOME_NAMES[outcome] });
  }

  protected eS47Concluded(c: number, day: number, outcome: number) {
    if (this.asFields) return this.fields(c, T_S47_CONCLUDED, day, 0, 0);
    return this.out({ type: 'Section47Concluded', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, outcome: S47_OUTCOME_NAMES[outcome] });
  }

  protected eIcpc(c: number, day: number, resulted: boolean) {
    if (this.asFields) return this.fields(c, T_ICPC_HELD, day, 0, 0);
    return this.out({ type: 'IcpcHeld', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, resultedInCpPlan: resulted });
  }

  protected eCinStarted(c: number, day: number, need: number) {
    if (this.asFields) return this.fields(c, T_CIN_PLAN_STARTED, day, 0, 0);
    return this.out({ type: 'CinPlanStarted', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, needCode: NEED_CODES[need] });
  }

  protected eCpStarted(c: number, day: number, category: number, previous: number) {
    if (this.asFields) return this.fields(c, T_CP_PLAN_STARTED, day, previous, 0);
    return this.out({ type: 'CpPlanStarted', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, category: CP_CATEGORY_CODES[category], previousPlans: previous });
  }

  protected ePocStarted(c: number, day: number, need: number) {
    if (this.asFields) return this.fields(c, T_CARE_STARTED, day, GROUP_OF[this.place[c] * PROVIDERS + this.prov[c]], this.route[c] === R_UASC ? 1 : 0);
    return this.out({
      type: 'PeriodOfCareStarted',
      childId: this.ids[c],
      date: iso(day),
      version: ++this.ver[c],
      schema: SCHEMA_VERSION,
      legalStatus: LEGAL_CODES[this.legal[c]],
      placement: PLACE_CODES[this.place[c]],
      provider: PROVIDER_CODES[this.prov[c]],
      needCode: NEED_CODES[need],
      route: ROUTE_NAMES[this.route[c]],
    });
  }

  protected eEpisode(c: number, day: number, rne: 'L' | 'P' | 'T', reason: number) {
    if (this.asFields) return this.fields(c, T_EPISODE_CHANGED, day, GROUP_OF[this.place[c] * PROVIDERS + this.prov[c]], rne === 'L' ? 0 : 1);
    const e: Extract<CaseEvent, { type: 'EpisodeChanged' }> = {
      type: 'EpisodeChanged',
      childId: this.ids[c],
      date: iso(day),
      version: ++this.ver[c],
      schema: SCHEMA_VERSION,
      rne,
      legalStatus: LEGAL_CODES[this.legal[c]],
      placement: PLACE_CODES[this.place[c]],
      provider: PROVIDER_CODES[this.prov[c]],
    };
    // a change of placement carries its reason (the last key, as in the schema)
    if (rne !== 'L') e.reasonPlaceChange = PLACE_CHANGE_CODES[reason];
    return this.out(e);
  }

  protected ePocEnded(c: number, day: number, rec: Rec) {
    if (this.asFields) return this.fields(c, T_CARE_ENDED, day, leavingGroupIndex(rec), 0);
    return this.out({ type: 'PeriodOfCareEnded', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, rec });
  }

  protected eClosed(c: number, day: number, reason: number, referralNfa: boolean) {
    if (this.asFields) return this.fields(c, T_CASE_CLOSED, day, referralNfa ? 1 : 0, 0);
    if (referralNfa) {
      return this.out({ type: 'CaseClosed', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, reason: CLOSURE_CODES[reason], referralNfa: true });
    }
    return this.out({ type: 'CaseClosed', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, reason: CLOSURE_CODES[reason] });
  }
}
