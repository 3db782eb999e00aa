/**
 * The opening history: the opening stock's back-dated events (synthesised scripts, or imported
 * events) emitted in date order and folded into each child's state (the journeys then continue
 * from that state, see openingContinue.ts).
 */
import { workingDaysBetween } from '../calendar/index.ts';
import { addYearsFast as addYears } from '../calendar/civil.ts';
import type { CaseEvent, LeavingCareGroup } from '../events/index.ts';
import { leavingCareGroup, PLACEMENT_GROUPS, placementGroup } from '../events/codes/index.ts';
import { ASSESS_OUT, CONTACT_OUT, ENTRY_TO_GROUP, PLACE_CHANGE_CODES, S47_OUT } from './compile.ts';
import { ageBandIndex, EXIT_REASONS } from './parameterLists.ts';
import { choosePlacement, placeIndexOf, providerIndexOf } from './placementCodes.ts';
import { ChildIndex } from '../events/childIndex.ts';
import { HistoryError } from '../errors.ts';
import type { LeftCare, OpeningChild, RecentlyClosedChild } from './opening.ts';
import {
  CLOSURE_CODES,
  ETH_INDEX,
  F_DISABLED,
  F_KNOWN,
  F_UASC,
  GROUP_OF,
  L_C2,
  L_E1,
  L_V2,
  LEGAL_INDEX,
  N1,
  N8,
  NO_DAY,
  PROVIDERS,
  R_CP,
  R_DIRECT,
  R_UASC,
  RC,
  REC_CATS,
  REC_OPTIONS,
  ROUTE_NAMES,
  S_HISTORY,
  SEX_INDEX,
  SLOT_LIMIT,
  SOURCE_INDEX,
  SOURCE_OTHER,
} from './states.ts';
import { ageYears, parseDay, plus1, plus18 } from './dayCache.ts';
import {
  H_ASSESS,
  H_AWAIT_CP,
  H_AWAIT_ICPC,
  H_CARE,
  H_CIN,
  H_CLOSED,
  H_CONTACT,
  H_CP,
  H_EPISODE,
  H_S47,
  HistoryTrack,
  OP_ASSESS_AUTH,
  OP_ASSESS_START,
  OP_CIN_END,
  OP_CIN_START,
  OP_CLOSE,
  OP_CONTACT,
  OP_CONTACT_REF,
  OP_CP_START,
  OP_EPISODE,
  OP_ICPC,
  OP_POC_START,
  OP_REFERRAL,
  OP_REG,
  OP_S47_END,
  OP_S47_START,
  OP_STRATEGY,
  CLOSE_ENDS_CP,
} from './historyTrack.ts';
import { PAST_PLAN_OPS, scriptPastCpPlan } from './openingCpHistory.ts';
import { JourneyTransitions } from './transitions.ts';

/** Exit reasons of children who left care before the start, by index (EXIT_REASONS, then ageing out). */
const LEFT_CARE_REASONS = [...EXIT_REASONS, 'age18'] as const;

/** OP_CLOSE argument flag: the op ends a period of care instead of closing the case. */
const CLOSE_ENDS_CARE = 512;

/** The model's exit reason (return home, SGO, CAO) of a leaving-care group that can break down into a re-entry. */
const REENTRY_REASON_OF_GROUP: Partial<Record<LeavingCareGroup, number>> = { return_home: 0, relatives_no_pr: 0, sgo: 1, cao: 2 };

export abstract class HistoryReplay extends JourneyTransitions {
  // ------------------------------------------------------------------------------------------
  // opening history

  protected track = new HistoryTrack();

