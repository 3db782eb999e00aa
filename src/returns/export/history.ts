/** Per-child histories rebuilt from events, in the shapes the returns record. */
import type { CaseEvent, EventOf } from '../../events/index.ts';

export interface CareEpisode {
  readonly decom: string;
  dec: string | undefined;
  readonly rne: string;
  readonly ls: string;
  readonly cin: string;
  readonly place: string;
  readonly provider: string;
  rec: string | undefined;
  rpc: string | undefined;
  /** Index of the placement among the child's placements (for made-up placement details). */
  readonly placementIndex: number;
}

export interface CinItem {
  readonly start: string;
  end: string | undefined;
}

export interface CinEpisodeOut {
  readonly referral: string;
  readonly source: string;
  closure: string | undefined;
  reason: string | undefined;
  referralNfa: boolean;
  readonly assessments: (CinItem & { factors: string[] })[];
  readonly s47s: { start: string; icpc: string | undefined }[];
  readonly loneIcpcs: string[];
  readonly cinPlans: (CinItem & { need: string })[];
  readonly cpPlans: (CinItem & { category: string; previous: number })[];
  /** Need code of the periods of care that started during the episode (when no CIN plan gives one). */
  careNeed: string | undefined;
}

export interface ChildHistory {
  readonly registered: EventOf<'ChildRegistered'>;
  readonly care: CareEpisode[];
  /** Care leaver statuses (SSDA903 OC3), in date order. */
  readonly statuses: EventOf<'CareLeaverStatusRecorded'>[];
  readonly cin: CinEpisodeOut[];
  /** Events that the returns cannot carry, by type (contacts, plans outside an episode …). */
  readonly notRepresented: Map<string, number>;
}

/** Groups events by child, each child's events in version order. */
export function eventsByChild(events: Iterable<CaseEvent>): Map<string, CaseEvent[]> {
  const m = new Map<string, CaseEvent[]>();
  for (const e of events) {
    let l = m.get(e.childId);
    if (!l) m.set(e.childId, (l = []));
    l.push(e);
  }
  for (const l of m.values()) l.sort((a, b) => a.version - b.version);
  return m;
}

const PLACEMENT_RNE: ReadonlySet<string> = new Set(['P', 'T', 'B', 'U']);

