/**
 * The model's parameters as a zod schema. Every leaf carries `.meta({ unit, description })`, so
 * `z.toJSONSchema(ParametersSchema)` documents each number with its unit and meaning, and invalid
 * parameters are refused with the path of the field and the reason.
 *
 * Sizes of flows and stocks are per 10,000 children aged 0–17 (the scenario's `population` turns
 * them into counts), so one parameter set serves an LA of any size. Outcome probabilities name
 * the non-default outcomes; the default outcome (named in each description) takes the rest.
 * Mixes (ages, ethnicity, placement types …) are relative weights, normalised by the engine.
 */
import { ParameterError } from '../errors.ts';
import { z } from 'zod';
import { NationalTransferSchemeSchema, UascGrantSchema } from './uascSchemes.ts';
import { ASSESSMENT_FACTOR, CP_CATEGORY, ETHNICITY, LEGAL_STATUS, NEED_CODE, PLACEMENT_GROUPS, REASON_PLACE_CHANGE, REFERRAL_SOURCE, codesOf } from '../events/codes/index.ts';

import { AGE_BANDS, ageBandIndex, CARE_ROUTES, EXIT_REASONS, REENTRY_ROUTES, ENTRY_PLACEMENT_GROUPS, FLOW_PARTS, TREND_KINDS, LEAVER_AGES, type AgeBand, type CareRoute, type ExitReason, type LeaverAge, type ReentryRoute } from './parameterLists.ts';

export { AGE_BANDS, type AgeBand, ageBandIndex, CARE_ROUTES, type CareRoute, EXIT_REASONS, type ExitReason, REENTRY_ROUTES, type ReentryRoute, ENTRY_PLACEMENT_GROUPS, FLOW_PARTS, type FlowPart, TREND_KINDS, LEAVER_AGES, type LeaverAge } from './parameterLists.ts';

const REENTRY_ROUTE_LABELS: Record<ReentryRoute, string> = {
  returnHome: 'a return home (E4A/E4B, and E13, which the model counts with returns home)',
  sgo: 'a special guardianship order (E43–E48)',
  cao: 'a child arrangements order (E41)',
};

const meta = (unit: string, description: string) => ({ unit, description });

/**
 * Plausible upper bounds for numbers whose schema gives none, by unit, so that a typo such as a
 * rate of 1e308 is refused with the field and the bound instead of running out of memory.
 */
const UNIT_MAX: Record<string, number> = {
  'per 10,000 children per month': 10_000,
  'per 10,000 children': 10_000,
  'GBP per week': 1_000_000,
  multiplier: 1_000,
  'relative weight': 1e9,
  'negative binomial size': 1e9,
  months: 1_200,
  'working days': 1_000,
};
const ANY_MAX = 1e9;

function num(unit: string, description: string, opts: { min?: number; max?: number; int?: boolean; gt?: number } = {}) {
  let s = z.number();
  if (opts.int) s = s.int();
  if (opts.gt !== undefined) s = s.gt(opts.gt);
  if (opts.min !== undefined) s = s.min(opts.min);
  if (opts.max !== undefined) s = s.max(opts.max);
  else {
    const max = UNIT_MAX[unit] ?? ANY_MAX;
    s = s.max(max, { message: `Too big: at most ${max.toLocaleString('en-GB')} ${unit} (a plausible bound)` });
  }
  return s.meta(meta(unit, description));
}

const prob = (description: string) => num('probability (0–1)', description, { min: 0, max: 1 });
const weight = (description: string) => num('relative weight', description, { min: 0 });

function positiveTotal(values: readonly number[]): boolean {
  return values.reduce((a, b) => a + b, 0) > 0;
}

/** Relative weights over a code list; codes left out weigh 0. */
function weights<const T extends readonly string[]>(codes: T, description: string) {
  return z
    .partialRecord(z.enum(codes as unknown as [T[number], ...T[number][]]), weight(`${description}: weight of this code`))
    .refine((w) => positiveTotal(Object.values(w) as number[]), { message: 'weights must not all be 0' })
    .meta({ description: `${description} (relative weights, normalised; codes left out weigh 0)` });
}