  /** Updates the history bookkeeping of slot `c` with one of its events. */
  protected fold(c: number, e: CaseEvent, day: number, imported: boolean): void {
    const t = this.track;
    t.lastActivity[c] = day;
    switch (e.type) {
      case 'ChildRegistered': {
        if (!imported) break; // a synthesised child's details are already in place
        const dob = parseDay(e.dateOfBirth, () => `history: ${e.childId} ChildRegistered.dateOfBirth`);
        this.dob[c] = dob;
        this.b18[c] = addYears(dob, 18);
        this.sex[c] = SEX_INDEX.get(e.sex) ?? 2;
        this.eth[c] = ETH_INDEX.get(e.ethnicity) ?? ETH_INDEX.get('NOBT')!;
        this.flags[c] = (this.flags[c] & F_KNOWN) | (e.uasc ? F_UASC : 0) | (e.disability ? F_DISABLED : 0);
        break;
      }
      case 'ContactReceived':
        t.flags[c] |= H_CONTACT;
        this.src[c] = SOURCE_INDEX.get(e.source) ?? SOURCE_OTHER;
        break;
      case 'ContactConcluded':
        t.flags[c] &= ~H_CONTACT;
        break;
      case 'ReferralAccepted':
        this.lastRef[c] = day;
        if (imported && this.refs[c] < 65535) this.refs[c]++;
        this.flags[c] |= F_KNOWN;
        t.flags[c] = (t.flags[c] | H_EPISODE) & ~H_CLOSED;
        t.episodeSince[c] = day;
        this.src[c] = SOURCE_INDEX.get(e.source) ?? SOURCE_OTHER;
        break;
      case 'AssessmentStarted':
        t.flags[c] |= H_ASSESS;
        t.assessSince[c] = day;
        break;
      case 'AssessmentAuthorised':
        t.flags[c] &= ~H_ASSESS;
        break;
      case 'StrategyDiscussionHeld':
        t.strategy[c] = day;
        this.strat[c] = day;
        break;
      case 'Section47Started':
        t.flags[c] |= H_S47;
        if (t.strategy[c] < t.episodeSince[c]) t.strategy[c] = day;
        break;
      case 'Section47Concluded':
        t.flags[c] &= ~H_S47;
        if (e.outcome === 'icpc') t.flags[c] |= H_AWAIT_ICPC;
        break;
      case 'IcpcHeld':
        t.flags[c] &= ~H_AWAIT_ICPC;
        if (e.resultedInCpPlan) t.flags[c] |= H_AWAIT_CP;
        break;
      case 'CinPlanStarted':
        t.flags[c] |= H_CIN;
        t.cinSince[c] = day;
        break;
      case 'CinPlanEnded':
        t.flags[c] &= ~H_CIN;
        break;
      case 'CpPlanStarted':
        t.flags[c] = (t.flags[c] | H_CP) & ~H_AWAIT_CP;
        t.cpSince[c] = day;
        this.cpPlans[c] = Math.min(255, Math.max(this.cpPlans[c], e.previousPlans) + 1);
        break;
      case 'CpPlanEnded':
        t.flags[c] &= ~H_CP;
        break;
      case 'PeriodOfCareStarted':
        t.flags[c] |= H_CARE;
        t.careSince[c] = day;
        this.route[c] = e.route ? ROUTE_NAMES.indexOf(e.route) : this.flags[c] & F_UASC ? R_UASC : R_DIRECT;
        this.setEpisode(c, e.legalStatus, e.placement, e.provider);
        break;
      case 'EpisodeChanged':
        this.setEpisode(c, e.legalStatus, e.placement, e.provider);
        break;
      case 'PeriodOfCareEnded': {
        t.flags[c] &= ~H_CARE;
        // a real exit by return home, SGO or CAO can break down into a re-entry (an import repair's end is no exit)
        const reason = e.repair === undefined && day < this.b18[c] ? REENTRY_REASON_OF_GROUP[leavingCareGroup(e.rec)] : undefined;
        if (reason !== undefined) {
          t.careLeft[c] = day;
          t.careLeftReason[c] = reason;
        } else t.careLeft[c] = NO_DAY;
        break;
      }
      case 'CaseClosed':
        t.flags[c] = (t.flags[c] & H_CONTACT) | H_CLOSED;
        t.closedOn[c] = day;
        t.closeReason[c] = CLOSURE_CODES.indexOf(e.reason);
        break;
    }
  }

  protected setEpisode(c: number, legal: string, place: string, provider: string): void {
    this.legal[c] = LEGAL_INDEX.get(legal) ?? L_V2;
    this.place[c] = placeIndexOf(place);
    this.prov[c] = providerIndexOf(provider);
    this.group[c] = PLACEMENT_GROUPS.indexOf(placementGroup(place, provider));
  }

