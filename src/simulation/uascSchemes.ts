/**
 * Schemas of the UASC options that follow the Home Office's schemes: the National Transfer Scheme
 * (arrivals as an allocation share of the council's child population) and the grant the Home
 * Office pays councils for UASC and former UASC care leavers (income beside placement spend).
 */
import { z } from 'zod';

const meta = (unit: string, description: string) => ({ unit, description });

export const NationalTransferSchemeSchema = z
  .strictObject({
    thresholdPer10k: z
      .number()
      .min(0)
      .max(100)
      .meta(
        meta(
          'per 10,000 children',
          'UASC looked after per 10,000 children aged 0–17 up to which the National Transfer Scheme allocates children to the council (the scheme\'s rate: 0.1% of the child population, 10 per 10,000)',
        ),
      ),
    transfersPerMonthPer10k: z
      .number()
      .min(0)
      .max(100)
      .meta(
        meta(
          'per 10,000 children per month',
          'Most UASC the scheme transfers to the council in a month while its UASC looked after are below the threshold: each month the transfers are Poisson around the smaller of this and the gap to the threshold at the start of the month',
        ),
      ),
  })
  .meta({
    description:
      'National Transfer Scheme: on top of the UASC who arrive in the council (arrivalsPerMonthPer10k), children transferred from other councils until its UASC looked after reach the threshold, so the number reaches that level and holds it (left out: no transfers)',
  });

export const UascGrantSchema = z
  .strictObject({
    under18GbpPerDay: z
      .number()
      .min(0)
      .max(10_000)
      .meta(meta('GBP per day', 'Home Office grant per UASC looked after (under 18), per day (2024-25: £143.00 a night for UASC placed by the National Transfer Scheme or in high-pressure areas)')),
    careLeaverGbpPerWeek: z
      .number()
      .min(0)
      .max(100_000)
      .meta(meta('GBP per week', 'Home Office grant per former UASC care leaver aged 18–25 the council supports, per week (2024-25: £270 a week)')),
    source: z.string().min(1).meta({ unit: 'text', description: 'Where the grant rates come from' }),
  })
  .meta({ description: 'Home Office funding for UASC and former UASC care leavers, reported as income beside the spend (left out: no income); rates as published, not inflated' });
