/**
 * The fit targets: groups of parameters moved together by one factor, each informed by one
 * observed KPI series (see fit.ts for how they are fitted).
 */
import type { Draft } from 'immer';
import type { DurationSpec } from '../simulation/distributions.ts';
import type { Parameters } from '../simulation/parameters.ts';

type D = Draft<Parameters>;

/**
 * A fit target: parameters moved together by one factor, informed by one observed series.
 * Bounds keep weakly identified targets plausible: over a window of months a stock series moves
 * little with durations, so their factors are held within about ±50% of the base.
 */
export interface TargetDef {
  readonly id: string;
  readonly label: string;
  /** KPI ids whose observations inform the target, in order of preference. */
  readonly informants: readonly string[];
  /** For count informants: the upstream KPIs the moment is a ratio to (first observed wins). */
  readonly over?: readonly string[];
  /** Parameter paths the target moves (`*` for every key). */
  readonly paths: readonly string[];
  /** Multiplies the target's parameters by `f` (from the starting values). */
  readonly scale: (d: D, f: number) => void;
  /** Prior d ln(moment) / d ln(factor), used until two evaluations give a secant. */
  readonly elasticity: number;
  /** The same for an informant whose moment moves otherwise. */
  readonly elasticityBy?: Readonly<Record<string, number>>;
  readonly bounds: readonly [number, number];
}

function capOutcome(o: Record<string, number>, key: string, v: number): void {
  let others = 0;
  for (const [k, x] of Object.entries(o)) if (k !== key) others += x;
  o[key] = Math.max(0, Math.min(v, 1 - others - 1e-6));
}

function scaleOutcome(o: Record<string, number>, key: string, f: number): void {
  capOutcome(o, key, o[key] * f);
}

function scaleDuration(spec: Draft<DurationSpec>, f: number): void {
  if (spec.dist === 'empirical') for (const pt of spec.points) pt[0] *= f;
  else (spec as { mean: number }).mean *= f;
}

const BANDS = ['under1', '1-4', '5-9', '10-15', '16-17'] as const;

/** A reason for leaving care, scaled in every age band, informed by its share of all exits. */
function exitReasonTarget(id: string, reason: 'adoption' | 'sgo' | 'returnHome', label: string, informant: string): TargetDef {
  return {
    id,
    label,
    informants: [informant],
    over: ['cla_ends'],
    paths: [`care.exitReasons.*.${reason}`],
    scale: (d, f) => {
      for (const b of BANDS) scaleOutcome(d.care.exitReasons[b], reason, f);
    },
    elasticity: 0.9,
    bounds: [0.1, 10],
  };
}