  /** Compact backdated script for a synthesised opening child (emitted lazily in date order). */
  protected buildScript(c: number, ch: OpeningChild): void {
    const t = this.track;
    const rng = this.rng;
    const p = this.compiled[0];
    const dob = this.dob[c];
    const last = this.startDay - 1;
    const since = Math.min(last, Math.max(dob, ch.since));
    const activity = ch.state === 'cin' ? (ch.cinActivity ?? 'plan') : undefined;
    let refDay = Math.min(last, Math.max(dob, Math.min(ch.lastReferral ?? since, since)));
    if (ch.state === 'cp' || activity === 's47') refDay = Math.min(refDay, Math.min(last, Math.max(dob, since - 20)));
    const past = ch.pastCpPlan !== undefined && scriptPastCpPlan(t, ch.pastCpPlan, refDay, dob, (ch.previousCpPlans ?? 1) - 1, p.cpCategory.sample(rng));
    if (!past) t.op(refDay, OP_REG, 0);
    t.op(refDay, OP_CONTACT, 0);
    t.op(refDay, OP_CONTACT_REF, 0);
    t.op(refDay, OP_REFERRAL, 0);
    if (ch.state === 'cla') {
      const starts: number[] = [];
      for (const d of ch.placementStarts ?? []) {
        const day = Math.min(last, Math.max(dob, d));
        if (day >= since) starts.push(day);
      }
      starts.sort((a, b) => a - b);
      const route = ch.route ? ROUTE_NAMES.indexOf(ch.route) : ch.uasc ? R_UASC : R_DIRECT;
      const need = route === R_CP ? N1 : route === R_UASC ? N8 : p.careNeed.sample(rng);
      const legal = LEGAL_INDEX.get(ch.legalStatus ?? 'V2') ?? L_V2;
      const place = placeIndexOf(ch.placement ?? 'U6');
      const prov = providerIndexOf(ch.provider ?? 'PR1');
      const bandAtEntry = ageBandIndex(Math.max(0, ageYears(dob, since)));
      const moves = starts.filter((d) => d > since);
      const initialLegal = legal === L_E1 ? L_C2 : legal;
      let pack: number;
      if (moves.length === 0 && legal !== L_E1) pack = place | (prov << 8);
      else {
        const g = ENTRY_TO_GROUP[(route === R_UASC ? p.uascPlacement : p.placementAtEntry[bandAtEntry]).sample(rng)];
        pack = choosePlacement(g, since, rng);
      }
      t.op(since, OP_POC_START, pack | (initialLegal << 16) | (route << 24) | (need << 28));
      const placeChange = PLACE_CHANGE_CODES.indexOf('CARPL');
      for (let i = 0; i < moves.length; i++) {
        const lastMove = i === moves.length - 1;
        let mp: number;
        if (lastMove) mp = place | (prov << 8);
        else mp = choosePlacement(ENTRY_TO_GROUP[p.placementOnMove[ageBandIndex(Math.max(0, ageYears(dob, moves[i])))].sample(rng)], moves[i], rng);
        const rne = lastMove && legal !== initialLegal ? 2 : 1;
        const reason = lastMove && legal === L_E1 ? placeChange : p.changeReason.sample(rng);
        t.op(moves[i], OP_EPISODE, mp | ((lastMove ? legal : initialLegal) << 16) | (rne << 24) | (reason << 26));
      }
      if (moves.length === 0 && legal === L_E1) t.op(since, OP_EPISODE, place | (prov << 8) | (legal << 16) | (2 << 24) | (placeChange << 26));
    } else if (ch.state === 'cp') {
      const strategy = Math.max(refDay, this.workingDaysBefore(since, 10));
      t.op(refDay, OP_ASSESS_START, 0);
      t.op(strategy, OP_ASSESS_AUTH, ASSESS_OUT.s47);
      t.op(strategy, OP_STRATEGY, 0);
      t.op(strategy, OP_S47_START, 0);
      t.op(since, OP_S47_END, S47_OUT.icpc);
      t.op(since, OP_ICPC, 1);
      t.op(since, OP_CP_START, Math.min(255, ch.previousCpPlans ?? 0) | (p.cpCategory.sample(rng) << 8));
    } else if (activity === 'assessment') {
      t.op(since, OP_ASSESS_START, 0);
    } else if (activity === 's47') {
      t.op(refDay, OP_ASSESS_START, 0);
      t.op(since, OP_ASSESS_AUTH, ASSESS_OUT.s47);
      t.op(since, OP_STRATEGY, 0);
      t.op(since, OP_S47_START, 0);
    } else {
      t.op(refDay, OP_ASSESS_START, 0);
      t.op(since, OP_ASSESS_AUTH, ASSESS_OUT.cin);
      t.op(since, OP_CIN_START, p.cinNeed.sample(rng));
    }
  }