/** Weights for ages 0, 1, …, 17 in whole years. */
function ageWeights(description: string) {
  return z
    .array(weight(`${description}: weight of one year of age (index = age in whole years)`))
    .length(18, { message: 'must have 18 weights, for ages 0 to 17' })
    .refine(positiveTotal, { message: 'weights must not all be 0' })
    .meta({ description: `${description} (18 relative weights for ages 0–17)` });
}

/** Probabilities of the named outcomes; the default outcome takes the remainder, so they must sum to at most 1. */
function outcomes<const K extends readonly string[]>(keys: K, description: string, rest: string) {
  const shape = Object.fromEntries(keys.map((k) => [k, prob(`${description}: probability of "${k}"`)])) as Record<K[number], ReturnType<typeof prob>>;
  return z
    .strictObject(shape)
    .superRefine((o, ctx) => {
      const total = (Object.values(o) as number[]).reduce((a, b) => a + b, 0);
      if (total > 1 + 1e-9) ctx.addIssue({ code: 'custom', message: `probabilities sum to ${+total.toFixed(6)}, more than 1 (the rest is "${rest}")` });
    })
    .meta({ description: `${description}; the rest is "${rest}"` });
}

/** A duration distribution in the given unit. */
function durationSchema(unit: string, description: string) {
  const mean = num(unit, `${description}: mean`, { gt: 0 });
  const cv = num('ratio', `${description}: coefficient of variation (standard deviation / mean)`, { gt: 0, max: 10 });
  const parametric = (dist: 'lognormal' | 'gamma' | 'weibull', what: string) =>
    z.strictObject({ dist: z.literal(dist).meta({ description: what }), mean, cv }).meta({ description: `${description} (${what})` });
  const empirical = z
    .strictObject({
      dist: z.literal('empirical').meta({ description: 'empirical cumulative table, linear between points' }),
      points: z
        .array(z.tuple([num(unit, `${description}: time`, { min: 0 }), prob(`${description}: cumulative probability of having ended by this time`)]))
        .min(1)
        .meta({ description: `${description}: [time, cumulative probability] points, times increasing, ending at probability 1` }),
    })
    .superRefine((v, ctx) => {
      let prevT = -1;
      let prevF = 0;
      v.points.forEach(([t, f], i) => {
        if (t <= prevT) ctx.addIssue({ code: 'custom', path: ['points', i, 0], message: `times must increase (got ${t} after ${prevT})` });
        if (f < prevF) ctx.addIssue({ code: 'custom', path: ['points', i, 1], message: `cumulative probabilities must not decrease (got ${f} after ${prevF})` });
        prevT = t;
        prevF = f;
      });
      const last = v.points[v.points.length - 1];
      if (last && Math.abs(last[1] - 1) > 1e-9) ctx.addIssue({ code: 'custom', path: ['points', v.points.length - 1, 1], message: `the last cumulative probability must be 1 (got ${last[1]})` });
    });
  return z
    .discriminatedUnion('dist', [parametric('lognormal', 'lognormal'), parametric('gamma', 'gamma'), parametric('weibull', 'Weibull'), empirical])
    .meta({ description: `${description} (${unit}); "dist" is lognormal, gamma, weibull (with mean and cv) or empirical` });
}

/**
 * A cumulative table that may stay below 1: [months, cumulative probability] points, months
 * increasing from above 0, probabilities not decreasing; the rest never have the event.
 */
function cumulativeTable(months: string, probability: string, description: string) {
  return z
    .array(z.tuple([num('months', months, { gt: 0 }), prob(probability)]))
    .min(1)
    .meta({ description })
    .superRefine((pts, ctx) => {
      let prevT = 0;
      let prevF = 0;
      pts.forEach(([t, f], i) => {
        if (t <= prevT) ctx.addIssue({ code: 'custom', path: [i, 0], message: `months must increase (got ${t} after ${prevT})` });
        if (f < prevF) ctx.addIssue({ code: 'custom', path: [i, 1], message: `cumulative probabilities must not decrease (got ${f} after ${prevF})` });
        prevT = t;
        prevF = f;
      });
    });
}

function byBand<S extends z.ZodType>(make: (band: AgeBand) => S, description: string) {
  const shape = Object.fromEntries(AGE_BANDS.map((b) => [b, make(b)])) as Record<AgeBand, S>;
  return z.strictObject(shape).meta({ description: `${description}, by age band (under1, 1-4, 5-9, 10-15, 16-17)` });
}

