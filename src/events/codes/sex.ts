import type { CodeEntry } from './codeList.ts';

/** Sex as recorded from 2024-25 (M/F/U); earlier returns used 1 = male, 2 = female. */
export const SEX = [
  { code: 'M', label: 'Male' },
  { code: 'F', label: 'Female' },
  { code: 'U', label: 'Unknown / not recorded' },
] as const satisfies readonly CodeEntry[];

export type Sex = (typeof SEX)[number]['code'];

/** Legacy numeric SEX codes used in SSDA903 returns before 2024-25. */
export const LEGACY_SEX: Readonly<Record<string, Sex>> = { '1': 'M', '2': 'F' };
