/**
 * Interventions: ramped, time-limited changes to named levers. An intervention starts in a month,
 * reaches full effect after `rampMonths` (linearly: 1/ramp of the effect in its first month), and
 * stops at `end` if given. Interventions compose in the order they are listed; within one, effects
 * apply in order. `monthParameters()` (src/scenarios/effects.ts, without the schemas) turns a scenario into the effective parameters of every
 * simulated month, which the engine reads decision by decision.
 */
import { z } from 'zod';
import { produce } from 'immer';
import { parseMonth, monthKey } from '../calendar/index.ts';
import { ParametersSchema, formatPath, type Parameters } from '../simulation/parameters.ts';
import { LEVER_NAMES, allowedChanges, leverDef } from './levers.ts';
import { ProgrammeCostSchema, endAfterStart } from './programmeCost.ts';
import { applyEffect } from './effects.ts';

export { rampFraction, expandPath, applyInterventions, monthParameters } from './effects.ts';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a month YYYY-MM' });

export const EffectSchema = z
  .strictObject({
    lever: z.string().meta({ description: `Lever to change: one of ${LEVER_NAMES.join(', ')}` }),
    change: z.enum(['relative', 'absolute', 'shift']).meta({
      description: 'relative: value is a fraction (-0.3 = 30% less); absolute: value is added in the parameter’s unit; shift: value is the share of the lever’s "from" weight moved to its "to" weight (0–1)',
    }),
    value: z.number().meta({ description: 'Size of the change at full effect' }),
    note: z.string().optional().meta({ description: 'Evidence or reasoning for this value' }),
  })
  .superRefine((e, ctx) => {
    const def = leverDef(e.lever);
    if (!def) {
      ctx.addIssue({ code: 'custom', path: ['lever'], message: `unknown lever "${e.lever}" (known: ${LEVER_NAMES.join(', ')})` });
      return;
    }
    if (!allowedChanges(def.kind).includes(e.change)) {
      ctx.addIssue({ code: 'custom', path: ['change'], message: `lever ${e.lever} (${def.kind}) takes change ${allowedChanges(def.kind).join(' or ')}, not "${e.change}"` });
    }
    if (!Number.isFinite(e.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be a finite number' });
    if (e.change === 'relative' && e.value < -1) ctx.addIssue({ code: 'custom', path: ['value'], message: `a relative change below -1 (-100%) would make ${e.lever} negative (got ${e.value})` });
    if (e.change === 'shift' && (e.value < 0 || e.value > 1)) ctx.addIssue({ code: 'custom', path: ['value'], message: `a shift must be a share between 0 and 1 (got ${e.value})` });
  })
  .meta({ description: 'One change to one lever' });

export const InterventionSchema = z
  .strictObject({
    name: z.string().min(1).meta({ description: 'Name shown in reports' }),
    description: z.string().optional().meta({ description: 'What the intervention is' }),
    evidence: z.string().optional().meta({ description: 'Evidence level of the effect sizes (e.g. "assumption", "single-site evaluation", "programme claim")' }),
    start: month.meta({ unit: 'YYYY-MM', description: 'First month with any effect' }),
    rampMonths: z.number().int().min(0).max(240).meta({ unit: 'months', description: 'Months to full effect (0 = full effect at once)' }),
    end: month.optional().meta({ unit: 'YYYY-MM', description: 'First month with no effect (optional)' }),
    effects: z.array(EffectSchema).min(1).meta({ description: 'Changes to levers' }),
    cost: ProgrammeCostSchema.optional(),
  })
  .superRefine(endAfterStart)
  .meta({ description: 'A ramped change to named levers' });

export type Effect = z.infer<typeof EffectSchema>;
export type Intervention = z.infer<typeof InterventionSchema>;

export interface InterventionIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Checks that every intervention, applied in order at full effect on top of the earlier ones,
 * leaves valid parameters. Returns the first problem with the path of the effect responsible.
 */
export function checkInterventions(base: Parameters, interventions: readonly Intervention[]): InterventionIssue | undefined {
  let current = base;
  for (let i = 0; i < interventions.length; i++) {
    for (let j = 0; j < interventions[i].effects.length; j++) {
      const e = interventions[i].effects[j];
      const def = leverDef(e.lever)!;
      const where = `interventions[${i}].effects[${j}]`;
      try {
        current = produce(current, (d) => applyEffect(d, def, e, 1));
      } catch (err) {
        return { path: where, message: (err as Error).message };
      }
      const r = ParametersSchema.safeParse(current);
      if (!r.success) {
        const issue = r.error.issues[0];
        return { path: where, message: `${e.lever} ${e.change} ${e.value} makes parameters.${formatPath(issue.path)} invalid: ${issue.message}` };
      }
    }
  }
  return undefined;
}

/** One line per effect, for reports and run metadata. */
export function describeInterventions(interventions: readonly Intervention[]): string[] {
  const lines: string[] = [];
  for (const iv of interventions) {
    const when = `from ${iv.start}, ramp ${iv.rampMonths} month${iv.rampMonths === 1 ? '' : 's'}${iv.end ? `, until ${monthKey(parseMonth(iv.end) - 1)}` : ''}`;
    for (const e of iv.effects) {
      const size =
        e.change === 'relative' ? `${e.value >= 0 ? '+' : ''}${+(e.value * 100).toFixed(2)}%` : e.change === 'shift' ? `shift ${+(e.value * 100).toFixed(2)}%` : `${e.value >= 0 ? '+' : ''}${e.value}`;
      lines.push(`${iv.name}: ${e.lever} ${size} (${when})${iv.evidence ? `; evidence: ${iv.evidence}` : ''}${e.note ? `; ${e.note}` : ''}`);
    }
  }
  return lines;
}