  protected buildClosedScript(c: number, ch: RecentlyClosedChild): void {
    if (ch.leftCare) return this.buildLeftCareScript(c, ch, ch.leftCare);
    const t = this.track;
    const p = this.compiled[0];
    const dob = this.dob[c];
    const last = this.startDay - 1;
    const closedOn = Math.min(last, Math.max(dob, ch.closedOn));
    const refDay = Math.min(closedOn, Math.max(dob, ch.lastReferral));
    const past = ch.pastCpPlan !== undefined && scriptPastCpPlan(t, ch.pastCpPlan, refDay, dob, 0, p.cpCategory.sample(this.rng));
    if (!past) t.op(refDay, OP_REG, 0);
    t.op(refDay, OP_CONTACT, 0);
    t.op(refDay, OP_CONTACT_REF, 0);
    t.op(refDay, OP_REFERRAL, 0);
    const reason = RC[ch.closureReason];
    if (ch.referralNfa) {
      t.op(closedOn, OP_CLOSE, reason | 256);
    } else {
      t.op(refDay, OP_ASSESS_START, 0);
      if (reason === RC.RC7) {
        const planStart = Math.min(closedOn, this.workingOnOrAfter(Math.min(closedOn, refDay + 30)));
        t.op(planStart, OP_ASSESS_AUTH, ASSESS_OUT.cin);
        t.op(planStart, OP_CIN_START, p.cinNeed.sample(this.rng));
        t.op(closedOn, OP_CIN_END, 0);
      } else t.op(closedOn, OP_ASSESS_AUTH, reason === RC.RC9 ? ASSESS_OUT.earlyHelp : ASSESS_OUT.nfa);
      t.op(closedOn, OP_CLOSE, reason);
    }
  }

  /** Script of a child who left care before the start (a possible re-entry or a care leaver): its period of care and, with the front door, the case around it. */
  protected buildLeftCareScript(c: number, ch: RecentlyClosedChild, lc: LeftCare): void {
    const t = this.track;
    const p = this.compiled[0];
    const dob = this.dob[c];
    const closedOn = Math.min(this.startDay - 1, Math.max(dob, ch.closedOn));
    const since = Math.min(closedOn, Math.max(dob, ch.lastReferral));
    const reason = LEFT_CARE_REASONS.indexOf(lc.reason);
    const given = lc.rec === undefined ? -1 : REC_OPTIONS[reason].findIndex((o) => o[0] === lc.rec);
    const rec = given >= 0 ? given : REC_CATS[reason].sample(this.rng);
    const route = ROUTE_NAMES.indexOf(lc.route);
    const need = route === R_CP ? N1 : route === R_UASC ? N8 : p.careNeed.sample(this.rng);
    const legal = LEGAL_INDEX.get(lc.legalStatus) ?? L_V2;
    t.op(since, OP_REG, 0);
    if (p.frontDoor) {
      t.op(since, OP_CONTACT, 0);
      t.op(since, OP_CONTACT_REF, 0);
      t.op(since, OP_REFERRAL, 0);
    }
    t.op(since, OP_POC_START, placeIndexOf(lc.placement) | (providerIndexOf(lc.provider) << 8) | (legal << 16) | (route << 24) | (need << 28));
    t.op(closedOn, OP_CLOSE, CLOSE_ENDS_CARE | (reason << 12) | rec);
    // the case closes as the REC says (RC7 for most; RC4 for an SGO, RC3 for a CAO …)
    if (p.frontDoor) t.op(closedOn, OP_CLOSE, REC_OPTIONS[reason][rec][2]);
  }

  /** The day `n` working days before `day` (n >= 1). */
  protected workingDaysBefore(day: number, n: number): number {
    let d = day - 1;
    while (workingDaysBetween(d, day) < n) d--;
    return d;
  }

