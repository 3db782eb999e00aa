/**
 * Opening stock from real data: the children open to children's social care at a date, read from
 * an imported event history. A child is open when, after every event dated on or before `asAt`,
 * it is looked after (`cla`), on a CP plan (`cp`), or on a CIN plan or in an open episode of need
 * (`cin`), in that order of precedence. For `cin`, `cinActivity` says what is open: an S47
 * enquiry (`s47`), else a CIN plan (`plan`), else an assessment or a referral awaiting one
 * (`assessment`, since the assessment start or the referral). Children whose case closed with
 * RC7–RC9 and whose latest referral was in the 12 months before `asAt` are `recentlyClosed`.
 */
import { addYears, parseIsoDate, tryParseIsoDate } from '../calendar/index.ts';
import type { CaseEvent } from '../events/index.ts';
import type { OpeningChild, OpeningStock, RecentlyClosedChild } from '../simulation/opening.ts';
import { compareGlobal } from './assemble.ts';

const PLACEMENT_RNE: ReadonlySet<string> = new Set(['P', 'T', 'B', 'U']);

interface Fold {
  dob: number;
  sex: 'M' | 'F' | 'U';
  ethnicity: string;
  uasc: boolean;
  registered: boolean;
  caseOpen: boolean;
  referral: number;
  lastReferral: number | undefined;
  cinPlanSince: number | undefined;
  assessmentSince: number | undefined;
  s47Since: number | undefined;
  closedOn: number | undefined;
  closureReason: string;
  referralNfa: boolean;
  route: 'cp' | 'cin' | 'direct' | 'uasc' | undefined;
  cpSince: number | undefined;
  cpPrevious: number;
  careSince: number | undefined;
  legalStatus: string;
  placement: string;
  provider: string;
  /** Placement start days in the current period of care. */
  placementStarts: number[];
}

/**
 * The children open at `asAt` (YYYY-MM-DD) with their state, and `history`: their events dated on
 * or before `asAt`, in global order (date, child, version). `placementStarts` holds the starts of
 * placements in the 12 months up to `asAt` within the current period of care, and always the
 * start of the current placement. Throws RangeError for an invalid date.
 */
export function openingFromEvents(events: Iterable<CaseEvent>, asAt: string): OpeningStock {
  const at = tryParseIsoDate(asAt);
  if (at === undefined) throw new RangeError(`as-at date must be YYYY-MM-DD (got "${asAt}")`);
  const yearAgo = addYears(at, -1);
  const byChild = new Map<string, CaseEvent[]>();
  for (const e of events) {
    if (e.date > asAt) continue;
    let l = byChild.get(e.childId);
    if (!l) byChild.set(e.childId, (l = []));
    l.push(e);
  }
  const children: OpeningChild[] = [];
  const recentlyClosed: RecentlyClosedChild[] = [];
  const history: CaseEvent[] = [];
  for (const id of [...byChild.keys()].sort()) {
    const evs = byChild.get(id)!.sort((a, b) => a.version - b.version);
    const f: Fold = {
      dob: 0,
      sex: 'U',
      ethnicity: '',
      uasc: false,
      registered: false,
      caseOpen: false,
      referral: 0,
      lastReferral: undefined,
      cinPlanSince: undefined,
      assessmentSince: undefined,
      s47Since: undefined,
      closedOn: undefined,
      closureReason: '',
      referralNfa: false,
      route: undefined,
      cpSince: undefined,
      cpPrevious: 0,
      careSince: undefined,
      legalStatus: '',
      placement: '',
      provider: '',
      placementStarts: [],
    };
    for (const e of evs) apply(f, e);
    if (!f.registered) continue;
    let child: OpeningChild | undefined;
    const common = { childId: id, dateOfBirth: f.dob, sex: f.sex, ethnicity: f.ethnicity, uasc: f.uasc, ...(f.lastReferral !== undefined ? { lastReferral: f.lastReferral } : {}) };
    if (f.careSince !== undefined) {
      const current = f.placementStarts[f.placementStarts.length - 1];
      const starts = f.placementStarts.filter((d) => d > yearAgo || d === current);
      child = {
        ...common,
        state: 'cla',
        since: f.careSince,
        legalStatus: f.legalStatus,
        placement: f.placement,
        provider: f.provider,
        placementStarts: starts,
        ...(f.route !== undefined ? { route: f.route } : {}),
        ...(f.cpSince !== undefined ? { previousCpPlans: f.cpPrevious } : {}),
      };
    } else if (f.cpSince !== undefined) {
      child = { ...common, state: 'cp', since: f.cpSince, previousCpPlans: f.cpPrevious };
    } else if (f.s47Since !== undefined && f.caseOpen) {
      child = { ...common, state: 'cin', since: f.s47Since, cinActivity: 's47' };
    } else if (f.cinPlanSince !== undefined) {
      child = { ...common, state: 'cin', since: f.cinPlanSince, cinActivity: 'plan' };
    } else if (f.caseOpen) {
      // an assessment in progress, or a referral not yet (or no longer) in any activity
      child = { ...common, state: 'cin', since: f.assessmentSince ?? f.referral, cinActivity: 'assessment' };
    }
    if (!child) {
      if (f.closedOn !== undefined && f.lastReferral !== undefined && f.lastReferral > yearAgo && (f.closureReason === 'RC7' || f.closureReason === 'RC8' || f.closureReason === 'RC9')) {
        recentlyClosed.push({
          childId: id,
          dateOfBirth: f.dob,
          sex: f.sex,
          ethnicity: f.ethnicity,
          lastReferral: f.lastReferral,
          closedOn: f.closedOn,
          closureReason: f.closureReason,
          ...(f.referralNfa ? { referralNfa: true } : {}),
        });
      }
      continue;
    }
    children.push(child);
    for (const e of evs) history.push(e);
  }
  history.sort(compareGlobal);
  return { children, history, recentlyClosed };
}

