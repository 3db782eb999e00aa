/** The integer calendar arithmetic now lives in src/calendar/civil.ts; this re-export keeps older imports working. */
export { addYearsFast, ageFast, civilFromDays, daysFromCivil } from '../calendar/civil.ts';
