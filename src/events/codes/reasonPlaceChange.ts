import type { CodeEntry } from './codeList.ts';

/** SSDA903 reason for placement change (REASON_PLACE_CHANGE). */
export const REASON_PLACE_CHANGE = [
  { code: 'CARPL', label: 'Change to/implementation of care plan' },
  { code: 'CLOSE', label: 'Resignation / closure of provision' },
  { code: 'ALLEG', label: 'Allegation (s47)' },
  { code: 'STAND', label: 'Standards of care concern' },
  { code: 'APPRR', label: 'Approval removed' },
  { code: 'CREQB', label: 'Carer request due to child’s behaviour' },
  { code: 'CREQO', label: 'Carer request for other reasons' },
  { code: 'CHILD', label: 'Child requests placement end' },
  { code: 'LAREQ', label: 'Responsible/area authority requests placement end' },
  { code: 'PLACE', label: 'Change in the status of placement only' },
  { code: 'CUSTOD', label: 'Custody arrangement' },
  { code: 'OTHER', label: 'Other' },
] as const satisfies readonly CodeEntry[];

export type ReasonPlaceChange = (typeof REASON_PLACE_CHANGE)[number]['code'];
