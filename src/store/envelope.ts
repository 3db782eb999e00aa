/**
 * The properties of an event line that checking and projecting a log read on every event, read
 * as numbers by the byte parser (`ByteJsonParser`'s fields; see
 * src/store/fastJson.ts): the type as its index in the catalogue (`EVENT_TYPES`), the child id
 * as a dense child number (`ChildIndex`), the date and date of birth as day numbers, the
 * version and the count of earlier CP plans as themselves.
 */
import { strictDayOfIso } from '../calendar/index.ts';
import type { ChildIndex } from '../events/childIndex.ts';
import { typeIndex } from '../events/fields.ts';
import type { FieldReader, ParserFields } from './fastJson.ts';

/** Indices of the fields (in the parser's `numbers` and `shape.fieldAt`). */
export const F_TYPE = 0;
export const F_CHILD = 1;
export const F_DATE = 2;
export const F_VERSION = 3;
export const F_DATE_OF_BIRTH = 4;
export const F_PREVIOUS_PLANS = 5;

const NAMES = ['type', 'childId', 'date', 'version', 'dateOfBirth', 'previousPlans'];

/** The fields for a `ByteJsonParser` reading event lines, children numbered by `ids`. */
export function envelopeFields(ids: ChildIndex): ParserFields {
  return { names: NAMES, reader: new EnvelopeReader(ids) };
}

class EnvelopeReader implements FieldReader {
  constructor(private readonly ids: ChildIndex) {}

  read(f: number, value: string): number {
    switch (f) {
      case F_TYPE: {
        const t = typeIndex(value);
        return t < 0 ? Number.NaN : t;
      }
      case F_CHILD:
        return this.ids.get(value);
      case F_DATE:
      case F_DATE_OF_BIRTH:
        return strictDayOfIso(value);
      default:
        return Number.NaN;
    }
  }
}