  /**
   * Emits one script op of slot `c` and folds it. With a field sink the events go as numbers,
   * as simulated events do; the bookkeeping is folded from the op itself, not from an event.
   */
  protected runOp(c: number, day: number, op: number, arg: number): void {
    const t = this.track;
    t.lastActivity[c] = day;
    switch (op) {
      case OP_REG:
        this.eRegistered(c, day);
        break;
      case OP_CONTACT:
        this.eContact(c, day);
        t.flags[c] |= H_CONTACT;
        break;
      case OP_CONTACT_REF:
        this.eContactConcluded(c, day, CONTACT_OUT.referral);
        t.flags[c] &= ~H_CONTACT;
        break;
      case OP_REFERRAL:
        // a re-referral only after a back-dated past plan's episode
        this.eReferral(c, day, this.lastRef[c] !== NO_DAY && day <= plus1(this.lastRef[c]));
        this.lastRef[c] = day;
        this.flags[c] |= F_KNOWN;
        t.flags[c] = (t.flags[c] | H_EPISODE) & ~H_CLOSED;
        t.episodeSince[c] = day;
        break;
      case OP_ASSESS_START:
        this.eSimple(c, day, 'AssessmentStarted');
        t.flags[c] |= H_ASSESS;
        t.assessSince[c] = day;
        break;
      case OP_ASSESS_AUTH:
        this.eAuthorised(c, day, this.drawFactors(this.compiled[0], arg === ASSESS_OUT.nfa), arg);
        t.flags[c] &= ~H_ASSESS;
        break;
      case OP_STRATEGY:
        this.eSimple(c, day, 'StrategyDiscussionHeld');
        t.strategy[c] = day;
        this.strat[c] = day;
        break;
      case OP_S47_START:
        this.eSimple(c, day, 'Section47Started');
        t.flags[c] |= H_S47;
        if (t.strategy[c] < t.episodeSince[c]) t.strategy[c] = day;
        break;
      case OP_S47_END:
        this.eS47Concluded(c, day, arg);
        t.flags[c] &= ~H_S47;
        if (arg === S47_OUT.icpc) t.flags[c] |= H_AWAIT_ICPC;
        break;
      case OP_ICPC:
        this.eIcpc(c, day, arg === 1);
        t.flags[c] &= ~H_AWAIT_ICPC;
        if (arg === 1) t.flags[c] |= H_AWAIT_CP;
        break;
      case OP_CP_START: {
        const previous = arg & 0xff;
        this.eCpStarted(c, day, arg >> 8, previous);
        t.flags[c] = (t.flags[c] | H_CP) & ~H_AWAIT_CP;
        t.cpSince[c] = day;
        this.cpPlans[c] = Math.min(255, Math.max(this.cpPlans[c], previous) + 1);
        break;
      }
      case OP_CIN_START:
        this.eCinStarted(c, day, arg);
        t.flags[c] |= H_CIN;
        t.cinSince[c] = day;
        break;
      case OP_CIN_END:
        this.eSimple(c, day, 'CinPlanEnded');
        t.flags[c] &= ~H_CIN;
        break;
      case OP_POC_START:
        this.place[c] = arg & 0xff;
        this.prov[c] = (arg >>> 8) & 0xff;
        this.legal[c] = (arg >>> 16) & 0xff;
        this.route[c] = (arg >>> 24) & 0xf;
        this.group[c] = GROUP_OF[this.place[c] * PROVIDERS + this.prov[c]];
        this.ePocStarted(c, day, (arg >>> 28) & 0xf);
        t.flags[c] |= H_CARE;
        t.careSince[c] = day;
        break;
      case OP_EPISODE:
        this.place[c] = arg & 0xff;
        this.prov[c] = (arg >>> 8) & 0xff;
        this.legal[c] = (arg >>> 16) & 0xff;
        this.group[c] = GROUP_OF[this.place[c] * PROVIDERS + this.prov[c]];
        this.eEpisode(c, day, (arg >>> 24) & 3 ? (((arg >>> 24) & 3) === 2 ? 'T' : 'P') : 'L', (arg >>> 26) & 0xf);
        break;
      default:
        if (arg & CLOSE_ENDS_CP) {
          this.eSimple(c, day, 'CpPlanEnded');
          t.flags[c] &= ~H_CP;
          break;
        }
        if (arg & CLOSE_ENDS_CARE) {
          // the end of a period of care (exit reason in bits 12-14, REC index in its group below)
          const reason = (arg >>> 12) & 7;
          this.ePocEnded(c, day, REC_OPTIONS[reason][arg & 0xff][0]);
          t.flags[c] &= ~H_CARE;
          // a return home, SGO or CAO before the 18th birthday can break down into a re-entry
          if (reason < 3 && day < this.b18[c]) {
            t.careLeft[c] = day;
            t.careLeftReason[c] = reason;
          } else t.careLeft[c] = NO_DAY;
          break;
        }
        this.eClosed(c, day, arg & 0xff, (arg & 256) !== 0);
        t.flags[c] = (t.flags[c] & H_CONTACT) | H_CLOSED;
        t.closedOn[c] = day;
        t.closeReason[c] = arg & 0xff;
        break;
    }
  }