/** A child's care episodes and CIN episodes; undefined when the child has no ChildRegistered. */
export function childHistory(events: readonly CaseEvent[]): ChildHistory | undefined {
  const first = events[0];
  if (!first || first.type !== 'ChildRegistered') return undefined;
  const care: CareEpisode[] = [];
  const statuses: EventOf<'CareLeaverStatusRecorded'>[] = [];
  const cin: CinEpisodeOut[] = [];
  const notRepresented = new Map<string, number>();
  const skip = (t: string): void => {
    notRepresented.set(t, (notRepresented.get(t) ?? 0) + 1);
  };
  let open: CareEpisode | undefined;
  let need = 'N0';
  let placements = 0;
  let ep: CinEpisodeOut | undefined;
  const discussions: string[] = [];
  const dropDiscussions = (): void => {
    for (let i = 0; i < discussions.length; i++) skip('StrategyDiscussionHeld');
    discussions.length = 0;
  };
  for (const e of events.slice(1)) {
    switch (e.type) {
      case 'PeriodOfCareStarted':
        need = e.needCode;
        open = { decom: e.date, dec: undefined, rne: 'S', ls: e.legalStatus, cin: need, place: e.placement, provider: e.provider, rec: undefined, rpc: undefined, placementIndex: placements++ };
        care.push(open);
        if (ep) ep.careNeed ??= e.needCode;
        break;
      case 'EpisodeChanged':
        if (!open) {
          skip(e.type);
          break;
        }
        open.dec = e.date;
        open.rec = 'X1';
        open.rpc = e.reasonPlaceChange;
        open = {
          decom: e.date,
          dec: undefined,
          rne: e.rne,
          ls: e.legalStatus,
          cin: need,
          place: e.placement,
          provider: e.provider,
          rec: undefined,
          rpc: undefined,
          placementIndex: PLACEMENT_RNE.has(e.rne) || e.placement !== open.place || e.provider !== open.provider ? placements++ : open.placementIndex,
        };
        care.push(open);
        break;
      case 'PeriodOfCareEnded':
        if (!open) {
          skip(e.type);
          break;
        }
        open.dec = e.date;
        open.rec = e.rec;
        open = undefined;
        break;
      case 'ReferralAccepted':
        ep = { referral: e.date, source: e.source, closure: undefined, reason: undefined, referralNfa: false, assessments: [], s47s: [], loneIcpcs: [], cinPlans: [], cpPlans: [], careNeed: undefined };
        cin.push(ep);
        break;
      case 'AssessmentStarted':
        if (ep) ep.assessments.push({ start: e.date, end: undefined, factors: [] });
        else skip(e.type);
        break;
      case 'AssessmentAuthorised': {
        const a = ep?.assessments.findLast((x) => x.end === undefined);
        if (a) {
          a.end = e.date;
          a.factors = [...e.factors];
        } else skip(e.type);
        break;
      }
      case 'Section47Started': {
        // S47ActualStartDate is the date of the strategy discussion that started the enquiry: the
        // latest discussion in the episode on or before the S47 (else the S47's own date); earlier
        // discussions that started no enquiry have no place in the census and are counted as skipped
        const sd = discussions.length > 0 ? discussions[discussions.length - 1] : undefined;
        const fromSd = sd !== undefined && (ep ? sd >= ep.referral : sd === e.date);
        if (fromSd) discussions.pop();
        dropDiscussions();
        if (ep) ep.s47s.push({ start: fromSd ? sd : e.date, icpc: undefined });
        else skip(e.type);
        break;
      }
      case 'IcpcHeld': {
        // a discussion before the conference belongs to the enquiry under way, not to a later one
        dropDiscussions();
        if (!ep) {
          skip(e.type);
          break;
        }
        const s = ep.s47s.findLast((x) => x.icpc === undefined && x.start <= e.date);
        if (s && !ep.s47s.some((x) => x.start > s.start && x.start <= e.date)) s.icpc = e.date;
        else if (ep.loneIcpcs.length === 0) ep.loneIcpcs.push(e.date);
        else skip(e.type);
        break;
      }
      case 'CinPlanStarted':
        if (ep) ep.cinPlans.push({ start: e.date, end: undefined, need: e.needCode });
        else skip(e.type);
        break;
      case 'CinPlanEnded': {
        const p = ep?.cinPlans.findLast((x) => x.end === undefined);
        if (p) p.end = e.date;
        else skip(e.type);
        break;
      }
      case 'CpPlanStarted':
        if (ep) ep.cpPlans.push({ start: e.date, end: undefined, category: e.category, previous: e.previousPlans });
        else skip(e.type);
        break;
      case 'CpPlanEnded': {
        const p = ep?.cpPlans.findLast((x) => x.end === undefined);
        if (p) p.end = e.date;
        else skip(e.type);
        break;
      }
      case 'CaseClosed':
        if (ep) {
          ep.closure = e.date;
          ep.reason = e.reason;
          ep.referralNfa = e.referralNfa ?? false;
          ep = undefined;
        } else skip(e.type);
        break;
      case 'StrategyDiscussionHeld':
        // the census has no strategy discussions: the S47 the discussion starts carries its date
        discussions.push(e.date);
        break;
      case 'Section47Concluded':
        // implied by the S47's ICPC or the next activity in the census
        break;
      case 'CareLeaverStatusRecorded':
        statuses.push(e);
        break;
      default:
        skip(e.type);
    }
  }
  dropDiscussions();
  return { registered: first, care, statuses, cin, notRepresented };
}
