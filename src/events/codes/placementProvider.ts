import type { CodeEntry } from './codeList.ts';

/** SSDA903 placement provider (PLACE_PROVIDER). */
export const PLACEMENT_PROVIDER = [
  { code: 'PR0', label: 'Parent(s) or other person(s) with parental responsibility' },
  { code: 'PR1', label: 'Own provision (by the LA)' },
  { code: 'PR2', label: 'Other LA provision' },
  { code: 'PR3', label: 'Other public provision (e.g. by a PCT etc)' },
  { code: 'PR4', label: 'Private provision' },
  { code: 'PR5', label: 'Voluntary/third sector provision' },
] as const satisfies readonly CodeEntry[];

export type PlacementProvider = (typeof PLACEMENT_PROVIDER)[number]['code'];
