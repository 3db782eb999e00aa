/**
 * Statutory returns: import SSDA903 (CSV or XML, single years or multi-year stacks) and the CIN
 * census (XML) as events, merge them, build an opening stock from real data, and export events as
 * returns again.
 */
export { importReturns, type ImportInputs, type ImportResult } from './importer.ts';
export { ImportReport, type ImportSummary, type FileCount, type RepairEntry, type ConflictEntry } from './report.ts';
export type { Ssda903Input, Ssda903CsvReturn, Ssda903XmlReturn, YearBasis, ImportOptions, ChildStream } from './types.ts';
export { writeEventLog, readEventLog, compareGlobal } from './assemble.ts';
export { mergeTwo, mergeAll } from './merge.ts';
export { parseReturnDate } from './dates.ts';
export { openingFromEvents } from './opening.ts';
export { ssda903Tables, writeSsda903, ssda903FileNames, type Ssda903ExportOptions } from './export/ssda903.ts';
export { cinCensuses, writeCin, cinFileName, type CinExportOptions } from './export/cin.ts';
export { childIdentity, isValidUpn, upnCheckLetter } from './export/identity.ts';
