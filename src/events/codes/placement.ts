import type { CodeEntry } from './codeList.ts';

/** SSDA903 placement type (PLACE). `from`/`until` are collection years (year ending 31 March). */
export const PLACEMENT = [
  { code: 'A3', label: 'Placed for adoption with parental/guardian consent with current foster carer(s)' },
  { code: 'A4', label: 'Placed for adoption with parental/guardian consent not with current foster carer(s)' },
  { code: 'A5', label: 'Placed for adoption with placement order with current foster carer(s)' },
  { code: 'A6', label: 'Placed for adoption with placement order not with current foster carer(s)' },
  { code: 'H5', label: 'Semi-independent living accommodation not subject to children’s homes regulations', until: 2024 },
  { code: 'K1', label: 'Secure children’s home' },
  { code: 'K2', label: 'Children’s home subject to children’s homes regulations' },
  { code: 'K3', label: 'Registered supported accommodation', from: 2025 },
  { code: 'P1', label: 'Placed with own parent(s) or other person(s) with parental responsibility' },
  { code: 'P2', label: 'Independent living' },
  { code: 'P3', label: 'Residential employment' },
  { code: 'R1', label: 'Residential care home' },
  { code: 'R2', label: 'NHS/health trust or other establishment providing medical or nursing care' },
  { code: 'R3', label: 'Family centre or mother and baby unit' },
  { code: 'R5', label: 'Young offender institution or prison' },
  { code: 'S1', label: 'All residential schools, except where dual-registered as a school and children’s home' },
  { code: 'T0', label: 'Temporary placement: all types' },
  { code: 'T1', label: 'Temporary periods in hospital' },
  { code: 'T2', label: 'Temporary periods of absence of the child' },
  { code: 'T3', label: 'Temporary periods at a residential school' },
  { code: 'T4', label: 'Temporary periods in other circumstances' },
  { code: 'U1', label: 'Foster placement with relative or friend: long term fostering' },
  { code: 'U2', label: 'Foster placement with relative or friend who is also an approved adopter: FFA or concurrent planning' },
  { code: 'U3', label: 'Foster placement with relative or friend who is not long-term or FFA/concurrent planning' },
  { code: 'U4', label: 'Foster placement with other foster carer: long term fostering' },
  { code: 'U5', label: 'Foster placement with other foster carer who is also an approved adopter: FFA or concurrent planning' },
  { code: 'U6', label: 'Foster placement with other foster carer: not long term or FFA/concurrent planning' },
  { code: 'Z1', label: 'Other placements' },
] as const satisfies readonly CodeEntry[];

export type Placement = (typeof PLACEMENT)[number]['code'];