export const FIT_TARGETS: readonly TargetDef[] = [
  {
    id: 'contact_volume',
    label: 'first contacts a month',
    informants: ['contacts'],
    paths: ['contacts.perMonthPer10k'],
    scale: (d, f) => void (d.contacts.perMonthPer10k *= f),
    elasticity: 1,
    bounds: [0.2, 5],
  },
  {
    id: 'contact_to_referral',
    label: 'contacts becoming referrals',
    informants: ['referrals', 'referral_rate', 'contact_conversion_pct'],
    over: ['contacts'],
    paths: ['contacts.outcomes.referral', 'recontact.outcomes.referral'],
    scale: (d, f) => {
      scaleOutcome(d.contacts.outcomes, 'referral', f);
      scaleOutcome(d.recontact.outcomes, 'referral', f);
    },
    elasticity: 1,
    bounds: [0.2, 5],
  },
  {
    id: 'contact_to_early_help',
    label: 'contacts stepped to early help',
    informants: ['early_help_referrals'],
    over: ['contacts'],
    paths: ['contacts.outcomes.earlyHelp', 'recontact.outcomes.earlyHelp'],
    scale: (d, f) => {
      scaleOutcome(d.contacts.outcomes, 'earlyHelp', f);
      scaleOutcome(d.recontact.outcomes, 'earlyHelp', f);
    },
    elasticity: 0.8,
    bounds: [0.1, 10],
  },
  {
    id: 'recontact',
    label: 're-contact after closure (re-referrals)',
    informants: ['rereferral_pct'],
    paths: ['recontact.cumulative.*.1'],
    scale: (d, f) => {
      for (const pt of d.recontact.cumulative) pt[1] = Math.min(1, pt[1] * f);
    },
    elasticity: 0.8,
    bounds: [0.2, 5],
  },
  {
    id: 'referral_assessed',
    label: 'referrals going on to assessment (1 − NFA at referral)',
    informants: ['assessments_completed', 'assessment_rate'],
    over: ['referrals', 'referral_rate'],
    paths: ['referrals.nfaProbability'],
    scale: (d, f) => void (d.referrals.nfaProbability = Math.min(0.99, Math.max(0, 1 - (1 - d.referrals.nfaProbability) * f))),
    elasticity: 1,
    bounds: [0.2, 5],
  },
  {
    id: 'assessment_duration',
    label: 'time to authorise an assessment',
    informants: ['assessments_45d_pct'],
    paths: ['assessment.durationWorkingDays'],
    scale: (d, f) => scaleDuration(d.assessment.durationWorkingDays, f),
    elasticity: -0.5,
    bounds: [0.2, 5],
  },
  {
    id: 'assessment_to_s47',
    label: 'assessments leading to S47 enquiries',
    informants: ['s47_started', 's47_rate'],
    over: ['assessments_completed', 'assessment_rate'],
    paths: ['assessment.outcomes.s47'],
    scale: (d, f) => scaleOutcome(d.assessment.outcomes, 's47', f),
    elasticity: 0.9,
    bounds: [0.2, 5],
  },
  {
    id: 's47_to_icpc',
    label: 'S47 enquiries leading to an ICPC',
    informants: ['icpc_held', 'icpc_rate'],
    over: ['s47_started', 's47_rate'],
    paths: ['s47.outcomes.icpc'],
    scale: (d, f) => scaleOutcome(d.s47.outcomes, 'icpc', f),
    elasticity: 1,
    bounds: [0.2, 5],
  },
  {
    id: 'icpc_to_cp',
    label: 'ICPCs resulting in a CP plan',
    informants: ['cp_starts'],
    over: ['icpc_held'],
    paths: ['icpc.cpPlanProbability'],
    scale: (d, f) => void (d.icpc.cpPlanProbability = Math.min(1, d.icpc.cpPlanProbability * f)),
    elasticity: 1,
    bounds: [0.2, 5],
  },
  {
    id: 'icpc_timeliness',
    label: 'time from strategy discussion to ICPC',
    informants: ['icpc_15d_pct'],
    paths: ['icpc.workingDaysFromStrategy'],
    scale: (d, f) => scaleDuration(d.icpc.workingDaysFromStrategy, f),
    elasticity: -0.5,
    bounds: [0.3, 3],
  },
  {
    id: 'cp_repeat',
    label: 'escalation of children who have had a CP plan (repeat plans)',
    informants: ['cp_repeat_pct'],
    paths: ['afterCpPlan.s47Probability'],
    scale: (d, f) => void (d.afterCpPlan.s47Probability = Math.min(1, d.afterCpPlan.s47Probability * f)),
    elasticity: 0.3,
    bounds: [0.2, 5],
  },
  {
    id: 'cp_duration',
    label: 'length of CP plans',
    informants: ['cp_open', 'cp_rate'],
    paths: ['cp.durationMonths'],
    scale: (d, f) => scaleDuration(d.cp.durationMonths, f),
    elasticity: 0.3,
    bounds: [0.5, 2],
  },
  {
    id: 'care_entries',
    label: 'entries to care (direct, from CP and CIN plans)',
    informants: ['cla_starts'],
    paths: ['care.directEntriesPerMonthPer10k', 'cp.outcomes.care', 'cin.outcomes.care'],
    scale: (d, f) => {
      d.care.directEntriesPerMonthPer10k *= f;
      scaleOutcome(d.cp.outcomes, 'care', f);
      scaleOutcome(d.cin.outcomes, 'care', f);
    },
    elasticity: 0.9,
    bounds: [0.2, 5],
  },
  {
    id: 'care_duration',
    label: 'time in care',
    // children leaving care a month per child looked after (the exit rate, about 1 / time in care)
    // where exits are observed; otherwise the stock, which a window of months moves little
    informants: ['cla_ends', 'cla_open', 'cla_rate'],
    over: ['cla_open', 'cla_rate'],
    paths: ['care.durationMonths.*'],
    scale: (d, f) => {
      for (const b of BANDS) scaleDuration(d.care.durationMonths[b], f);
    },
    elasticity: 0.2,
    // exits a month from a stock that starts where it was observed: a stock of children who
    // stay 40% longer leaves about 6% less often over the next 9 months (measured), so weakly
    elasticityBy: { cla_ends: -0.2 },
    bounds: [0.67, 1.5],
  },
  exitReasonTarget('exit_adoption', 'adoption', 'leaving care by adoption', 'cla_ends_adoption'),
  exitReasonTarget('exit_sgo', 'sgo', 'leaving care by special guardianship order', 'cla_ends_sgo'),
  exitReasonTarget('exit_return_home', 'returnHome', 'leaving care by returning home', 'cla_ends_return_home'),
  {
    id: 'uasc_arrivals',
    label: 'UASC arrivals',
    informants: ['uasc_open'],
    paths: ['uasc.arrivalsPerMonthPer10k'],
    scale: (d, f) => void (d.uasc.arrivalsPerMonthPer10k *= f),
    elasticity: 0.2,
    bounds: [0.25, 4],
  },
  {
    id: 'ifa_share',
    label: 'agency (IFA) foster placements',
    informants: ['cla_placement_ifa_pct', 'cla_placement_ifa'],
    paths: ['placement.atEntry.*.ifa', 'placement.onMove.*.ifa', 'uasc.placementMix.ifa'],
    scale: (d, f) => {
      for (const b of BANDS) {
        if (d.placement.atEntry[b].ifa !== undefined) d.placement.atEntry[b].ifa! *= f;
        if (d.placement.onMove[b].ifa !== undefined) d.placement.onMove[b].ifa! *= f;
      }
      if (d.uasc.placementMix.ifa !== undefined) d.uasc.placementMix.ifa *= f;
    },
    elasticity: 0.5,
    bounds: [0.1, 10],
  },
  {
    id: 'placement_moves',
    label: 'placement changes',
    informants: ['cla_3plus_moves_pct'],
    paths: ['placement.changesPerYear.*'],
    scale: (d, f) => {
      for (const b of BANDS) d.placement.changesPerYear[b] = Math.min(24, d.placement.changesPerYear[b] * f);
    },
    elasticity: 1,
    bounds: [0.25, 4],
  },
  {
    id: 'adoption_placement',
    label: 'time placed for adoption before the order',
    informants: ['cla_placement_placed_for_adoption'],
    paths: ['placement.adoptionPlacementMonthsBeforeOrder'],
    scale: (d, f) => scaleDuration(d.placement.adoptionPlacementMonthsBeforeOrder, f),
    elasticity: 0.5,
    bounds: [0.33, 3],
  },
];
