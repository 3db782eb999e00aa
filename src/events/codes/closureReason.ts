import type { CodeEntry } from './codeList.ts';

/** CIN census reason for closure (ReasonForClosure). */
export const CLOSURE_REASON = [
  { code: 'RC1', label: 'Adopted' },
  { code: 'RC2', label: 'Died' },
  { code: 'RC3', label: 'Child arrangements order' },
  { code: 'RC4', label: 'Special guardianship order' },
  { code: 'RC5', label: 'Transferred to services of another LA' },
  { code: 'RC6', label: 'Transferred to adult social care services' },
  { code: 'RC7', label: 'Services ceased for any other reason, including child no longer in need' },
  { code: 'RC8', label: 'Case closed after assessment, no further action' },
  { code: 'RC9', label: 'Case closed after assessment, referred to early help' },
] as const satisfies readonly CodeEntry[];

export type ClosureReason = (typeof CLOSURE_REASON)[number]['code'];
