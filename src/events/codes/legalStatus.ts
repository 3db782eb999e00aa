import type { CodeEntry } from './codeList.ts';

/** SSDA903 legal status (LS). */
export const LEGAL_STATUS = [
  { code: 'C1', label: 'Interim care order' },
  { code: 'C2', label: 'Full care order' },
  { code: 'D1', label: 'Freeing order granted' },
  { code: 'E1', label: 'Placement order granted' },
  { code: 'J1', label: 'Remanded to LA accommodation or youth detention accommodation' },
  { code: 'J2', label: 'Placed in LA accommodation under PACE' },
  { code: 'J3', label: 'Sentenced to a youth rehabilitation order with residence or fostering requirement' },
  { code: 'L1', label: 'Under police protection and in LA accommodation' },
  { code: 'L2', label: 'Emergency protection order' },
  { code: 'L3', label: 'Under child assessment order and in LA accommodation' },
  { code: 'V2', label: 'Single period of accommodation under section 20' },
  { code: 'V3', label: 'Accommodated under an agreed series of short-term breaks (single placements)' },
  { code: 'V4', label: 'Accommodated under an agreed series of short-term breaks (multiple placements)' },
] as const satisfies readonly CodeEntry[];

export type LegalStatus = (typeof LEGAL_STATUS)[number]['code'];
