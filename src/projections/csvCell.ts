/**
 * Text cells of CSV outputs. A cell starting with =, +, -, @, a tab or a carriage return is run as
 * a formula by spreadsheet programs, so a scenario name or child id such as `=HYPERLINK(…)` is
 * written with a leading apostrophe (the OWASP rule for CSV injection); JSON outputs keep the
 * value as it is. Only text fields go through here: numbers (negative ones included) are data.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** The text neutralised against formula injection (not yet quoted). */
export function neutralised(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** A text cell: neutralised, then quoted when it holds a quote, comma or line break. */
export function textCell(s: string): string {
  const v = neutralised(s);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The value a neutralised text cell stands for (reading back what `textCell` wrote). */
export function fromTextCell(s: string): string {
  return /^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s;
}
