/**
 * Placement group to SSDA903 codes. The model chooses placements by group (the level the KPIs and
 * unit costs use); this table turns a group into a PLACE and PLACE_PROVIDER pair that groups back
 * to it (`placementGroup(place, provider)`), with a realistic spread of codes inside each group.
 * Supported accommodation is H5 before 1 April 2024 and K3 (registered supported accommodation)
 * from then on, following the code lists' validity years.
 */
import { dayOf } from '../calendar/index.ts';
import { PLACEMENT, PLACEMENT_GROUPS, PLACEMENT_PROVIDER } from '../events/codes/index.ts';
import type { PlacementGroup } from '../events/index.ts';
import type { UniformSource } from './distributions.ts';

export const PLACE_CODES = PLACEMENT.map((p) => p.code);
export const PROVIDER_CODES = PLACEMENT_PROVIDER.map((p) => p.code);
const placeIndex = new Map<string, number>(PLACE_CODES.map((c, i) => [c, i]));
const providerIndex = new Map<string, number>(PROVIDER_CODES.map((c, i) => [c, i]));

export function placeIndexOf(code: string): number {
  const i = placeIndex.get(code);
  if (i === undefined) throw new RangeError(`unknown placement code "${code}"`);
  return i;
}

export function providerIndexOf(code: string): number {
  const i = providerIndex.get(code);
  if (i === undefined) throw new RangeError(`unknown placement provider code "${code}"`);
  return i;
}

/** First day on which K3 replaces H5 (collection year 2024-25). */
export const K3_FROM = dayOf(2024, 4, 1);

type Option = readonly [place: string, provider: string, weight: number];
const OPTIONS: Record<PlacementGroup, readonly Option[]> = {
  in_house_foster: [
    ['U6', 'PR1', 0.6],
    ['U4', 'PR1', 0.4],
  ],
  other_public_foster: [
    ['U6', 'PR2', 0.7],
    ['U4', 'PR2', 0.2],
    ['U6', 'PR3', 0.1],
  ],
  ifa: [
    ['U6', 'PR4', 0.55],
    ['U4', 'PR4', 0.35],
    ['U6', 'PR5', 0.1],
  ],
  kinship_foster: [
    ['U3', 'PR1', 0.6],
    ['U1', 'PR1', 0.4],
  ],
  residential: [
    ['K2', 'PR4', 0.75],
    ['K2', 'PR1', 0.2],
    ['K1', 'PR1', 0.05],
  ],
  supported: [['H5', 'PR4', 1]],
  other_residential: [
    ['R1', 'PR4', 0.3],
    ['R3', 'PR4', 0.3],
    ['R2', 'PR3', 0.1],
    ['R5', 'PR3', 0.3],
  ],
  residential_schools: [
    ['S1', 'PR4', 0.8],
    ['S1', 'PR1', 0.2],
  ],
  community: [
    ['P2', 'PR4', 0.9],
    ['P3', 'PR4', 0.1],
  ],
  placed_with_parents: [['P1', 'PR0', 1]],
  placed_for_adoption: [
    ['A6', 'PR1', 0.7],
    ['A5', 'PR1', 0.3],
  ],
  other: [['Z1', 'PR4', 1]],
};

interface Compiled {
  cumulative: Float64Array;
  place: Int16Array;
  provider: Int16Array;
}
const COMPILED: Compiled[] = PLACEMENT_GROUPS.map((g) => {
  const opts = OPTIONS[g];
  const total = opts.reduce((a, o) => a + o[2], 0);
  let c = 0;
  return {
    cumulative: Float64Array.from(opts, (o) => (c += o[2] / total)),
    place: Int16Array.from(opts, (o) => placeIndexOf(o[0])),
    provider: Int16Array.from(opts, (o) => providerIndexOf(o[1])),
  };
});
const H5 = placeIndexOf('H5');
const K3 = placeIndexOf('K3');

/** Chooses codes for a placement in group `group` (index into PLACEMENT_GROUPS) starting on `day`: place | provider << 8. */
export function choosePlacement(group: number, day: number, rng: UniformSource): number {
  const c = COMPILED[group];
  const u = rng.uniform();
  let i = 0;
  while (i < c.cumulative.length - 1 && u >= c.cumulative[i]) i++;
  let place = c.place[i];
  if (place === H5 && day >= K3_FROM) place = K3;
  return place | (c.provider[i] << 8);
}

/** The place code a placement carries in an episode recorded on `day`: H5 is recorded as K3 from April 2024. */
export function placeOnDay(place: number, day: number): number {
  return place === H5 && day >= K3_FROM ? K3 : place;
}
