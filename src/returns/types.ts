/** Shapes shared by the return importers. */
import type { NewEvent } from '../events/index.ts';
import type { RowRef } from './report.ts';

export type ReturnSource = 'ssda903' | 'cin' | 'log';

/** One child's events from one source, in order, before versions are stamped. */
export interface ChildStream {
  readonly childId: string;
  readonly source: ReturnSource;
  events: NewEvent[];
  /** The input rows behind the stream: rejected together if it cannot be made valid. */
  readonly rows: RowRef[];
}

/** SSDA903 as CSV tables: Header, Episodes and (optionally) UASC and OC3 of one return or a multi-year stack. */
export interface Ssda903CsvReturn {
  readonly episodes: string;
  readonly header: string;
  readonly uasc?: string;
  /** OC3: care leavers' status around their 17th to 21st birthdays (CHILD, IN_TOUCH, ACTIV, ACCOM). */
  readonly oc3?: string;
}

/** SSDA903 in the EXPSSDA903 XML form. */
export interface Ssda903XmlReturn {
  readonly xml: string;
}

export type Ssda903Input = Ssda903CsvReturn | Ssda903XmlReturn;

/**
 * How a YEAR column is read: `ending` = the collection year ending 31 March YEAR (DfE naming:
 * 2018 = 2017-18); `starting` = the year starting 1 April YEAR (2017 = 2017-18); `auto` = decided
 * per file from the episode dates (an episode cannot start after its return's year end).
 */
export type YearBasis = 'auto' | 'ending' | 'starting';

export interface ImportOptions {
  readonly yearBasis?: YearBasis;
  /** CIN census: keep dates after the census reference date instead of rejecting them. */
  readonly ignoreReferenceDate?: boolean;
  /** Called with each warning about an input (a torn last line of an event log). */
  readonly onWarning?: (message: string) => void;
}