  /** Emits the opening history (synthesised scripts and/or imported events) in date order. */
  protected replayOpening(): number[] {
    this.inHistory = true;
    const slots = this.replayHistory();
    this.inHistory = false;
    return slots;
  }

  protected replayHistory(): number[] {
    const slots: number[] = [];
    const imported = this.opening!.history ?? [];
    // children in the history are continued from it; other opening children get scripts
    const importedIds = new Set<string>();
    for (const e of imported) importedIds.add(e.childId);
    if (importedIds.size > 0) this.avoidImportedIds(importedIds);
    // (the opening stock is dropped once its scripts are built)
    this.buildScripts(importedIds, slots);
    const sorted = this.scriptOrder();
    if (imported.length === 0) this.runScripts(sorted, 0, Infinity);
    else this.mergeImported(imported, sorted, slots);
    return slots;
  }

  /** Lengthens the prefix of generated ids until no imported id is that prefix and a number. */
  private avoidImportedIds(importedIds: ReadonlySet<string>): void {
    const taken = (prefix: string) => [...importedIds].some((id) => id.startsWith(prefix) && /^\d+$/.test(id.slice(prefix.length)));
    while (taken(this.idPrefix)) this.idPrefix = `${this.idPrefix}N`;
  }

  /**
   * The script ops in date order, each as three numbers in a row of `sorted` (day, slot * 16 +
   * op code, argument): a stable counting sort by day (a child's ops keep their order), so that
   * the replay reads them in order instead of jumping about three arrays. The track's own op
   * arrays are let go: the two copies together were the largest part of an England run's peak.
   */
  private scriptOrder(): Int32Array {
    const t = this.track;
    const nOps = t.ops;
    const opDay = t.opDay;
    const opWho = t.opWho;
    const opArg = t.opArg;
    let minDay = this.startDay;
    for (let i = 0; i < nOps; i++) if (opDay[i] < minDay) minDay = opDay[i];
    const counts = new Int32Array(this.startDay - minDay + 2);
    for (let i = 0; i < nOps; i++) counts[opDay[i] - minDay + 1]++;
    for (let i = 1; i < counts.length; i++) counts[i] += counts[i - 1];
    const sorted = new Int32Array(3 * nOps);
    for (let i = 0; i < nOps; i++) {
      const day = opDay[i];
      const at = 3 * counts[day - minDay]++;
      sorted[at] = day;
      sorted[at + 1] = opWho[i];
      sorted[at + 2] = opArg[i];
    }
    // the ops live on in `sorted` only, which the replay reads
    t.dropOps();
    return sorted;
  }

  /** Runs the script ops of `sorted` from row `from` while they are dated before `before`; returns the next row. */
  private runScripts(sorted: Int32Array, from: number, before: number): number {
    const end = sorted.length;
    let j = 3 * from;
    for (; j < end; j += 3) {
      const day = sorted[j];
      if (day >= before) break;
      const who = sorted[j + 1];
      const c = who >>> 4;
      this.rng.select(c);
      this.runOp(c, day, who & 15, sorted[j + 2]);
    }
    return j / 3;
  }

  /** Emits imported events and script ops merged in date order (an imported event first on a tie). */
  private mergeImported(imported: readonly CaseEvent[], sorted: Int32Array, slots: number[]): void {
    const idToSlot = new Map<string, number>();
    // imported events, sorted by date (stable: a child's own events keep their order)
    const order = imported.map((e, i) => ({ e, i, d: parseDay(e.date, () => `history event ${i + 1} (${e.type} for ${e.childId})`) }));
    order.sort((a, b) => a.d - b.d || a.i - b.i);
    let j = 0;
    for (let k = 0; k < order.length; k++) {
      const { e, i, d } = order[k];
      // script ops strictly before the imported event's day come first
      j = this.runScripts(sorted, j, d);
      this.replayImported(e, i, d, idToSlot, slots);
    }
    this.runScripts(sorted, j, Infinity);
  }

