/**
 * What an intervention costs to run: posts, yearly costs (training, licences), one-off costs and
 * costs per unit of work (per family, per child-month on a plan …), from a start month, at a
 * price month's prices raised by inflation. `compare` sets a scenario's programme cost against
 * the placement spend it saves.
 *
 * Monthly cost of an item in month m (from the cost's start month up to, not including, its end):
 * posts × £ per post per year ÷ 12; £ per year ÷ 12; a one-off £ in its month; £ per unit × the
 * month's value of a count KPI (events in the month for a flow, children at month end for a
 * stock). Every amount is multiplied by (1 + inflation)^k, k = whole 12-month steps from the price
 * month (negative before it), as placement unit costs are.
 */
import { z } from 'zod';
import { monthKey, parseMonth } from '../calendar/index.ts';
import { kpiDef } from '../projections/catalogue.ts';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a month YYYY-MM' });
const gbp = (description: string) => z.number().min(0).meta({ unit: 'GBP', description });
const note = z.string().optional().meta({ description: 'Where this figure comes from, or why it was chosen' });
const name = z.string().min(1).meta({ description: 'What the cost is for, shown in reports' });

/** Refines an object with months `start` and `end` (`YYYY-MM`): the end must come after the start (while either is not a month yet, the month check speaks). */
export function endAfterStart<T extends { readonly start?: string; readonly end?: string }>(v: T, ctx: z.RefinementCtx<T>): void {
  if (v.start !== undefined && v.end !== undefined && /^\d{4}-\d{2}$/.test(v.start) && /^\d{4}-\d{2}$/.test(v.end) && v.end <= v.start) {
    ctx.addIssue({ code: 'custom', path: ['end'], message: `must be after start (${v.start})` });
  }
}

export const CostItemSchema = z
  .discriminatedUnion('kind', [
    z
      .strictObject({
        kind: z.literal('posts'),
        name,
        posts: z.number().min(0).meta({ unit: 'FTE', description: 'Posts (full-time equivalent)' }),
        gbpPerPostPerYear: gbp('Cost of one post a year, with on-costs (employer pension and national insurance)'),
        note,
      })
      .meta({ description: 'Staff posts, charged monthly (one twelfth of a year each month)' }),
    z.strictObject({ kind: z.literal('annual'), name, gbpPerYear: gbp('Cost a year'), note }).meta({ description: 'A yearly cost (training, licences, supervision), charged monthly' }),
    z
      .strictObject({ kind: z.literal('one_off'), name, gbp: gbp('Cost, once'), month: month.optional().meta({ unit: 'YYYY-MM', description: 'Month charged (default: the cost’s start month)' }), note })
      .meta({ description: 'A one-off cost (set-up, initial training)' }),
    z
      .strictObject({
        kind: z.literal('per_unit'),
        name,
        gbp: gbp('Cost per unit: per event for a monthly count KPI, per child per month for a month-end stock'),
        kpi: z.string().min(1).meta({ description: 'Count KPI whose monthly value is the number of units (e.g. cp_starts: per family starting a plan; cp_open: per child on a plan per month)' }),
        note,
      })
      .superRefine((it, ctx) => {
        const def = kpiDef(it.kpi);
        if (!def || (def.basis !== 'month_count' && def.basis !== 'month_end_stock')) {
          ctx.addIssue({ code: 'custom', path: ['kpi'], message: `must be a count KPI (a monthly count or a month-end stock), not "${it.kpi}"` });
        }
      })
      .meta({ description: 'A cost per unit of work, scaled by a count KPI of the same scenario, replication by replication' }),
  ])
  .meta({ description: 'One item of a programme’s running cost; "kind" is posts, annual, one_off or per_unit' });

export const ProgrammeCostSchema = z
  .strictObject({
    start: month.optional().meta({ unit: 'YYYY-MM', description: 'First month with costs (default: the intervention’s start; set it earlier for recruitment and training before launch)' }),
    end: month.optional().meta({ unit: 'YYYY-MM', description: 'First month with no costs (default: the intervention’s end, if any)' }),
    priceMonth: month.meta({ unit: 'YYYY-MM', description: 'Month whose prices the amounts are in' }),
    inflationPctPerYear: z.number().min(-20).max(50).meta({ unit: '% per year', description: 'Annual inflation of the amounts after priceMonth' }),
    sources: z.string().min(1).meta({ description: 'Where the cost assumptions come from' }),
    items: z.array(CostItemSchema).min(1).meta({ description: 'Cost items' }),
  })
  .superRefine(endAfterStart)
  .meta({ description: 'What the intervention costs to run (posts, training, per-family costs), with inflation' });

