/**
 * Comparator values (statistical neighbours, England, region, targets, observed actuals) read
 * from a long-format CSV with the columns of shared/data/*\/*.csv:
 * `la|area,kpi,period,value,basis,kind,source,note` (source and note may be left out).
 *
 * In an `area` file (national figures) the `actual` rows describe that area, so their kind
 * becomes the area (`england`); in an `la` file `actual` rows stay `actual` (the LA's own values).
 *
 * Rows whose note names a local definition that is another engine KPI's are read as that KPI
 * (`LOCAL_DEFINITIONS`); rows whose local definition matches no engine KPI keep their id and carry
 * the reason, so that nothing compares them with the KPI of that id.
 */
import { InputError } from '../errors.ts';
import type { CsvRecord } from './csv.ts';
import type { Comparator } from './types.ts';

const REQUIRED = ['kpi', 'period', 'value', 'basis', 'kind'] as const;
const OPTIONAL = ['source', 'note'] as const;
const PERIOD = /^(\d{4}-(0[1-9]|1[0-2])|FY\d{4}-\d{2})$/;
const ID = /^[a-z][a-z0-9_]*$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Local definitions, told apart by the row's note: the engine KPI each matches, or null with the
 * reason none does. Southampton's 2022–23 "children in need" series is CIN* (children with an
 * active CIN plan): cin_plans_open. Its 2015–16 series (open CIN cases excluding CP plans and
 * children looked after, open assessments included) matches neither cin_open (the DfE's count,
 * CP plans and children looked after included) nor cin_plans_open.
 */
export const LOCAL_DEFINITIONS: readonly { readonly kpi: string; readonly note: RegExp; readonly as: string | null; readonly reason: string }[] = [
  { kpi: 'cin_open', note: /CIN\*|active CIN plan/i, as: 'cin_plans_open', reason: 'local CIN* series: children on CIN plans' },
  {
    kpi: 'cin_open',
    note: /excluding .*CP plans and LAC/i,
    as: null,
    reason: 'local measure (open CIN cases excluding CP plans and children looked after): neither cin_open (CP and CLA included) nor cin_plans_open (CIN plans only)',
  },
];

/** The engine KPI a row of `kpi` with this note is, where its local definition differs; the reason where none matches. */
export function matchLocalDefinition(kpi: string, note: string | undefined): { kpi: string } | { reason: string } | undefined {
  if (!note) return undefined;
  for (const d of LOCAL_DEFINITIONS) {
    if (d.kpi !== kpi || !d.note.test(note)) continue;
    return d.as === null ? { reason: d.reason } : { kpi: d.as };
  }
  return undefined;
}

/** Comparators from a file's CSV records (src/node/comparators.ts reads it); any bad row is an `InputError` naming the file, line and field. */
export function parseComparators(rows: readonly CsvRecord[], path: string): Comparator[] {
  if (rows.length === 0) throw new InputError(`${path}: empty file (expected a header la|area,kpi,period,value,basis,kind,source,note)`);
  const header = rows[0].fields.map((h) => h.trim());
  const areaColumn = header[0];
  if (areaColumn !== 'la' && areaColumn !== 'area') {
    throw new InputError(`${path}: line ${rows[0].line}: first column must be "la" or "area" (got "${areaColumn ?? ''}")`);
  }
  const col = new Map<string, number>();
  header.forEach((h, i) => {
    if (col.has(h)) throw new InputError(`${path}: line ${rows[0].line}: column "${h}" appears twice`);
    col.set(h, i);
  });
  for (const c of REQUIRED) if (!col.has(c)) throw new InputError(`${path}: line ${rows[0].line}: missing column "${c}"`);
  for (const h of header.slice(1)) {
    if (!(REQUIRED as readonly string[]).includes(h) && !(OPTIONAL as readonly string[]).includes(h)) {
      throw new InputError(`${path}: line ${rows[0].line}: unknown column "${h}" (expected ${[areaColumn, ...REQUIRED, ...OPTIONAL].join(',')})`);
    }
  }
  const out: Comparator[] = [];
  for (let r = 1; r < rows.length; r++) {
    const { fields: record, line } = rows[r];
    const where = `${path}: line ${line}`;
    if (record.length !== header.length) throw new InputError(`${where}: expected ${header.length} fields, found ${record.length}`);
    const field = (name: string): string => record[col.get(name)!].trim();
    const area = record[0].trim();
    if (area === '') throw new InputError(`${where}: field "${areaColumn}": empty`);
    const kpi = field('kpi');
    if (!ID.test(kpi)) throw new InputError(`${where}: field "kpi": not a KPI id (lower-case letters, digits and _): "${kpi}"`);
    const period = field('period');
    if (!PERIOD.test(period)) throw new InputError(`${where}: field "period": expected YYYY-MM or FYyyyy-yy, got "${period}"`);
    if (period.startsWith('FY')) {
      const y = +period.slice(2, 6);
      if ((y + 1) % 100 !== +period.slice(7)) throw new InputError(`${where}: field "period": financial year "${period}" must end the year after it starts`);
    }
    const rawValue = field('value');
    const value = Number(rawValue);
    if (!NUMBER.test(rawValue) || !Number.isFinite(value)) throw new InputError(`${where}: field "value": not a number: "${rawValue}"`);
    const basis = field('basis');
    if (basis === '') throw new InputError(`${where}: field "basis": empty`);
    const rawKind = field('kind');
    if (!ID.test(rawKind)) throw new InputError(`${where}: field "kind": expected a lower-case name such as target or statistical_neighbour, got "${rawKind}"`);
    const kind = rawKind === 'actual' && areaColumn === 'area' ? area : rawKind;
    const c: { -readonly [K in keyof Comparator]: Comparator[K] } = { kpi, kind, period, value, basis, area };
    if (col.has('source') && field('source') !== '') c.source = field('source');
    if (col.has('note') && field('note') !== '') c.note = field('note');
    const local = matchLocalDefinition(kpi, c.note);
    if (local && 'kpi' in local) {
      c.kpi = local.kpi;
      c.filedAs = kpi;
    } else if (local) c.unmatched = local.reason;
    out.push(c);
  }
  return out;
}

/** Sort key for periods: months and financial years (a year ending 31 March sorts at its March). */
function periodKey(p: string): number {
  if (p.startsWith('FY')) return (+p.slice(2, 6) + 1) * 12 + 2;
  return +p.slice(0, 4) * 12 + +p.slice(5, 7) - 1;
}

/**
 * The comparators of one KPI, optionally of some kinds only, in a stable order: by kind, then
 * period, then area and source.
 */
export function comparatorsFor(kpi: string, comparators: readonly Comparator[], kinds?: readonly string[]): Comparator[] {
  const wanted = kinds ? new Set(kinds) : undefined;
  return comparators
    .filter((c) => c.kpi === kpi && (!wanted || wanted.has(c.kind)))
    .sort((a, b) => cmp(a.kind, b.kind) || periodKey(a.period) - periodKey(b.period) || cmp(a.period, b.period) || cmp(a.area ?? '', b.area ?? '') || cmp(a.source ?? '', b.source ?? '') || a.value - b.value);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
