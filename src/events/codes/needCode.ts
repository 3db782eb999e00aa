import type { CodeEntry } from './codeList.ts';

/** Category of need (SSDA903 CIN, CIN census PrimaryNeedCode). */
export const NEED_CODE = [
  { code: 'N1', label: 'Abuse or neglect' },
  { code: 'N2', label: 'Child’s disability or illness' },
  { code: 'N3', label: 'Parental disability or illness' },
  { code: 'N4', label: 'Family in acute stress' },
  { code: 'N5', label: 'Family dysfunction' },
  { code: 'N6', label: 'Socially unacceptable behaviour' },
  { code: 'N7', label: 'Low income' },
  { code: 'N8', label: 'Absent parenting' },
  { code: 'N9', label: 'Cases other than children in need' },
  { code: 'N0', label: 'Not stated' },
] as const satisfies readonly CodeEntry[];

export type NeedCode = (typeof NEED_CODE)[number]['code'];
