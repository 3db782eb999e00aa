/**
 * The scope of a scenario: which parts of the case flow it simulates. A history covers only part
 * of the flow (an SSDA903 history: children looked after; a CIN census: referrals to CP plans), and
 * a projection from it must not run the parts the history says nothing about as if they were
 * known. `scoped(p)` turns every flow into a part outside the scope off:
 *
 * - front door off: no first contacts, no re-contacts of closed children, no open assessments or
 *   recent closures in the opening stock; children entering care arrive with no episode of need;
 * - cin off: no CIN plans (after an assessment, an S47, an ICPC without a plan, a CP plan or a
 *   return home), none in the opening stock;
 * - cp off: no S47 enquiries (so no ICPCs and CP plans), none in the opening stock;
 * - care off: no entries to care (from plans, direct or UASC), no children looked after at the start.
 *
 * A part whose feeding parts are out of scope is fed by its own arrival process only: care by the
 * direct entries and UASC arrivals (fitted from the history's real new periods of care).
 */
import { FLOW_PARTS } from './parameterLists.ts';
import type { FlowPart, Parameters } from './parameters.ts';

type Trend = NonNullable<Parameters['care']['directEntryTrend']>;

export function scopeOf(p: Parameters): ReadonlySet<FlowPart> {
  return new Set(p.scope ?? FLOW_PARTS);
}

/** True when the scenario simulates every part of the flow. */
export function isFullScope(p: Parameters): boolean {
  return p.scope === undefined || FLOW_PARTS.every((part) => p.scope!.includes(part));
}

const cache = new WeakMap<Parameters, Parameters>();

/** The parameters with every flow into a part outside the scope turned off (the same object when the scope is full). */
export function scoped(p: Parameters): Parameters {
  if (isFullScope(p)) return p;
  const hit = cache.get(p);
  if (hit) return hit;
  const s = scopeOf(p);
  const q = structuredClone(p) as { -readonly [K in keyof Parameters]: Parameters[K] };
  if (!s.has('front_door')) {
    q.contacts.perMonthPer10k = 0;
    q.recontact.cumulative = q.recontact.cumulative.map(([t]) => [t, 0] as [number, number]);
    q.opening.openAssessmentsPer10k = 0;
    q.opening.closuresPerMonthPer10k = 0;
  }
  if (!s.has('cin')) {
    q.assessment.outcomes.cin = 0;
    q.s47.outcomes.cin = 0;
    q.icpc.cinIfNoPlanProbability = 0;
    q.cp.outcomes.cin = 0;
    q.care.returnHomeCinPlanProbability = 0;
    q.opening.cinPlansPer10k = 0;
  }
  if (!s.has('cp')) {
    q.assessment.outcomes.s47 = 0;
    q.cin.outcomes.s47 = 0;
    q.afterCpPlan.s47Probability = 0;
    q.opening.cpPer10k = 0;
    q.opening.openS47Per10k = 0;
    delete q.opening.cpHistory;
  }
  if (!s.has('care')) {
    q.cp.outcomes.care = 0;
    q.cin.outcomes.care = 0;
    q.care.directEntriesPerMonthPer10k = 0;
    q.uasc.arrivalsPerMonthPer10k = 0;
    delete q.uasc.nationalTransferScheme;
    q.opening.claPer10k = 0;
    q.opening.uascPer10k = 0;
  }
  cache.set(p, q);
  return q;
}

/**
 * Multiplier of an arrival rate in month `m` of the run (0 = the first month): 1 + perYear/12 × h,
 * h = m (linear) or damping + damping² + … + damping^m (damped); never below 0.
 */
export function trendFactor(trend: Trend | undefined, m: number): number {
  if (!trend || trend.kind === 'none' || m <= 0) return 1;
  const phi = trend.damping;
  const h = trend.kind === 'linear' || phi >= 1 ? m : (phi * (1 - Math.pow(phi, m))) / (1 - phi);
  return Math.max(0, 1 + (trend.perYear / 12) * h);
}

/** The part of the flow a parameter path acts in (undefined: every part, e.g. population and costs). */
export function partOfParameter(path: string): FlowPart | undefined {
  const top = path.split('.')[0];
  switch (top) {
    case 'children':
    case 'contacts':
    case 'recontact':
    case 'referrals':
    case 'assessment':
      return 'front_door';
    case 'cin':
      return 'cin';
    case 's47':
    case 'icpc':
    case 'cp':
    case 'afterCpPlan':
      return 'cp';
    case 'care':
    case 'careLeavers':
    case 'uasc':
    case 'placement':
      return 'care';
    case 'opening': {
      const leaf = path.split('.')[1] ?? '';
      if (/^(cla|uasc)/.test(leaf)) return 'care';
      if (/^cp|S47/.test(leaf)) return 'cp';
      if (/^cin/.test(leaf)) return 'cin';
      return 'front_door';
    }
    default:
      return undefined;
  }
}
