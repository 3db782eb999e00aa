import type { CodeEntry } from './codeList.ts';

/** SSDA903 reason for new episode (RNE). */
export const REASON_NEW_EPISODE = [
  { code: 'S', label: 'Started to be looked after' },
  { code: 'L', label: 'Change of legal status only' },
  { code: 'P', label: 'Change of placement and carer(s) only' },
  { code: 'T', label: 'Change of both legal status and placement and carer(s) at the same time' },
  { code: 'B', label: 'Change of legal status and placement and carer(s), with the new placement same carer (historic)' },
  { code: 'U', label: 'Change of placement with the same carer(s) and legal status' },
] as const satisfies readonly CodeEntry[];

export type ReasonNewEpisode = (typeof REASON_NEW_EPISODE)[number]['code'];