export type CostItem = z.infer<typeof CostItemSchema>;
export type ProgrammeCost = z.infer<typeof ProgrammeCostSchema>;

/** What programmeCostByMonth needs of an intervention. */
export interface CostedIntervention {
  readonly name: string;
  readonly start: string;
  readonly end?: string;
  readonly cost?: ProgrammeCost;
}

/** Monthly values of a count KPI for one replication (for per-unit items). */
export type KpiValues = (kpi: string) => ArrayLike<number> | undefined;

/**
 * Programme cost of each month from `startMonth` for `months` months, summed over the
 * interventions (each in its own cost window). Per-unit items read `values` (one replication's
 * KPIs); without them a per-unit item costs nothing, so pass them wherever such items exist.
 */
export function programmeCostByMonth(interventions: readonly CostedIntervention[], startMonth: string, months: number, values?: KpiValues): Float64Array {
  const out = new Float64Array(months);
  const first = parseMonth(startMonth);
  for (const iv of interventions) {
    const c = iv.cost;
    if (!c) continue;
    const from = parseMonth(c.start ?? iv.start);
    const endKey = c.end ?? iv.end;
    const to = endKey !== undefined ? parseMonth(endKey) : Number.POSITIVE_INFINITY;
    const price = parseMonth(c.priceMonth);
    const inflation = 1 + c.inflationPctPerYear / 100;
    for (let k = 0; k < months; k++) {
      const m = first + k;
      if (m < from || m >= to) continue;
      const factor = Math.pow(inflation, Math.floor((m - price) / 12));
      let cost = 0;
      for (const it of c.items) {
        switch (it.kind) {
          case 'posts':
            cost += (it.posts * it.gbpPerPostPerYear) / 12;
            break;
          case 'annual':
            cost += it.gbpPerYear / 12;
            break;
          case 'one_off':
            if (m === parseMonth(it.month ?? c.start ?? iv.start)) cost += it.gbp;
            break;
          case 'per_unit': {
            const v = values?.(it.kpi)?.[k];
            if (v !== undefined && Number.isFinite(v)) cost += it.gbp * v;
            break;
          }
        }
      }
      out[k] += cost * factor;
    }
  }
  return out;
}

/** True when some intervention has a per-unit cost item (its cost then differs between replications). */
export function hasPerUnitCosts(interventions: readonly CostedIntervention[]): boolean {
  return interventions.some((iv) => iv.cost?.items.some((it) => it.kind === 'per_unit') ?? false);
}

/** One line per cost item, for reports and run metadata. */
export function describeProgrammeCosts(interventions: readonly CostedIntervention[]): string[] {
  const lines: string[] = [];
  const money = (v: number) => `£${Math.round(v).toLocaleString('en-GB')}`;
  for (const iv of interventions) {
    const c = iv.cost;
    if (!c) continue;
    const from = c.start ?? iv.start;
    const end = c.end ?? iv.end;
    const when = `from ${from}${end ? ` until ${monthKey(parseMonth(end) - 1)}` : ''}, ${c.priceMonth} prices, inflation ${c.inflationPctPerYear}% a year`;
    for (const it of c.items) {
      const what =
        it.kind === 'posts'
          ? `${it.posts} posts × ${money(it.gbpPerPostPerYear)} a year`
          : it.kind === 'annual'
            ? `${money(it.gbpPerYear)} a year`
            : it.kind === 'one_off'
              ? `${money(it.gbp)} once (${it.month ?? from})`
              : `${money(it.gbp)} per unit of ${it.kpi}`;
      lines.push(`${iv.name} cost: ${it.name}: ${what} (${when})${it.note ? `; ${it.note}` : ''}`);
    }
    lines.push(`${iv.name} cost sources: ${c.sources}`);
  }
  return lines;
}