function byRoute<S extends z.ZodType>(make: (route: CareRoute) => S, description: string) {
  const shape = Object.fromEntries(CARE_ROUTES.map((r) => [r, make(r)])) as Record<CareRoute, S>;
  return z.strictObject(shape).meta({ description: `${description}, by route into care (cp, cin, direct, uasc)` });
}

const unitCost = (g: string) =>
  z
    .strictObject({
      gbp: num('GBP per week', `Weekly unit cost of a placement in group ${g}, at priceMonth prices`, { min: 0 }),
      source: z.string().min(1).meta({ unit: 'text', description: `Where the ${g} unit cost comes from` }),
    })
    .meta({ description: `Unit cost of ${g} placements` });

/** A trend of an arrival rate over the projection, counted in months from the scenario's start. */
const arrivalTrend = (what: string) =>
  z
    .strictObject({
      kind: z.enum(TREND_KINDS).meta({ description: 'none (constant), linear (the same step every month) or damped (each month\'s step is `damping` times the previous one)' }),
      perYear: num('fraction of the starting rate per year', `Change of ${what} over the first 12 months, as a fraction of the rate in the first month (-0.1 = 10% fewer a year on)`, { min: -5, max: 5 }),
      damping: num('ratio per month', 'damped: each month\'s step as a fraction of the previous month\'s (the total change tends to perYear/12 × damping/(1 − damping))', { gt: 0, max: 1 }),
    })
    .meta({ description: `Trend in ${what} (a rate never goes below 0)` });

const per10kMonth = 'per 10,000 children per month';
const per10k = 'per 10,000 children';

const exitReasonProbabilities = (who: string) =>
  outcomes(EXIT_REASONS, `Reason for leaving care of ${who}, decided at entry`, 'stays until the 18th birthday');

