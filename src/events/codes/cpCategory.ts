import type { CodeEntry } from './codeList.ts';

/** Initial category of abuse for a child protection plan. */
export const CP_CATEGORY = [
  { code: 'NEG', label: 'Neglect' },
  { code: 'PHY', label: 'Physical abuse' },
  { code: 'SAB', label: 'Sexual abuse' },
  { code: 'EMO', label: 'Emotional abuse' },
  { code: 'MUL', label: 'Multiple' },
] as const satisfies readonly CodeEntry[];

export type CpCategory = (typeof CP_CATEGORY)[number]['code'];
