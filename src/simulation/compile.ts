/**
 * Parameters compiled for the hot loop: categorical choices as cumulative tables, durations as
 * objects with precomputed constants, code lists as index tables. Compiled once per parameter
 * object (cached), so a month-by-month parameter array that repeats objects costs nothing extra.
 */
import { ASSESSMENT_FACTOR, CP_CATEGORY, ETHNICITY, LEGAL_STATUS, NEED_CODE, PLACEMENT_GROUPS, REASON_PLACE_CHANGE, REFERRAL_SOURCE } from '../events/codes/index.ts';
import { Categorical, DefectiveTable, duration, type Duration } from './distributions.ts';
import { AGE_BANDS, CARE_ROUTES, ENTRY_PLACEMENT_GROUPS, EXIT_REASONS, REENTRY_ROUTES } from './parameterLists.ts';
import type { Parameters } from './parameters.ts';
import { scoped, scopeOf } from './scope.ts';

export const SEX_CODES = ['M', 'F', 'U'] as const;
export const ETHNICITY_CODES = ETHNICITY.map((e) => e.code);
export const SOURCE_CODES = REFERRAL_SOURCE.map((e) => e.code);
export const FACTOR_CODES = ASSESSMENT_FACTOR.map((e) => e.code);
export const CP_CATEGORY_CODES = CP_CATEGORY.map((e) => e.code);
export const NEED_CODES = NEED_CODE.map((e) => e.code);
export const LEGAL_CODES = LEGAL_STATUS.map((e) => e.code);
export const PLACE_CHANGE_CODES = REASON_PLACE_CHANGE.map((e) => e.code);
/** Index of a placement group in PLACEMENT_GROUPS. */
export const GROUP_INDEX: Readonly<Record<string, number>> = Object.fromEntries(PLACEMENT_GROUPS.map((g, i) => [g, i]));
/** For each ENTRY_PLACEMENT_GROUPS index, its PLACEMENT_GROUPS index. */
export const ENTRY_TO_GROUP = Int8Array.from(ENTRY_PLACEMENT_GROUPS, (g) => GROUP_INDEX[g]);

/** Outcome codes, in the order of the compiled categoricals. */
export const CONTACT_OUT = { nfa: 0, earlyHelp: 1, referral: 2 } as const;
export const ASSESS_OUT = { nfa: 0, earlyHelp: 1, cin: 2, s47: 3 } as const;
export const S47_OUT = { nfa: 0, cin: 1, icpc: 2 } as const;
export const CP_OUT = { close: 0, cin: 1, care: 2 } as const;
export const CIN_OUT = { close: 0, care: 1, s47: 2 } as const;
/** Exit reason indexes: EXIT_REASONS then age18 (5). */
export const EXIT_AGE18 = 5;

function fromRecord(codes: readonly string[], rec: Partial<Record<string, number>>): Float64Array {
  return Float64Array.from(codes, (c) => rec[c] ?? 0);
}

/** Categorical over [rest, ...named] where the named probabilities are given and rest = 1 - sum. */
function withRest(named: readonly number[]): Categorical {
  const sum = named.reduce((a, b) => a + b, 0);
  return new Categorical([Math.max(0, 1 - sum), ...named]);
}

export interface CompiledParameters {
  readonly source: Parameters;
  readonly growthPerMonth: number;
  readonly sex: Categorical;
  readonly ethnicity: Categorical;
  readonly disability: number;
  readonly contactAge: Categorical;

  readonly contactsPer10k: number;
  readonly seasonality: Float64Array;
  readonly trendPerMonth: number;
  readonly contactTrend: Parameters['contacts']['trend'];
  readonly dispersion: number;
  readonly sources: Categorical;
  readonly decisionDays: Categorical;
  /** nfa, earlyHelp, referral */
  readonly contactOutcome: Categorical;
  readonly recontactOutcome: Categorical;
  readonly recontact: DefectiveTable;
  /** For children who have had a CP plan. */
  readonly recontactAfterCp: DefectiveTable;
  readonly recontactOutcomeAfterCp: Categorical;
  readonly assessmentOutcomeAfterCp: Categorical;

  readonly referralNfa: number;
  readonly referralNfaDays: Duration;

  readonly assessmentDays: Duration;
  /** nfa, earlyHelp, cin, s47 */
  readonly assessmentOutcome: Categorical;
  readonly factors: Categorical;
  readonly factorsMean: number;

  readonly s47Days: Duration;
  /** nfa, cin, icpc */
  readonly s47Outcome: Categorical;
  readonly icpcDays: Duration;
  readonly icpcPlan: number;
  readonly icpcNoPlanCin: number;

  readonly cpMonths: Duration;
  readonly cpCategory: Categorical;
  /** close, cin, care */
  readonly cpOutcome: Categorical;