export const ParametersSchema = z
  .strictObject({
    scope: z
      .array(z.enum(FLOW_PARTS))
      .min(1)
      .refine((a) => new Set(a).size === a.length, { message: 'parts must not repeat' })
      .optional()
      .meta({
        description:
          'Parts of the case flow simulated (default: all): front_door (contacts, referrals, assessments), cin (CIN plans), cp (S47, ICPC, CP plans), care (children looked after). Flows into a part left out are off; a part whose feeding parts are left out is fed by its own arrival process only (care: direct entries and UASC arrivals)',
      }),
    population: z
      .strictObject({
        growthPctPerYear: num('% per year', 'Growth of the population aged 0–17, compounded monthly', { min: -50, max: 50 }),
      })
      .meta({ description: 'Population aged 0–17 (its size at the start is the scenario field "population")' }),

    children: z
      .strictObject({
        sex: weights(['M', 'F', 'U'] as const, 'Sex of children at first contact'),
        ethnicity: weights(codesOf(ETHNICITY), 'Ethnicity of children at first contact'),
        disabilityProbability: prob('Probability that a child newly known to the service is disabled'),
        ageAtContact: ageWeights('Age of children at their first contact'),
      })
      .meta({ description: 'Characteristics of children newly known to the service' }),

    contacts: z
      .strictObject({
        perMonthPer10k: num(per10kMonth, 'Mean first contacts a month about children the model does not already know (re-contacts of closed children come on top)', { min: 0 }),
        seasonality: z
          .array(num('multiplier', 'Contact volume multiplier for one calendar month (index 0 = January); normalised to average 1', { gt: 0 }))
          .length(12, { message: 'must have 12 multipliers, January to December' })
          .meta({ description: 'Seasonality of contacts by calendar month (12 multipliers, normalised to average 1)' }),
        trendPctPerYear: num('% per year', 'Trend in first contacts, compounded monthly from the start month', { min: -50, max: 100 }),
        trend: arrivalTrend('first contacts (on top of trendPctPerYear); fitted from an observed contact or referral series by `calibrate --observed --trend`').optional(),
        dispersion: num('negative binomial size', 'Over-dispersion of monthly contact counts: variance = mean + mean²/size; 0 means Poisson', { min: 0 }),
        sources: weights(codesOf(REFERRAL_SOURCE), 'Source of contacts (CIN census ReferralSource)'),
        decisionWorkingDays: z
          .array(weight('Weight of deciding a contact this many working days after it arrives (index = working days)'))
          .min(1)
          .max(30)
          .refine(positiveTotal, { message: 'weights must not all be 0' })
          .meta({ description: 'Working days from contact to its outcome (relative weights for 0, 1, 2, … working days)' }),
        outcomes: outcomes(['referral', 'earlyHelp'] as const, 'Outcome of a first contact', 'no further action'),
      })
      .meta({ description: 'Contacts about children not already open to children’s social care' }),

    recontact: z
      .strictObject({
        cumulative: cumulativeTable('Months since the case was closed', 'Probability of having been contacted again by then', 'Re-contact after closure: [months since closure, cumulative probability of a new contact] points, linear between points; the rest are never contacted again'),
        outcomes: outcomes(['referral', 'earlyHelp'] as const, 'Outcome of a contact about a child whose case was closed', 'no further action'),
      })
      .meta({ description: 'Contacts about children the model has closed (the source of re-referrals; only cases closed with RC7, RC8 or RC9 can be re-contacted)' }),

    afterCpPlan: z
      .strictObject({
        recontactFactor: num('multiplier', 'Multiplier of the re-contact cumulative probabilities for a closed child who has had a CP plan (capped at 1)', { min: 0, max: 10 }),
        recontactReferralProbability: prob('Probability that a contact about a closed child who has had a CP plan becomes a referral (in place of recontact.outcomes.referral)'),
        s47Probability: prob('Probability that an assessment of a child who has had a CP plan leads to a strategy discussion and S47 (in place of assessment.outcomes.s47; the other outcomes share the rest in their usual proportions)'),
      })
      .meta({ description: 'Children who have had a CP plan come back more often and are more often escalated: the source of repeat CP plans' }),

    referrals: z
      .strictObject({
        nfaProbability: prob('Probability that a referral is closed with no further action before any assessment'),
        nfaWorkingDays: durationSchema('working days', 'Time from referral to its closure when it is closed before assessment'),
      })
      .meta({ description: 'Referrals accepted by children’s social care' }),

    assessment: z
      .strictObject({
        durationWorkingDays: durationSchema('working days', 'Time from the start of an assessment to its authorisation'),
        outcomes: outcomes(['cin', 's47', 'earlyHelp'] as const, 'Outcome of an authorised assessment', 'no further action'),
        factors: weights(codesOf(ASSESSMENT_FACTOR), 'Factors identified at assessment'),
        factorsPerAssessment: num('factors', 'Mean number of factors recorded on an assessment that does not end in no further action', { min: 1, max: 6 }),
      })
      .meta({ description: 'Children and families assessments' }),

    s47: z
      .strictObject({
        durationWorkingDays: durationSchema('working days', 'Time from strategy discussion to the end of a Section 47 enquiry that does not lead to an ICPC'),
        outcomes: outcomes(['icpc', 'cin'] as const, 'Outcome of a Section 47 enquiry (decided when it starts)', 'no further action'),
      })
      .meta({ description: 'Strategy discussions and Section 47 enquiries (the strategy discussion and the enquiry start on the same day)' }),

    icpc: z
      .strictObject({
        workingDaysFromStrategy: durationSchema('working days', 'Time from strategy discussion to the initial child protection conference'),
        cpPlanProbability: prob('Probability that an ICPC results in a child protection plan'),
        cinIfNoPlanProbability: prob('Probability that a child not made subject to a plan at ICPC gets a CIN plan (else the case closes)'),
      })
      .meta({ description: 'Initial child protection conferences' }),

    cp: z
      .strictObject({
        durationMonths: durationSchema('months', 'Length of a child protection plan'),
        categories: weights(codesOf(CP_CATEGORY), 'Initial category of abuse of a new CP plan'),
        outcomes: outcomes(['care', 'cin'] as const, 'What follows the end of a CP plan (decided when it starts)', 'case closed'),
      })
      .meta({ description: 'Child protection plans (plans are cut short at the 18th birthday)' }),

    cin: z
      .strictObject({
        durationMonths: durationSchema('months', 'Length of a child in need plan'),
        needCodes: weights(codesOf(NEED_CODE), 'Primary need code of a new CIN plan'),
        outcomes: outcomes(['care', 's47'] as const, 'What ends a CIN plan (decided when it starts): entry to care, escalation to a Section 47 enquiry', 'case closed'),
      })
      .meta({ description: 'Child in need plans (s17)' }),

    care: z
      .strictObject({
        directEntriesPerMonthPer10k: num(per10kMonth, 'Mean entries to care a month straight from referral (police protection, remand, s20 request), not from a CIN or CP plan; excludes UASC', { min: 0 }),
        directEntryAge: ageWeights('Age of children entering care directly'),
        directEntrySex: weights(['M', 'F', 'U'] as const, 'Sex of children entering care directly (default: children.sex)').optional(),
        directEntryTrend: arrivalTrend('direct entries to care').optional(),
        needCodes: weights(codesOf(NEED_CODE), 'Category of need at entry to care from a CIN plan or directly (CP entries are N1, UASC N8)'),
        legalStatusAtEntry: byRoute((r) => weights(codesOf(LEGAL_STATUS), `Legal status at entry to care by route ${r}`), 'Legal status at entry to care'),
        afterEmergencyCareOrderProbability: prob('Probability that a child who entered under police protection or an emergency order (L1, L2, L3, J2) moves to an interim care order (C1) three days later; else to s20 (V2)'),
        interimOrderMonths: durationSchema('months', 'Time from an interim care order (C1) to a full care order (C2)'),
        durationMonths: byBand((b) => durationSchema('months', `Time in care before leaving for a reason other than ageing out, entry age band ${b}`), 'Time in care'),
        exitReasons: byBand((b) => exitReasonProbabilities(`children entering aged ${b}`), 'Reasons for leaving care'),
        reasonDurationFactor: z
          .strictObject(Object.fromEntries(EXIT_REASONS.map((r) => [r, num('multiplier', `Multiplier of time in care for children who leave by "${r}"`, { gt: 0 })])) as Record<ExitReason, ReturnType<typeof num>>)
          .meta({ description: 'Multipliers of time in care by reason for leaving (e.g. returns home are quicker than adoptions)' }),
        routeDurationFactor: byRoute((r) => num('multiplier', `Multiplier of time in care for children entering by route ${r}`, { gt: 0 }), 'Multipliers of time in care'),
        returnHomeCinPlanProbability: prob('Probability that a child who returns home gets a CIN plan (else the case closes)'),
        reentry: z
          .strictObject(
            Object.fromEntries(
              REENTRY_ROUTES.map((r) => [
                r,
                cumulativeTable(
                  `Months since the child left care by ${REENTRY_ROUTE_LABELS[r]}`,
                  'Probability of having started a new period of care by then',
                  `Re-entry to care after leaving by ${REENTRY_ROUTE_LABELS[r]}: [months since leaving, cumulative probability of a new period of care] points, linear between points; the rest do not come back`,
                ),
              ]),
            ) as Record<ReentryRoute, ReturnType<typeof cumulativeTable>>,
          )
          .optional()
          .meta({
            description:
              'Re-entry to care after a return home, an SGO or a CAO: a hazard by months since leaving, by route out of care. A child whose re-entry comes due while closed, or on the CIN plan that followed the return home, starts a new period of care that day (its CIN plan ends); a child the front door has already brought back into care, or whose re-entry falls on or after the 18th birthday, does not re-enter by it. Left out: children come back into care only through the front door',
          }),
      })
      .meta({ description: 'Children looked after: entries, legal status, time in care and leaving care (everyone leaves by the 18th birthday)' }),

    careLeavers: z
      .strictObject(
        Object.fromEntries(
          LEAVER_AGES.map((a) => [
            a,
            z
              .strictObject({
                inTouch: prob(`Share of care leavers aged ${a} (at the 17th–21st birthday the status is recorded for) with whom the council is in touch (OC3 IN_TOUCH YES); the rest are recorded not in touch (NO), with no information on activity or accommodation`),
                eet: prob(`Share of care leavers aged ${a} in education, employment or training (OC3 ACTIV F or P codes), of all care leavers of that age (those not in touch included): at most inTouch`),
                suitableAccommodation: prob(`Share of care leavers aged ${a} in accommodation recorded as suitable (OC3 ACCOM ending 1), of all care leavers of that age: at most inTouch`),
              })
              .meta({ description: `Status of care leavers at their ${a === '17-18' ? '17th and 18th' : '19th, 20th and 21st'} birthdays` }),
          ]),
        ) as Record<LeaverAge, z.ZodObject<{ inTouch: ReturnType<typeof prob>; eet: ReturnType<typeof prob>; suitableAccommodation: ReturnType<typeof prob> }>>,
      )
      .optional()
      .meta({
        description:
          'Care leavers (SSDA903 OC3): a status recorded at each birthday from the 17th to the 21st for every care leaver not looked after that day (in touch, main activity, accommodation), by age. Left out: no status is recorded',
      }),

    uasc: z
      .strictObject({
        arrivalsPerMonthPer10k: num(per10kMonth, 'Mean unaccompanied asylum-seeking children entering care a month (arrivals, and transfers when nationalTransferScheme is left out)', { min: 0 }),
        arrivalTrend: arrivalTrend('UASC arrivals').optional(),
        age: ageWeights('Age of UASC at entry'),
        maleProbability: prob('Probability that a UASC is male'),
        ethnicity: weights(codesOf(ETHNICITY), 'Ethnicity of UASC'),
        exitReasons: exitReasonProbabilities('UASC'),
        placementMix: weights(ENTRY_PLACEMENT_GROUPS, 'Placement group of UASC at entry'),
        nationalTransferScheme: NationalTransferSchemeSchema.optional(),
      })
      .meta({ description: 'Unaccompanied asylum-seeking children' }),

    placement: z
      .strictObject({
        atEntry: byBand((b) => weights(ENTRY_PLACEMENT_GROUPS, `Placement group at entry to care, age ${b}`), 'Placement mix at entry to care'),
        onMove: byBand((b) => weights(ENTRY_PLACEMENT_GROUPS, `Placement group after a placement change, age ${b}`), 'Placement mix after a placement change'),
        changesPerYear: byBand((b) => num('placement changes per child-year', `Rate of placement changes for children in care aged ${b}`, { min: 0, max: 24 }), 'Placement change rate'),
        changeReasons: weights(codesOf(REASON_PLACE_CHANGE), 'Reason for a placement change (REASON_PLACE_CHANGE)'),
        adoptionPlacementMonthsBeforeOrder: durationSchema('months', 'Time a child leaving care by adoption spends placed for adoption before the order'),
      })
      .meta({ description: 'Placements of children looked after' }),

    costs: z
      .strictObject({
        weeklyGbp: z
          .strictObject(Object.fromEntries(PLACEMENT_GROUPS.map((g) => [g, unitCost(g)])) as Record<(typeof PLACEMENT_GROUPS)[number], ReturnType<typeof unitCost>>)
          .meta({ description: 'Weekly unit costs per placement group, with their sources' }),
        priceMonth: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a month YYYY-MM' })
          .meta({ unit: 'YYYY-MM', description: 'Month whose prices the unit costs are in' }),
        inflationPctPerYear: num('% per year', 'Annual inflation applied to unit costs after priceMonth', { min: -20, max: 50 }),
        leavingCareWeeklyGbp: z
          .strictObject({
            gbp: num('GBP per week', 'Weekly cost of supporting one care leaver aged 17–25 (leaving-care allowance and personal adviser time), at priceMonth prices', { min: 0 }),
            source: z.string().min(1).meta({ unit: 'text', description: 'Where the leaving-care cost comes from' }),
          })
          .optional()
          .meta({ description: 'Leaving-care cost per care leaver (left out: 0)' }),
        stayingPutWeeklyGbp: z
          .strictObject({
            gbp: num('GBP per week', 'Weekly cost of a staying put arrangement (a care leaver who left care aged 18 or over to stay with the foster carers, REC E17), until the 21st birthday, at priceMonth prices; on top of the leaving-care cost', { min: 0 }),
            source: z.string().min(1).meta({ unit: 'text', description: 'Where the staying put cost comes from' }),
          })
          .optional()
          .meta({ description: 'Staying put cost per care leaver (left out: 0)' }),
        uascGrant: UascGrantSchema.optional(),
      })
      .meta({ description: 'Placement and care-leaver unit costs' }),

    workforce: z
      .strictObject({
        caseHoldingSocialWorkersPer10k: num(per10k, 'Case-holding social workers (FTE) per 10,000 children, for caseload KPIs; does not limit capacity', { min: 0 }).optional(),
      })
      .meta({ description: 'Workforce (optional)' })
      .optional(),

    opening: z
      .strictObject({
        claPer10k: num(per10k, 'Children looked after at the start (including UASC)', { min: 0 }),
        uascPer10k: num(per10k, 'UASC looked after at the start (part of claPer10k)', { min: 0 }),
        claAgeAtEntry: ageWeights('Age at entry to care of the periods of care that make up the opening CLA stock'),
        claRoutes: z
          .strictObject({
            cp: weight('Weight of periods that started from a CP plan'),
            cin: weight('Weight of periods that started from a CIN plan'),
            direct: weight('Weight of periods that started directly'),
          })
          .meta({ description: 'Routes into care of the opening non-UASC CLA stock (relative weights)' }),
        cpPer10k: num(per10k, 'Children on a CP plan at the start', { min: 0 }),
        cpAgeAtStart: ageWeights('Age at the start of their plan of children on CP plans at the start'),
        cpRepeatProbability: prob('Probability that an open CP plan at the start is a second or subsequent plan'),
        cpHistory: z
          .strictObject({
            pastPlanProbability: prob(
              'Probability that a child known at the start and not on a CP plan (on a CIN plan, with an assessment or Section 47 enquiry in progress, or closed in the 24 months before) had a CP plan before: it is given a back-dated plan in an earlier episode of need',
            ),
            within2YearsProbability: prob(
              'Probability that a back-dated previous CP plan (of these children, and of children on a second or subsequent plan at the start) ended within 2 years before the child\'s current or last episode began; the others ended 2 to 10 years before',
            ),
          })
          .optional()
          .meta({
            description:
              'Back-dated CP plans of the opening stock, so that repeat CP plans (cp_repeat_pct, cp_repeat_2yr_pct) count from the first month. Left out: children on CP plans at the start carry previousPlans only, and no other opening child has had a plan',
          }),
        cinPlansPer10k: num(per10k, 'Children on a CIN plan at the start (not on CP, not looked after)', { min: 0 }),
        cinAgeAtStart: ageWeights('Age at the start of their plan of children on CIN plans at the start'),
        openAssessmentsPer10k: num(per10k, 'Children with an assessment in progress at the start', { min: 0 }),
        openS47Per10k: num(per10k, 'Children with a Section 47 enquiry in progress at the start', { min: 0 }),
        closuresPerMonthPer10k: num(per10kMonth, 'Cases closed a month (RC7–RC9) in the 24 months before the start; the closed children can be re-contacted and re-referred', { min: 0 }),
      })
      .meta({ description: 'Opening stock: children already open when the run starts (synthesised with time already spent in their state)' }),
  })
  .superRefine((p, ctx) => {
    if (p.opening.uascPer10k > p.opening.claPer10k) ctx.addIssue({ code: 'custom', path: ['opening', 'uascPer10k'], message: `must not exceed opening.claPer10k (${p.opening.claPer10k})` });
    for (const a of LEAVER_AGES) {
      const cl = p.careLeavers?.[a];
      if (!cl) continue;
      for (const k of ['eet', 'suitableAccommodation'] as const) {
        if (cl[k] > cl.inTouch) ctx.addIssue({ code: 'custom', path: ['careLeavers', a, k], message: `must not exceed careLeavers.${a}.inTouch (${cl.inTouch}): care leavers not in touch have no information` });
      }
    }
  })
  .meta({ description: 'Case-flow model parameters' });

export type Parameters = z.infer<typeof ParametersSchema>;

/** JSON Schema of the parameters (every number with its unit and description). */
export function parametersJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ParametersSchema, { io: 'input' }) as Record<string, unknown>;
}

export { ParameterError };

/** Formats a zod issue path as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s === '' ? String(p) : `.${String(p)}`;
  }
  return s || '(root)';
}

/** Validates parameters; the error names the first bad field and the reason. */
export function parseParameters(value: unknown, where = 'parameters'): Parameters {
  const r = ParametersSchema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: formatPath([where, ...i.path]), message: i.message }));
  throw new ParameterError(`${issues[0].path}: ${issues[0].message}`, issues);
}