  /** Emits and folds one imported history event (the `i`-th, dated day `d`). */
  private replayImported(e: CaseEvent, i: number, d: number, idToSlot: Map<string, number>, slots: number[]): void {
    if (d >= this.startDay) throw new HistoryError(`history event ${i + 1} (${e.type} for ${e.childId} on ${e.date}) is not before the start month ${this.startMonth}`);
    let c = idToSlot.get(e.childId);
    if (c === undefined) {
      if (e.type !== 'ChildRegistered') throw new HistoryError(`history event ${i + 1} (${e.type} for ${e.childId} on ${e.date}): the child's first event must be ChildRegistered`);
      c = this.alloc(e.childId);
      this.track.ensure(c + 1);
      idToSlot.set(e.childId, c);
      slots.push(c);
      this.state[c] = S_HISTORY;
    }
    if (e.version !== this.ver[c] + 1) throw new HistoryError(`history event ${i + 1} (${e.type} for ${e.childId} on ${e.date}): version ${e.version}, expected ${this.ver[c] + 1}`);
    this.ver[c] = e.version;
    this.events++;
    if (this.fs !== undefined) this.fs.applyEvent(e, this.serialOf[c]);
    else this.sink(e);
    this.fold(c, e, d, true);
  }

  /**
   * Gives every synthesised opening child (open, then recently closed) a slot and its backdated
   * script, skipping ids that have imported history or were given before.
   */
  protected buildScripts(importedIds: ReadonlySet<string>, slots: number[]): void {
    const { children, history, recentlyClosed } = this.opening!;
    // the opening stock is not needed once its scripts are built: let it go
    this.opening = undefined;
    const closedList = history ? [] : (recentlyClosed ?? []);
    const t = this.track;
    // room for every opening child at once, and for the longest script each can have
    const nOpening = children.length + closedList.length;
    if (this.used + nOpening > this.cap) this.grow(this.used + nOpening);
    if (this.used + nOpening >= SLOT_LIMIT) throw new RangeError(`too many children for one run (${this.used + nOpening}; at most ${SLOT_LIMIT - 1})`);
    t.ensure(this.used + nOpening);
    let maxOps = 9 * closedList.length;
    for (const ch of closedList) if (ch.pastCpPlan) maxOps += PAST_PLAN_OPS;
    for (const ch of children) maxOps += 11 + (ch.placementStarts?.length ?? 0) + (ch.pastCpPlan ? PAST_PLAN_OPS : 0);
    t.reserve(maxOps);
    // a scripted child's id given twice is taken once (the first time)
    const scriptedIds = new ChildIndex();
    for (const ch of children) this.addScripted(ch, false, importedIds, scriptedIds, slots);
    for (const ch of closedList) this.addScripted(ch, true, importedIds, scriptedIds, slots);
  }

  /** Gives one synthesised opening child a slot and its backdated script. */
  private addScripted(ch: OpeningChild | RecentlyClosedChild, closed: boolean, importedIds: ReadonlySet<string>, scriptedIds: ChildIndex, slots: number[]): void {
    if (importedIds.size > 0 && importedIds.has(ch.childId)) return;
    const before = scriptedIds.count;
    if (scriptedIds.get(ch.childId) <= before) return;
    const t = this.track;
    const c = this.alloc(ch.childId);
    t.ensure(c + 1);
    slots.push(c);
    this.dob[c] = ch.dateOfBirth;
    this.b18[c] = plus18(ch.dateOfBirth);
    this.sex[c] = SEX_INDEX.get(ch.sex) ?? 2;
    this.eth[c] = ETH_INDEX.get(ch.ethnicity) ?? ETH_INDEX.get('NOBT')!;
    this.flags[c] = (!closed && (ch as OpeningChild).uasc) || (closed && (ch as RecentlyClosedChild).leftCare?.route === 'uasc') ? F_UASC : 0;
    this.state[c] = S_HISTORY;
    t.building = c;
    if (closed) this.buildClosedScript(c, ch as RecentlyClosedChild);
    else this.buildScript(c, ch as OpeningChild);
  }
}
