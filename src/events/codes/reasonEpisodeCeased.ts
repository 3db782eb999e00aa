import type { CodeEntry } from './codeList.ts';

/** SSDA903 reason episode ceased (REC). X1 means the episode ended but the period of care goes on. */
export const REASON_EPISODE_CEASED = [
  { code: 'X1', label: 'Episode ceases, and new episode begins on same day, for any reason' },
  { code: 'E11', label: 'Adopted: application for an adoption order unopposed' },
  { code: 'E12', label: 'Adopted: consent dispensed with by the court' },
  { code: 'E13', label: 'Left care to live with parent(s), relative(s), or other person(s) with no parental responsibility' },
  { code: 'E14', label: 'Accommodation on remand ended' },
  { code: 'E15', label: 'Age assessment determined child is aged 18 or over' },
  { code: 'E16', label: 'Child moved abroad' },
  { code: 'E17', label: 'Aged 18 (or over) and remained with current carers (inc under staying put arrangements)' },
  { code: 'E2', label: 'Died' },
  { code: 'E3', label: 'Care taken over by another LA in the UK' },
  { code: 'E41', label: 'Residence order (or, from 22 April 2014, a child arrangement order) granted' },
  { code: 'E43', label: 'Special guardianship order made to former foster carer(s) (historic)', until: 2014 },
  { code: 'E44', label: 'Special guardianship order made to other carer(s) (historic)', until: 2014 },
  { code: 'E45', label: 'Special guardianship order made to former foster carer(s), who was/are a relative or friend' },
  { code: 'E46', label: 'Special guardianship order made to former foster carer(s), other than relative or friend' },
  { code: 'E47', label: 'Special guardianship order made to carer(s), other than former foster carer(s), who was/are a relative or friend' },
  { code: 'E48', label: 'Special guardianship order made to carer(s), other than former foster carer(s), other than relative or friend' },
  { code: 'E4A', label: 'Returned home to live with parent(s), relative(s), or other person(s) with parental responsibility as part of the care planning process' },
  { code: 'E4B', label: 'Returned home to live with parent(s), relative(s), or other person(s) with parental responsibility which was not part of the current care planning process' },
  { code: 'E5', label: 'Moved into independent living arrangement and no longer looked-after: supportive accommodation providing formalised advice/support' },
  { code: 'E6', label: 'Moved into independent living arrangement and no longer looked-after: accommodation providing no formalised advice/support' },
  { code: 'E7', label: 'Transferred to residential care funded by adult social care services' },
  { code: 'E8', label: 'Period of being looked-after ceased for any other reason' },
  { code: 'E9', label: 'Sentenced to custody' },
] as const satisfies readonly CodeEntry[];

export type ReasonEpisodeCeased = (typeof REASON_EPISODE_CEASED)[number]['code'];
/** REC codes that end a period of care (every code but X1). */
export type ReasonCareEnded = Exclude<ReasonEpisodeCeased, 'X1'>;