  readonly cinMonths: Duration;
  readonly cinNeed: Categorical;
  /** close, care, s47 */
  readonly cinOutcome: Categorical;

  readonly directPer10k: number;
  readonly directAge: Categorical;
  readonly directSex: Categorical;
  readonly directTrend: Parameters['care']['directEntryTrend'];
  /** False when the front door is outside the scope: children entering care arrive with no episode of need. */
  readonly frontDoor: boolean;
  readonly careNeed: Categorical;
  /** By route index (cp, cin, direct, uasc): categorical over LEGAL_CODES. */
  readonly legalAtEntry: readonly Categorical[];
  readonly afterEmergencyC1: number;
  readonly interimMonths: Duration;
  /** By age band. */
  readonly careMonths: readonly Duration[];
  /** By age band: categorical over EXIT_REASONS + age18 (index 5). */
  readonly exitReason: readonly Categorical[];
  readonly exitReasonProbs: readonly Float64Array[];
  /** By EXIT_REASONS index (age18 has no factor). */
  readonly reasonFactor: Float64Array;
  /** By route index. */
  readonly routeFactor: Float64Array;
  readonly returnHomeCin: number;
  /** Re-entry to care by exit reason index (return home, SGO, CAO); undefined: no re-entry hazard. */
  readonly reentry: readonly DefectiveTable[] | undefined;

  readonly uascPer10k: number;
  readonly uascTrend: Parameters['uasc']['arrivalTrend'];
  /** National Transfer Scheme (undefined: no transfers). */
  readonly uascNts: Parameters['uasc']['nationalTransferScheme'];
  readonly uascAge: Categorical;
  readonly uascMale: number;
  readonly uascEthnicity: Categorical;
  readonly uascExit: Categorical;
  readonly uascExitProbs: Float64Array;
  /** Categorical over ENTRY_PLACEMENT_GROUPS. */
  readonly uascPlacement: Categorical;

  /** By age band: categorical over ENTRY_PLACEMENT_GROUPS. */
  readonly placementAtEntry: readonly Categorical[];
  readonly placementOnMove: readonly Categorical[];
  /** Placement changes per child-year, by age band. */
  readonly movesPerYear: Float64Array;
  readonly changeReason: Categorical;
  readonly adoptionLeadMonths: Duration;
}

/** Reorders exit-reason probabilities [returnHome, sgo, cao, adoption, other] + age18 rest. */
function exitProbs(o: Record<string, number>): Float64Array {
  const named = EXIT_REASONS.map((r) => o[r]);
  const sum = named.reduce((a, b) => a + b, 0);
  return Float64Array.from([...named, Math.max(0, 1 - sum)]);
}

/** Assessment outcomes of a child who has had a CP plan: S47 replaced, the rest rescaled. */
function afterCpAssessment(p: Parameters): Categorical {
  const o = p.assessment.outcomes;
  const q = p.afterCpPlan.s47Probability;
  const scale = o.s47 < 1 ? (1 - q) / (1 - o.s47) : 0;
  return withRest([o.earlyHelp * scale, o.cin * scale, q]);
}

const cache = new WeakMap<Parameters, CompiledParameters>();

