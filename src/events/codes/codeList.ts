/** A statutory code list: the codes with their meanings, kept as data. */
export interface CodeEntry {
  readonly code: string;
  readonly label: string;
  /** First collection year (year ending 31 March) in which the code is valid. */
  readonly from?: number;
  /** Last collection year in which the code is valid. */
  readonly until?: number;
}

export function codeSet(entries: readonly CodeEntry[]): ReadonlySet<string> {
  return new Set(entries.map((e) => e.code));
}

/** True when `code` is in `entries` and valid in `collectionYear` (year ending 31 March), if given. */
export function isValidCode(entries: readonly CodeEntry[], code: string, collectionYear?: number): boolean {
  const e = entries.find((x) => x.code === code);
  if (!e) return false;
  if (collectionYear === undefined) return true;
  return (e.from === undefined || collectionYear >= e.from) && (e.until === undefined || collectionYear <= e.until);
}

export function codesOf<const T extends readonly CodeEntry[]>(entries: T): [T[number]['code'], ...T[number]['code'][]] {
  return entries.map((e) => e.code) as [T[number]['code'], ...T[number]['code'][]];
}
