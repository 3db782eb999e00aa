import type { CodeEntry } from './codeList.ts';

/**
 * SSDA903 OC3 (care leavers, recorded around the 17th to 21st birthdays): whether the council is
 * in touch with the young person (IN_TOUCH), their main activity (ACTIV) and their accommodation
 * (ACCOM), as the DfE's SSDA903 guidance lists them.
 */
export const IN_TOUCH = [
  { code: 'YES', label: 'Yes' },
  { code: 'NO', label: 'No' },
  { code: 'DIED', label: 'Young person has died' },
  { code: 'REFU', label: 'Young person refuses contact' },
  { code: 'NREQ', label: 'Young person no longer requires services' },
  { code: 'RHOM', label: 'Young person has returned home' },
] as const satisfies readonly CodeEntry[];

export type InTouch = (typeof IN_TOUCH)[number]['code'];

/**
 * OC3 main activity. F codes are full time, P codes part time: both are in education, employment
 * or training (EET); G codes are not (NEET); 0 means no information (not in touch). F3/P3
 * (training or employment) are the earlier returns' codes, read as EET.
 */
export const ACTIVITY = [
  { code: 'F1', label: 'Full-time in higher education' },
  { code: 'P1', label: 'Part-time in higher education' },
  { code: 'F2', label: 'Full-time in education other than higher education' },
  { code: 'P2', label: 'Part-time in education other than higher education' },
  { code: 'F3', label: 'Full-time in training or employment (earlier returns)' },
  { code: 'P3', label: 'Part-time in training or employment (earlier returns)' },
  { code: 'F4', label: 'Full-time apprenticeship or traineeship' },
  { code: 'P4', label: 'Part-time apprenticeship or traineeship' },
  { code: 'F5', label: 'Full-time employment (including self-employment)' },
  { code: 'P5', label: 'Part-time employment (including self-employment)' },
  { code: 'G4', label: 'Not in education, employment or training: illness or disability' },
  { code: 'G5', label: 'Not in education, employment or training: other reasons' },
  { code: 'G6', label: 'Not in education, employment or training: pregnancy or parenting' },
  { code: '0', label: 'No information' },
] as const satisfies readonly CodeEntry[];

export type Activity = (typeof ACTIVITY)[number]['code'];

/** True when an OC3 activity code is education, employment or training (F or P codes). */
export function isEet(activity: string): boolean {
  return activity.length === 2 && (activity[0] === 'F' || activity[0] === 'P');
}

const ACCOM_TYPES = [
  ['B', 'With parents or relatives'],
  ['C', 'Community home or other form of residential care'],
  ['D', 'Semi-independent, transitional or self-contained accommodation'],
  ['E', 'Supported lodgings'],
  ['G', 'Gone abroad'],
  ['H', 'Deported'],
  ['K', 'Ordinary lodgings, without formal support'],
  ['R', 'Residence not known'],
  ['S', 'No fixed abode or homeless'],
  ['T', 'Foyers and similar supported accommodation'],
  ['U', 'Independent living'],
  ['V', 'Emergency accommodation'],
  ['W', 'Bed and breakfast'],
  ['X', 'In custody'],
  ['Y', 'Other accommodation'],
  ['Z', 'With former foster carers'],
] as const;

type AccomType = (typeof ACCOM_TYPES)[number][0];

/**
 * OC3 accommodation: the type of accommodation followed by the suitability flag the DfE uses
 * (1 suitable, 2 not suitable), e.g. `U1` independent living, suitable; 0 means no information.
 */
export const ACCOMMODATION: readonly { readonly code: Accommodation; readonly label: string }[] = [
  ...ACCOM_TYPES.flatMap(([t, label]) => [
    { code: `${t}1` as const, label: `${label}: suitable` },
    { code: `${t}2` as const, label: `${label}: not suitable` },
  ]),
  { code: '0', label: 'No information' },
];

export type Accommodation = `${AccomType}${1 | 2}` | '0';

/** True when an OC3 accommodation code is flagged suitable (second character 1). */
export function isSuitableAccommodation(accommodation: string): boolean {
  return accommodation.length === 2 && accommodation[1] === '1';
}