export function compileParameters(given: Parameters): CompiledParameters {
  const hit = cache.get(given);
  if (hit) return hit;
  const p = scoped(given);
  const seas = Float64Array.from(p.contacts.seasonality);
  const meanSeas = seas.reduce((a, b) => a + b, 0) / 12;
  for (let i = 0; i < 12; i++) seas[i] /= meanSeas;
  const exitByBand = AGE_BANDS.map((b) => exitProbs(p.care.exitReasons[b]));
  const uascExit = exitProbs(p.uasc.exitReasons);
  const c: CompiledParameters = {
    source: p,
    growthPerMonth: Math.pow(1 + p.population.growthPctPerYear / 100, 1 / 12),
    sex: new Categorical(fromRecord(SEX_CODES, p.children.sex)),
    ethnicity: new Categorical(fromRecord(ETHNICITY_CODES, p.children.ethnicity)),
    disability: p.children.disabilityProbability,
    contactAge: new Categorical(p.children.ageAtContact),

    contactsPer10k: p.contacts.perMonthPer10k,
    seasonality: seas,
    trendPerMonth: Math.pow(1 + p.contacts.trendPctPerYear / 100, 1 / 12),
    contactTrend: p.contacts.trend,
    dispersion: p.contacts.dispersion,
    sources: new Categorical(fromRecord(SOURCE_CODES, p.contacts.sources)),
    decisionDays: new Categorical(p.contacts.decisionWorkingDays),
    contactOutcome: withRest([p.contacts.outcomes.earlyHelp, p.contacts.outcomes.referral]),
    recontactOutcome: withRest([p.recontact.outcomes.earlyHelp, p.recontact.outcomes.referral]),
    recontact: new DefectiveTable(p.recontact.cumulative),
    recontactAfterCp: new DefectiveTable(p.recontact.cumulative.map(([t, f]) => [t, Math.min(1, f * p.afterCpPlan.recontactFactor)] as const)),
    recontactOutcomeAfterCp: withRest([
      Math.min(p.recontact.outcomes.earlyHelp, 1 - p.afterCpPlan.recontactReferralProbability),
      p.afterCpPlan.recontactReferralProbability,
    ]),
    assessmentOutcomeAfterCp: afterCpAssessment(p),

    referralNfa: p.referrals.nfaProbability,
    referralNfaDays: duration(p.referrals.nfaWorkingDays),

    assessmentDays: duration(p.assessment.durationWorkingDays),
    assessmentOutcome: withRest([p.assessment.outcomes.earlyHelp, p.assessment.outcomes.cin, p.assessment.outcomes.s47]),
    factors: new Categorical(fromRecord(FACTOR_CODES, p.assessment.factors)),
    factorsMean: p.assessment.factorsPerAssessment,

    s47Days: duration(p.s47.durationWorkingDays),
    s47Outcome: withRest([p.s47.outcomes.cin, p.s47.outcomes.icpc]),
    icpcDays: duration(p.icpc.workingDaysFromStrategy),
    icpcPlan: p.icpc.cpPlanProbability,
    icpcNoPlanCin: p.icpc.cinIfNoPlanProbability,

    cpMonths: duration(p.cp.durationMonths),
    cpCategory: new Categorical(fromRecord(CP_CATEGORY_CODES, p.cp.categories)),
    cpOutcome: withRest([p.cp.outcomes.cin, p.cp.outcomes.care]),

    cinMonths: duration(p.cin.durationMonths),
    cinNeed: new Categorical(fromRecord(NEED_CODES, p.cin.needCodes)),
    cinOutcome: withRest([p.cin.outcomes.care, p.cin.outcomes.s47]),

    directPer10k: p.care.directEntriesPerMonthPer10k,
    directAge: new Categorical(p.care.directEntryAge),
    directSex: new Categorical(fromRecord(SEX_CODES, p.care.directEntrySex ?? p.children.sex)),
    directTrend: p.care.directEntryTrend,
    frontDoor: scopeOf(p).has('front_door'),
    careNeed: new Categorical(fromRecord(NEED_CODES, p.care.needCodes)),
    legalAtEntry: CARE_ROUTES.map((r) => new Categorical(fromRecord(LEGAL_CODES, p.care.legalStatusAtEntry[r]))),
    afterEmergencyC1: p.care.afterEmergencyCareOrderProbability,
    interimMonths: duration(p.care.interimOrderMonths),
    careMonths: AGE_BANDS.map((b) => duration(p.care.durationMonths[b])),
    exitReason: exitByBand.map((x) => new Categorical(x)),
    exitReasonProbs: exitByBand,
    reasonFactor: Float64Array.from(EXIT_REASONS, (r) => p.care.reasonDurationFactor[r]),
    routeFactor: Float64Array.from(CARE_ROUTES, (r) => p.care.routeDurationFactor[r]),
    returnHomeCin: p.care.returnHomeCinPlanProbability,
    reentry: p.care.reentry ? REENTRY_ROUTES.map((r) => new DefectiveTable(p.care.reentry![r])) : undefined,

    uascPer10k: p.uasc.arrivalsPerMonthPer10k,
    uascTrend: p.uasc.arrivalTrend,
    uascNts: p.uasc.nationalTransferScheme,
    uascAge: new Categorical(p.uasc.age),
    uascMale: p.uasc.maleProbability,
    uascEthnicity: new Categorical(fromRecord(ETHNICITY_CODES, p.uasc.ethnicity)),
    uascExit: new Categorical(uascExit),
    uascExitProbs: uascExit,
    uascPlacement: new Categorical(fromRecord(ENTRY_PLACEMENT_GROUPS, p.uasc.placementMix)),

    placementAtEntry: AGE_BANDS.map((b) => new Categorical(fromRecord(ENTRY_PLACEMENT_GROUPS, p.placement.atEntry[b]))),
    placementOnMove: AGE_BANDS.map((b) => new Categorical(fromRecord(ENTRY_PLACEMENT_GROUPS, p.placement.onMove[b]))),
    movesPerYear: Float64Array.from(AGE_BANDS, (b) => p.placement.changesPerYear[b]),
    changeReason: new Categorical(fromRecord(PLACE_CHANGE_CODES, p.placement.changeReasons)),
    adoptionLeadMonths: duration(p.placement.adoptionPlacementMonthsBeforeOrder),
  };
  cache.set(given, c);
  return c;
}
