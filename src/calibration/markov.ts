/**
 * The expected-value Markov projection of children looked after that councils use today (the
 * children's services demand model of Social Finance and data-to-insight), as a benchmark.
 *
 * States are age band × placement group. From a reference window of a care history it estimates
 * daily transition rates between states (moves between placement groups, and leaving care) as
 * transitions ÷ child-days in the state the day before, and daily entrants into care per state
 * (entries ÷ days in the window). It projects the population day by day as expected values:
 * first ageing (a share 1 ÷ band length of each band moves up; the 16–17 band leaves care at
 * 18), then transitions (never more out of a state than are in it), then entrants.
 *
 * Leaving care on or after the 18th birthday is ageing, not a transition, so it is not counted
 * twice. Import repairs (a period cut by a missing return, a start made when a child is back in
 * a later return) are neither entries nor exits; the days are still counted.
 */
import { addYears, ageOn, daysInMonth, firstDayOfMonth, lastDayOfMonth } from '../calendar/index.ts';
import { PLACEMENT_GROUPS } from '../events/index.ts';
import { AGE_BANDS } from '../simulation/parameters.ts';
import type { CareHistory } from './careHistory.ts';

/** Lower age of each band in AGE_BANDS, and the age care ends (18). */
const BAND_FROM = [0, 1, 5, 10, 16, 18] as const;
export const DAYS_PER_YEAR = 365.25;
const G = PLACEMENT_GROUPS.length;
const B = AGE_BANDS.length;
/** Number of states (age band × placement group). */
export const MARKOV_STATES = B * G;
/** Index of "left care" among the destinations of a transition. */
export const LEFT_CARE = G;

export function stateOf(band: number, group: number): number {
  return band * G + group;
}

export function stateLabel(s: number): string {
  return `${AGE_BANDS[Math.floor(s / G)]}/${PLACEMENT_GROUPS[s % G]}`;
}

/** Band index for an age in whole years; -1 from 18. */
function bandOfAge(age: number): number {
  if (age >= 18) return -1;
  let b = 0;
  while (b < B - 1 && age >= BAND_FROM[b + 1]) b++;
  return b;
}

export interface MarkovRates {
  /** First and last day of the reference window (day numbers, inclusive). */
  readonly from: number;
  readonly to: number;
  /** Child-days in each state (at the end of the days before each day of the window). */
  readonly stockDays: Float64Array;
  /** counts[s * (G + 1) + t]: transitions from state s to group t, or out of care (t = LEFT_CARE). */
  readonly counts: Float64Array;
  /** counts ÷ stockDays: the daily probability of each transition. */
  readonly rates: Float64Array;
  /** Entries to care in the window, by state at entry. */
  readonly entries: Float64Array;
  /** Entrants a day, by state (entries ÷ days in the window). */
  readonly entrantsPerDay: Float64Array;
}

/**
 * Adds the child-days a history spends in each state over days [a, b) (b exclusive) to `out`,
 * splitting at birthdays where the age band changes.
 */
function addDays(dob: number, group: number, a: number, b: number, out: Float64Array): void {
  let d = a;
  while (d < b) {
    const band = bandOfAge(ageOn(dob, d));
    if (band < 0) return;
    const next = Math.min(b, addYears(dob, BAND_FROM[band + 1]));
    out[stateOf(band, group)] += next - d;
    d = next;
  }
}

/** Fits the daily rates over the reference window [from, to] (day numbers, inclusive). */
export function fitMarkov(histories: readonly CareHistory[], from: number, to: number): MarkovRates {
  if (to < from) throw new RangeError('the reference window must end on or after it starts');
  const stockDays = new Float64Array(MARKOV_STATES);
  const counts = new Float64Array(MARKOV_STATES * (G + 1));
  const entries = new Float64Array(MARKOV_STATES);
  for (const h of histories) {
    const segs = h.segments;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      // exposure: in the state at the end of days from − 1 … to − 1
      const a = Math.max(seg.from, from - 1);
      const b = Math.min(seg.to, to);
      if (b > a) addDays(h.dob, seg.group, a, b, stockDays);
      if (seg.entry && seg.from >= from && seg.from <= to) {
        const band = bandOfAge(ageOn(h.dob, seg.from));
        if (band >= 0) entries[stateOf(band, seg.group)]++;
      }
      if (seg.to < from || seg.to > to || (seg.end !== 'move' && seg.end !== 'exit')) continue;
      const band = bandOfAge(ageOn(h.dob, seg.to - 1));
      if (band < 0) continue;
      if (seg.end === 'exit') {
        if (ageOn(h.dob, seg.to) >= 18) continue; // ageing out, not a transition
        counts[stateOf(band, seg.group) * (G + 1) + LEFT_CARE]++;
      } else {
        counts[stateOf(band, seg.group) * (G + 1) + segs[i + 1].group]++;
      }
    }
  }
  const rates = new Float64Array(counts.length);
  for (let s = 0; s < MARKOV_STATES; s++) {
    if (stockDays[s] <= 0) continue;
    for (let t = 0; t <= G; t++) rates[s * (G + 1) + t] = counts[s * (G + 1) + t] / stockDays[s];
  }
  const days = to - from + 1;
  return { from, to, stockDays, counts, rates, entries, entrantsPerDay: entries.map((n) => n / days) };
}