function apply(f: Fold, e: CaseEvent): void {
  const day = parseIsoDate(e.date);
  switch (e.type) {
    case 'ChildRegistered':
      f.registered = true;
      f.dob = parseIsoDate(e.dateOfBirth);
      f.sex = e.sex;
      f.ethnicity = e.ethnicity;
      f.uasc = e.uasc;
      break;
    case 'ReferralAccepted':
      f.caseOpen = true;
      f.referral = day;
      f.lastReferral = day;
      f.closedOn = undefined;
      break;
    case 'CaseClosed':
      f.caseOpen = false;
      f.closedOn = day;
      f.closureReason = e.reason;
      f.referralNfa = e.referralNfa ?? false;
      f.assessmentSince = undefined;
      f.s47Since = undefined;
      break;
    case 'AssessmentStarted':
      f.assessmentSince = day;
      break;
    case 'AssessmentAuthorised':
      f.assessmentSince = undefined;
      break;
    case 'Section47Started':
      f.s47Since = day;
      break;
    case 'Section47Concluded':
      f.s47Since = undefined;
      break;
    case 'CinPlanStarted':
      f.cinPlanSince = day;
      break;
    case 'CinPlanEnded':
      f.cinPlanSince = undefined;
      break;
    case 'CpPlanStarted':
      f.cpSince = day;
      f.cpPrevious = e.previousPlans;
      break;
    case 'CpPlanEnded':
      f.cpSince = undefined;
      break;
    case 'PeriodOfCareStarted':
      f.careSince = day;
      f.route = e.route;
      f.legalStatus = e.legalStatus;
      f.placement = e.placement;
      f.provider = e.provider;
      f.placementStarts = [day];
      break;
    case 'EpisodeChanged': {
      const moved = PLACEMENT_RNE.has(e.rne) || e.placement !== f.placement || e.provider !== f.provider;
      f.legalStatus = e.legalStatus;
      f.placement = e.placement;
      f.provider = e.provider;
      if (moved) f.placementStarts.push(day);
      break;
    }
    case 'PeriodOfCareEnded':
      f.careSince = undefined;
      f.placementStarts = [];
      break;
    default:
      break;
  }
}
