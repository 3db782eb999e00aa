/**
 * Care leavers' statuses (SSDA903 OC3, `CareLeaverStatusRecorded`) in the reference window: the
 * shares in touch (IN_TOUCH YES), in education, employment or training (ACTIV F or P codes) and
 * in suitable accommodation (ACCOM ending 1) of the statuses recorded at the birthdays of each
 * age group of `careLeavers`, as binomial proportions (standard error √(p(1 − p)/n)). The shares
 * are of every status of the age, those not in touch included, as the engine draws them.
 *
 * A base with no `careLeavers` section records no statuses; a history whose statuses give an
 * estimate creates the section, with the national shares (`NATIONAL_CARE_LEAVERS`) for an age
 * group with too few statuses. Where a history's statuses put more care leavers in education or
 * suitable accommodation than in touch (an activity or accommodation recorded with IN_TOUCH other
 * than YES), the share in touch is raised to the larger of the two, so that the KPIs' shares stand.
 */
import { addYearsFast } from '../calendar/index.ts';
import { isEet, isSuitableAccommodation, type CaseEvent } from '../events/index.ts';
import { LEAVER_AGES, type Parameters } from '../simulation/parameters.ts';

type CareLeavers = NonNullable<Parameters['careLeavers']>;

/**
 * England's shares (the DfE's published figures for 2023–24, the in-touch shares an assumption),
 * as `scenarios/england-per-10k.json` carries them (a test keeps the two the same).
 */
export const NATIONAL_CARE_LEAVERS: CareLeavers = {
  '17-18': { inTouch: 0.95, eet: 0.66, suitableAccommodation: 0.9 },
  '19-21': { inTouch: 0.92, eet: 0.56, suitableAccommodation: 0.88 },
};

/** Columns of a tally row: statuses, in touch, EET, suitable accommodation. */
export const STATUS_N = 0;
const IN_TOUCH = 1;
const EET = 2;
const SUITABLE = 3;

/**
 * Index in LEAVER_AGES of a status recorded on `day` by a child whose 18th birthday is `b18`
 * (birthdays counted from the 18th, so 29 February births have theirs on 28 February, as the
 * engine counts them); -1 before the 17th birthday or from the 22nd.
 */
export function leaverAgeIndex(b18: number, day: number): number {
  if (day < addYearsFast(b18, -1) || day >= addYearsFast(b18, 4)) return -1;
  return day < addYearsFast(b18, 1) ? 0 : 1;
}

/**
 * Counts one status into `rows` (one per LEAVER_AGES group); the reason it is left out, if it is:
 * recorded while looked after, or outside the 17th to 21st birthdays (the engine records neither).
 */
export function tallyLeaverStatus(rows: readonly Float64Array[], b18: number, day: number, inCare: boolean, e: Extract<CaseEvent, { type: 'CareLeaverStatusRecorded' }>): string | undefined {
  if (inCare) return 'CareLeaverStatusRecorded while looked after';
  const a = leaverAgeIndex(b18, day);
  if (a < 0) return 'CareLeaverStatusRecorded outside the 17th to 21st birthdays';
  const r = rows[a];
  r[STATUS_N]++;
  if (e.inTouch === 'YES') r[IN_TOUCH]++;
  if (isEet(e.activity)) r[EET]++;
  if (isSuitableAccommodation(e.accommodation)) r[SUITABLE]++;
  return undefined;
}

/** The shares of each age group's statuses, handed to `share(path, successes, statuses, note)`. */
export function leaverShares(rows: readonly Float64Array[], share: (path: string, num: number, den: number, note?: string) => void): void {
  LEAVER_AGES.forEach((a, i) => {
    const r = rows[i];
    const note = `care leavers' statuses recorded at the ${a === '17-18' ? '17th and 18th' : '19th to 21st'} birthdays in the window (OC3): shares of all ${r[STATUS_N]}`;
    share(`careLeavers.${a}.inTouch`, r[IN_TOUCH], r[STATUS_N], note);
    share(`careLeavers.${a}.eet`, r[EET], r[STATUS_N]);
    share(`careLeavers.${a}.suitableAccommodation`, r[SUITABLE], r[STATUS_N]);
  });
}

/**
 * The base to write the estimates into: `base` itself, or, when it has no `careLeavers` and some
 * are estimated (`values`), `base` with the national shares, and the age groups left at them.
 */
export function leaverBase(base: Parameters, values: ReadonlyMap<string, number>): { base: Parameters; national: string[] } {
  if (base.careLeavers !== undefined) return { base, national: [] };
  const estimated = LEAVER_AGES.filter((a) => [...values.keys()].some((p) => p.startsWith(`careLeavers.${a}.`)));
  if (estimated.length === 0) return { base, national: [] };
  const careLeavers = Object.fromEntries(LEAVER_AGES.map((a) => [a, { ...NATIONAL_CARE_LEAVERS[a] }])) as CareLeavers;
  return { base: { ...base, careLeavers }, national: LEAVER_AGES.filter((a) => !estimated.includes(a)).map((a) => `careLeavers.${a}`) };
}

/** Each age group's share in touch at least its shares in education and in suitable accommodation (in place). */
export function leaversInTouch(careLeavers: CareLeavers | undefined): void {
  if (!careLeavers) return;
  for (const a of LEAVER_AGES) {
    const g = careLeavers[a];
    g.inTouch = Math.min(1, Math.max(g.inTouch, g.eet, g.suitableAccommodation));
  }
}
