import type { CodeEntry } from './codeList.ts';

/** CIN census ReferralSource codes. */
export const REFERRAL_SOURCE = [
  { code: '1A', label: 'Individual: family member / relative / carer' },
  { code: '1B', label: 'Individual: acquaintance (including neighbours and child minders)' },
  { code: '1C', label: 'Individual: self' },
  { code: '1D', label: 'Individual: other' },
  { code: '2A', label: 'Schools' },
  { code: '2B', label: 'Education services' },
  { code: '3A', label: 'Health services: GP' },
  { code: '3B', label: 'Health services: health visitor' },
  { code: '3C', label: 'Health services: school nurse' },
  { code: '3D', label: 'Health services: other primary health services' },
  { code: '3E', label: 'Health services: A&E' },
  { code: '3F', label: 'Health services: other' },
  { code: '4', label: 'Housing' },
  { code: '5A', label: 'LA services: social care' },
  { code: '5B', label: 'LA services: other internal' },
  { code: '5C', label: 'LA services: external' },
  { code: '5D', label: 'LA services: early help' },
  { code: '6', label: 'Police' },
  { code: '7', label: 'Other legal agency' },
  { code: '8', label: 'Other' },
  { code: '9', label: 'Anonymous' },
  { code: '10', label: 'Unknown' },
] as const satisfies readonly CodeEntry[];

export type ReferralSource = (typeof REFERRAL_SOURCE)[number]['code'];
