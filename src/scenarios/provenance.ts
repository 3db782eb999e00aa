/**
 * Where each parameter came from. Every parameter carries one of four labels: fitted from an
 * event history (`events`), fitted to observed KPI series (`observed`), a national default
 * (`national`) or an assumption. A scenario's `provenance` maps parameter paths (or their starts)
 * to labels; the longest matching path wins.
 */
import { FLOW_PARTS, type FlowPart, type Parameters } from '../simulation/parameters.ts';
import { partOfParameter, scopeOf } from '../simulation/scope.ts';

export const PROVENANCE_SOURCES = ['events', 'observed', 'national', 'assumption'] as const;
export type ProvenanceSource = (typeof PROVENANCE_SOURCES)[number];

export const PROVENANCE_LABELS: Record<ProvenanceSource, string> = {
  events: 'fitted from these events',
  observed: 'fitted to observed series',
  national: 'national default',
  assumption: 'assumption',
};

/** Paths of the leaves (numbers, strings, and arrays of numbers as one leaf each element) of a parameter object. */
export function leafPaths(node: unknown, path = ''): string[] {
  if (node === null || typeof node !== 'object') return path ? [path] : [];
  const out: string[] = [];
  const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node as Record<string, unknown>);
  for (const [k, v] of entries) out.push(...leafPaths(v, path ? `${path}.${k}` : k));
  return out;
}

/**
 * The label of one parameter path (default: assumption): that of the longest key that is the path
 * itself or a prefix of it ending before a dot (`care` for `care.durationMonths.1-4`; the key ''
 * covers every path). The path's prefixes are looked up from the longest, so a report's few
 * thousand leaves do not each scan every key.
 */
export function provenanceOf(provenance: Readonly<Record<string, ProvenanceSource>> | undefined, path: string): ProvenanceSource {
  if (!provenance) return 'assumption';
  for (let p = path; ; ) {
    if (Object.hasOwn(provenance, p)) return provenance[p];
    if (p === '') return 'assumption';
    const dot = p.lastIndexOf('.');
    p = dot < 0 ? '' : p.slice(0, dot);
  }
}

export interface ProvenanceRow {
  /** A parameter group (e.g. `care.durationMonths.1-4`) with the labels of its leaves. */
  readonly group: string;
  readonly part: FlowPart | 'all';
  readonly inScope: boolean;
  readonly sources: Readonly<Partial<Record<ProvenanceSource, number>>>;
}

/** Groups (the path without its last key) for reporting: a table's leaves share a row. */
function groupOf(path: string): string {
  const keys = path.split('.');
  // numbers in tables (ages, points, seasonality, weights) and the fields of a duration or trend group under their table
  while (keys.length > 2 && (/^\d+$/.test(keys[keys.length - 1]) || /^(mean|cv|dist|kind|perYear|damping)$/.test(keys[keys.length - 1]))) keys.pop();
  if (keys.length > 2) keys.pop();
  return keys.join('.');
}

/** Every parameter group of `parameters` with the labels of its leaves, in the scenario's scope or not. */
export function provenanceTable(parameters: Parameters, provenance: Readonly<Record<string, ProvenanceSource>> | undefined): ProvenanceRow[] {
  const scope = scopeOf(parameters);
  const rows = new Map<string, { part: FlowPart | 'all'; sources: Partial<Record<ProvenanceSource, number>> }>();
  for (const path of leafPaths(parameters)) {
    if (path.startsWith('scope') || /\.source$/.test(path)) continue;
    const g = groupOf(path);
    let r = rows.get(g);
    if (!r) rows.set(g, (r = { part: partOfParameter(path) ?? 'all', sources: {} }));
    const s = provenanceOf(provenance, path);
    r.sources[s] = (r.sources[s] ?? 0) + 1;
  }
  return [...rows].map(([group, r]) => ({ group, part: r.part, inScope: r.part === 'all' || scope.has(r.part), sources: r.sources }));
}

/** The flows in the scope that lean on national defaults: one line each, for stderr and the report. */
export function nationalDefaultNotes(parameters: Parameters, provenance: Readonly<Record<string, ProvenanceSource>> | undefined): string[] {
  const byPart = new Map<FlowPart, string[]>();
  for (const r of provenanceTable(parameters, provenance)) {
    if (!r.inScope || r.part === 'all' || !r.sources.national) continue;
    let l = byPart.get(r.part);
    if (!l) byPart.set(r.part, (l = []));
    l.push(r.group);
  }
  return FLOW_PARTS.filter((p) => byPart.has(p)).map((p) => `${p}: ${byPart.get(p)!.length} parameter group${byPart.get(p)!.length === 1 ? '' : 's'} at national defaults (${byPart.get(p)!.slice(0, 6).join(', ')}${byPart.get(p)!.length > 6 ? ', …' : ''})`);
}
