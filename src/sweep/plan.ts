/**
 * A sweep plan's points and jobs. Point p is design point p mod D applied to base scenario
 * floor(p / D) (D design points); its replications are split into jobs of `replicationsPerJob`.
 * Replication r of point p draws every random number from streams derived from
 * (sweep seed, p, r): the point's seed is drawn from `Rng.stream(seed, p)` and the engine runs
 * replication r of it (with `streams: "common"`, from (sweep seed, scenario, r)), so a job's
 * result depends on nothing but the plan and its number.
 */
import { applyInterventions } from '../scenarios/interventions.ts';
import type { Scenario } from '../scenarios/index.ts';
import { ParametersSchema, formatPath, type Parameters } from '../simulation/parameters.ts';
import { Rng } from '../simulation/random.ts';
import { InputError } from '../errors.ts';
import { setParameter, type SweepPlan } from './spec.ts';

export interface JobRef {
  readonly job: number;
  readonly point: number;
  readonly firstReplication: number;
  readonly replications: number;
}

export function pointCount(plan: SweepPlan): number {
  return plan.bases.length * plan.design.points.length;
}

export function jobsPerPoint(plan: SweepPlan): number {
  return Math.ceil(plan.runs / plan.replicationsPerJob);
}

export function jobCount(plan: SweepPlan): number {
  return pointCount(plan) * jobsPerPoint(plan);
}

export function jobRef(plan: SweepPlan, job: number): JobRef {
  if (!Number.isInteger(job) || job < 0 || job >= jobCount(plan)) throw new RangeError(`job ${job} is not a job of sweep ${plan.id} (0 to ${jobCount(plan) - 1})`);
  const per = jobsPerPoint(plan);
  const point = Math.floor(job / per);
  const first = (job % per) * plan.replicationsPerJob;
  return { job, point, firstReplication: first, replications: Math.min(plan.replicationsPerJob, plan.runs - first) };
}

/**
 * The seed of point p: replication r of the point is the engine's replication r of this seed.
 * With common random numbers, every point of a scenario shares its scenario's seed.
 */
export function pointSeed(plan: SweepPlan, point: number): number {
  if (plan.streams === 'common') return Rng.stream(plan.seed, 0xc0, Math.floor(point / plan.design.points.length)).nextUint32();
  return Rng.stream(plan.seed, point).nextUint32();
}

export function pointBase(plan: SweepPlan, point: number): Scenario {
  return plan.bases[Math.floor(point / plan.design.points.length)];
}

export function pointValues(plan: SweepPlan, point: number): number[] {
  return plan.design.points[point % plan.design.points.length];
}

/** "cp_to_care = 0.1, direct_entries = 0.05": a point's factor values, for messages. */
export function describePoint(plan: SweepPlan, point: number): string {
  const v = pointValues(plan, point);
  const base = plan.bases.length > 1 ? `${pointBase(plan, point).name}: ` : '';
  return base + plan.factors.map((f, i) => `${f.name} = ${+v[i].toPrecision(6)}`).join(', ');
}

/** The scenario of a point: its base with every factor applied; invalid parameters are an InputError naming the point. */
export function pointScenario(plan: SweepPlan, point: number): Scenario {
  const base = pointBase(plan, point);
  const values = pointValues(plan, point);
  const apply = (params: Parameters, i: number): Parameters => {
    const f = plan.factors[i];
    try {
      if (f.path !== undefined) return setParameter(params, f.path, values[i]);
      return applyInterventions(params, [{ name: 'sweep', start: base.start, rampMonths: 0, effects: [{ lever: f.lever!, change: f.change!, value: values[i] }] }], [1]);
    } catch (err) {
      throw new InputError(`sweep point ${point} (${describePoint(plan, point)}): factor ${f.name}: ${(err as Error).message}`);
    }
  };
  let params: Parameters = base.parameters;
  for (let i = 0; i < plan.factors.length; i++) params = apply(params, i);
  if (!ParametersSchema.safeParse(params).success) {
    // find the first factor that makes the parameters invalid, to name it
    params = base.parameters;
    for (let i = 0; i < plan.factors.length; i++) {
      params = apply(params, i);
      const check = ParametersSchema.safeParse(params);
      if (!check.success) {
        const issue = check.error.issues[0];
        throw new InputError(`sweep point ${point} (${describePoint(plan, point)}): factor ${plan.factors[i].name} = ${+values[i].toPrecision(6)} makes parameters.${formatPath(issue.path)} invalid: ${issue.message}`);
      }
    }
  }
  return { ...base, parameters: params };
}