/** Children looked after at the end of `day`, by state. */
export function markovPopulation(histories: readonly CareHistory[], day: number): Float64Array {
  const pop = new Float64Array(MARKOV_STATES);
  for (const h of histories) {
    for (const seg of h.segments) {
      if (seg.from > day || seg.to <= day) continue;
      const band = bandOfAge(ageOn(h.dob, day));
      if (band >= 0) pop[stateOf(band, seg.group)]++;
    }
  }
  return pop;
}

export interface MarkovProjection {
  /** Month index of the first projected month (the month after the origin). */
  readonly firstMonth: number;
  readonly months: number;
  /** Monthly values: cla_open, cla_starts, cla_ends and cla_placement_<group> (month-end stocks, monthly flows). */
  readonly values: Record<string, Float64Array>;
}

/** One day of the projection: ageing, transitions, entrants. Returns [entered, left] that day. */
export function markovDay(pop: Float64Array, m: MarkovRates): [number, number] {
  let left = 0;
  // ageing, from the oldest band down so that no one moves two bands in a day
  for (let band = B - 1; band >= 0; band--) {
    const share = 1 / ((BAND_FROM[band + 1] - BAND_FROM[band]) * DAYS_PER_YEAR);
    for (let g = 0; g < G; g++) {
      const s = stateOf(band, g);
      const moved = pop[s] * share;
      pop[s] -= moved;
      if (band === B - 1) left += moved;
      else pop[stateOf(band + 1, g)] += moved;
    }
  }
  // transitions, all computed from the population after ageing
  const before = pop.slice();
  for (let s = 0; s < MARKOV_STATES; s++) {
    if (before[s] <= 0) continue;
    let out = 0;
    for (let t = 0; t <= G; t++) out += m.rates[s * (G + 1) + t];
    if (out <= 0) continue;
    const scale = Math.min(1, out) / out;
    for (let t = 0; t <= G; t++) {
      const r = m.rates[s * (G + 1) + t];
      if (r === 0) continue;
      const n = before[s] * r * scale;
      pop[s] -= n;
      if (t === LEFT_CARE) left += n;
      else pop[s - (s % G) + t] += n;
    }
  }
  let entered = 0;
  for (let s = 0; s < MARKOV_STATES; s++) {
    pop[s] += m.entrantsPerDay[s];
    entered += m.entrantsPerDay[s];
  }
  return [entered, left];
}

/**
 * Projects `months` whole months from the population at the end of `origin` (the last day of a
 * month): month-end stocks and each month's entries and exits, as expected values.
 */
export function projectMarkov(m: MarkovRates, initial: Float64Array, originMonth: number, months: number): MarkovProjection {
  const pop = initial.slice();
  const values: Record<string, Float64Array> = { cla_open: new Float64Array(months), cla_starts: new Float64Array(months), cla_ends: new Float64Array(months) };
  for (const g of PLACEMENT_GROUPS) values[`cla_placement_${g}`] = new Float64Array(months);
  for (let i = 0; i < months; i++) {
    const month = originMonth + 1 + i;
    let entered = 0;
    let left = 0;
    for (let d = 0, n = daysInMonth(month); d < n; d++) {
      const [e, l] = markovDay(pop, m);
      entered += e;
      left += l;
    }
    values.cla_starts[i] = entered;
    values.cla_ends[i] = left;
    let total = 0;
    for (let s = 0; s < MARKOV_STATES; s++) {
      total += pop[s];
      values[`cla_placement_${PLACEMENT_GROUPS[s % G]}`][i] += pop[s];
    }
    values.cla_open[i] = total;
  }
  return { firstMonth: originMonth + 1, months, values };
}

/** The reference window of `monthsBack` whole months ending with `originMonth` (day numbers). */
export function referenceWindow(originMonth: number, monthsBack: number): { from: number; to: number } {
  return { from: firstDayOfMonth(originMonth - monthsBack + 1), to: lastDayOfMonth(originMonth) };
}
