/**
 * Back-dated CP plans of the opening stock (`opening.cpHistory`). Children known at the start had
 * plans before the run, and the repeat-plan KPIs need them in the stream: a child on a second or
 * subsequent plan at the start gets its latest previous plan, and a child on a CIN plan, with an
 * assessment or S47 enquiry in progress, or closed in the 24 months before, gets one with
 * probability `pastPlanProbability`. Each past plan sits in an episode of need of its own
 * (referral, assessment, strategy discussion, S47, ICPC, plan), which closes (RC7) the day the
 * plan ends, before the child's current or last episode began. The plan's length is drawn from the
 * model's plan lengths; its end lies within 2 years before that episode with probability
 * `within2YearsProbability`, else 2 to 10 years before.
 *
 * The ops go through the same script as the rest of the opening history (history.ts), so the
 * events reach the projector as numbers, like every simulated event.
 */
import { workingDaysBetween } from '../calendar/index.ts';
import type { Duration, UniformSource } from './distributions.ts';
import { ASSESS_OUT, S47_OUT } from './compile.ts';
import type { OpeningChild, PastCpPlan, RecentlyClosedChild } from './opening.ts';
import type { Parameters } from './parameters.ts';
import { RC } from './states.ts';
import {
  CLOSE_ENDS_CP,
  HistoryTrack,
  OP_ASSESS_AUTH,
  OP_ASSESS_START,
  OP_CLOSE,
  OP_CONTACT,
  OP_CONTACT_REF,
  OP_CP_START,
  OP_ICPC,
  OP_REFERRAL,
  OP_REG,
  OP_S47_END,
  OP_S47_START,
  OP_STRATEGY,
} from './historyTrack.ts';

const DAYS_PER_MONTH = 30.436875;
/** Days from a past plan's referral to the plan (its assessment, strategy discussion, S47 and ICPC). */
export const PAST_PLAN_LEAD_DAYS = 30;
/** Script ops of one past plan. */
export const PAST_PLAN_OPS = 13;

type CpHistory = NonNullable<Parameters['opening']['cpHistory']>;
type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Day the script opens the child's current (or last) episode, as history.ts's scripts do. */
function episodeStart(ch: OpeningChild | RecentlyClosedChild): number {
  if ('state' in ch) {
    const ref = Math.min(ch.lastReferral ?? ch.since, ch.since);
    return ch.state === 'cp' || ch.cinActivity === 's47' ? Math.min(ref, ch.since - 20) : ref;
  }
  return Math.min(ch.closedOn, ch.lastReferral);
}

/**
 * A past plan ending before `episode` (a day), or undefined when the child would have been too
 * young for it (its episode would open before the date of birth).
 */
export function samplePastCpPlan(episode: number, dob: number, h: CpHistory, months: Duration, rng: UniformSource): PastCpPlan | undefined {
  const gapMonths = rng.uniform() < h.within2YearsProbability ? 0.25 + 23.5 * rng.uniform() : 24.25 + 95.5 * rng.uniform();
  const end = episode - Math.max(1, Math.round(gapMonths * DAYS_PER_MONTH));
  const start = end - Math.max(1, Math.round(months.sample(rng) * DAYS_PER_MONTH));
  if (start - PAST_PLAN_LEAD_DAYS < dob) return undefined;
  return { start, end };
}

/**
 * Gives the opening children and the recently closed their past CP plans, in place (the objects
 * are the sampler's own, just built: a copy of each was a tenth of the sampling). Drawn after the
 * rest of the opening stock, so that it draws the same numbers with or without them.
 */
export function addPastCpPlans(children: OpeningChild[], closed: RecentlyClosedChild[], h: CpHistory | undefined, months: Duration, rng: UniformSource): void {
  if (h === undefined) return;
  for (let i = 0; i < children.length; i++) {
    const ch = children[i];
    const want = ch.state === 'cp' ? (ch.previousCpPlans ?? 0) > 0 : ch.state === 'cin' && rng.uniform() < h.pastPlanProbability;
    if (!want) continue;
    const plan = samplePastCpPlan(episodeStart(ch), ch.dateOfBirth, h, months, rng);
    if (plan) (ch as Writable<OpeningChild>).pastCpPlan = plan;
  }
  for (let i = 0; i < closed.length; i++) {
    const ch = closed[i];
    if (ch.leftCare || !(rng.uniform() < h.pastPlanProbability)) continue;
    const plan = samplePastCpPlan(episodeStart(ch), ch.dateOfBirth, h, months, rng);
    if (plan) (ch as Writable<RecentlyClosedChild>).pastCpPlan = plan;
  }
}

/** The day `n` working days before `day` (n >= 1). */
function workingDaysBefore(day: number, n: number): number {
  let d = day - 1;
  while (workingDaysBetween(d, day) < n) d--;
  return d;
}

/**
 * Writes the script of a past plan's episode for the slot being built, registration first, when
 * the plan ends before `before` (the day the child's next episode opens) and starts after the
 * date of birth; returns whether it did (if not, the caller registers the child itself).
 */
export function scriptPastCpPlan(t: HistoryTrack, plan: PastCpPlan, before: number, dob: number, previous: number, category: number): boolean {
  if (plan.end >= before || plan.start <= dob || plan.end <= plan.start) return false;
  const ref = Math.max(dob, plan.start - PAST_PLAN_LEAD_DAYS);
  const strategy = Math.max(ref, workingDaysBefore(plan.start, 10));
  t.op(ref, OP_REG, 0);
  t.op(ref, OP_CONTACT, 0);
  t.op(ref, OP_CONTACT_REF, 0);
  t.op(ref, OP_REFERRAL, 0);
  t.op(ref, OP_ASSESS_START, 0);
  t.op(strategy, OP_ASSESS_AUTH, ASSESS_OUT.s47);
  t.op(strategy, OP_STRATEGY, 0);
  t.op(strategy, OP_S47_START, 0);
  t.op(plan.start, OP_S47_END, S47_OUT.icpc);
  t.op(plan.start, OP_ICPC, 1);
  t.op(plan.start, OP_CP_START, Math.min(255, Math.max(0, previous)) | (category << 8));
  t.op(plan.end, OP_CLOSE, CLOSE_ENDS_CP);
  t.op(plan.end, OP_CLOSE, RC.RC7);
  return true;
}
