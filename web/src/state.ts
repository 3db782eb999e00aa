/**
 * The workbench's state: the baseline, the what-if scenarios being edited, the run settings and
 * the chosen KPI. Plain data, changed only through the functions below (immer), saved to browser
 * storage after every change and read back on reload. A what-if is the scenario file the command
 * line reads: it extends the baseline and adds interventions, so `scenarioFile` writes it and
 * `buildScenario` validates it with the command line's own schema and messages.
 */
import { produce } from 'immer';
import { LEVERS, allowedChanges, leverDef, type ChangeKind } from '../../src/scenarios/levers.ts';
import { mergeExtended, validateScenario, ScenarioError, type Scenario } from '../../src/scenarios/schema.ts';
import type { Comparator } from '../../src/projections/types.ts';

export interface EffectDraft {
  readonly lever: string;
  readonly change: ChangeKind;
  /** null while the field is empty or not a number. */
  readonly value: number | null;
  readonly note?: string;
}

export interface InterventionDraft {
  readonly name: string;
  readonly description?: string;
  readonly evidence?: string;
  readonly start: string;
  readonly rampMonths: number | null;
  readonly end?: string;
  readonly effects: readonly EffectDraft[];
  /** Other fields of the intervention (e.g. its programme `cost`), kept as they are. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface WhatIf {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly interventions: readonly InterventionDraft[];
  /** Other fields of a scenario file the workbench keeps but does not edit (e.g. `parameters`). */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** A scenario the page can use as a baseline: shipped, opened from a file, or calibrated from returns. */
export interface BaselineEntry {
  readonly file: string;
  readonly own: Readonly<Record<string, unknown>>;
  readonly resolved: Readonly<Record<string, unknown>>;
  readonly comparators: readonly Comparator[];
}

export interface RunSettings {
  readonly runs: number;
  readonly months: number;
  readonly seed: number;
}

export interface WorkbenchState {
  readonly version: 1;
  /** File name of the baseline (a shipped scenario or one in `baselines`). */
  readonly baseline: string;
  readonly whatIfs: readonly WhatIf[];
  /** Baselines opened or calibrated in the page (shipped ones come from the server). */
  readonly baselines: readonly BaselineEntry[];
  readonly run: RunSettings;
  /** KPI shown in the picked-measure chart. */
  readonly kpi: string;
}

export const STORAGE_KEY = 'caseflow-workbench/v1';
export const MAX_RUNS = 1000;
export const MAX_MONTHS = 240;

const FIELDS = new Set(['$schema', 'extends', 'name', 'description', 'interventions', 'start', 'months', 'seed', 'runs', 'population', 'comparators']);

let counter = 0;
function newId(taken: readonly WhatIf[]): string {
  for (;;) {
    const id = `s${++counter}`;
    if (!taken.some((w) => w.id === id)) return id;
  }
}

function effectDraft(e: Record<string, unknown>): EffectDraft {
  return {
    lever: String(e.lever ?? ''),
    change: (e.change as ChangeKind) ?? 'relative',
    value: typeof e.value === 'number' && Number.isFinite(e.value) ? e.value : null,
    ...(typeof e.note === 'string' ? { note: e.note } : {}),
  };
}

const INTERVENTION_FIELDS = new Set(['name', 'description', 'evidence', 'start', 'rampMonths', 'end', 'effects']);

function interventionDraft(iv: Record<string, unknown>): InterventionDraft {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(iv)) if (!INTERVENTION_FIELDS.has(k)) extra[k] = v;
  return {
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
    name: String(iv.name ?? ''),
    ...(typeof iv.description === 'string' ? { description: iv.description } : {}),
    ...(typeof iv.evidence === 'string' ? { evidence: iv.evidence } : {}),
    start: String(iv.start ?? ''),
    rampMonths: typeof iv.rampMonths === 'number' ? iv.rampMonths : null,
    ...(typeof iv.end === 'string' ? { end: iv.end } : {}),
    effects: Array.isArray(iv.effects) ? iv.effects.map((e) => effectDraft(e as Record<string, unknown>)) : [],
  };
}

/** A what-if from a scenario file's own JSON (its interventions, not its base's). */
export function whatIfFromFile(own: Readonly<Record<string, unknown>>, taken: readonly WhatIf[] = []): WhatIf {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(own)) if (!FIELDS.has(k)) extra[k] = v;
  return {
    id: newId(taken),
    name: String(own.name ?? 'what-if'),
    description: String(own.description ?? ''),
    interventions: Array.isArray(own.interventions) ? own.interventions.map((iv) => interventionDraft(iv as Record<string, unknown>)) : [],
    extra,
  };
}

export function initialState(defaults: { baseline: string; scenario?: Record<string, unknown>; runs: number; months: number; seed: number; kpi?: string }): WorkbenchState {
  return {
    version: 1,
    baseline: defaults.baseline,
    whatIfs: defaults.scenario ? [whatIfFromFile(defaults.scenario)] : [],
    baselines: [],
    run: { runs: defaults.runs, months: defaults.months, seed: defaults.seed },
    kpi: defaults.kpi ?? 'cla_open',
  };
}

function uniqueName(base: string, whatIfs: readonly WhatIf[]): string {
  let name = base;
  for (let i = 2; whatIfs.some((w) => w.name === name); i++) name = `${base}-${i}`;
  return name;
}

/** A new what-if with one intervention (a lever at -10% from `start`, ramp 6 months). */
export function addWhatIf(s: WorkbenchState, start: string, from?: Readonly<Record<string, unknown>>): WorkbenchState {
  return produce(s, (d) => {
    const w = from
      ? whatIfFromFile(from, s.whatIfs)
      : { ...whatIfFromFile({ name: 'what-if', description: '' }, s.whatIfs), interventions: [newIntervention(start)] };
    d.whatIfs.push({ ...w, name: uniqueName(w.name, s.whatIfs) } as WhatIf as never);
  });
}

export function newIntervention(start: string): InterventionDraft {
  return { name: 'New intervention', evidence: 'assumption', start, rampMonths: 6, effects: [{ lever: 'cp_to_care', change: 'relative', value: -0.1 }] };
}

export function removeWhatIf(s: WorkbenchState, id: string): WorkbenchState {
  return produce(s, (d) => {
    d.whatIfs = d.whatIfs.filter((w) => w.id !== id);
  });
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function edit(s: WorkbenchState, id: string, f: (w: Mutable<WhatIf> & { interventions: Mutable<InterventionDraft>[] }) => void): WorkbenchState {
  return produce(s, (d) => {
    const w = d.whatIfs.find((x) => x.id === id);
    if (w) f(w as never);
  });
}

export function setWhatIfField(s: WorkbenchState, id: string, field: 'name' | 'description', value: string): WorkbenchState {
  return edit(s, id, (w) => {
    w[field] = value;
  });
}

export function addIntervention(s: WorkbenchState, id: string, start: string): WorkbenchState {
  return edit(s, id, (w) => {
    w.interventions.push(newIntervention(start) as never);
  });
}

export function removeIntervention(s: WorkbenchState, id: string, k: number): WorkbenchState {
  return edit(s, id, (w) => {
    w.interventions.splice(k, 1);
  });
}

export type InterventionField = 'name' | 'evidence' | 'start' | 'rampMonths' | 'end';

/** Sets an intervention's field; '' clears an optional one (evidence, end). */
export function setInterventionField(s: WorkbenchState, id: string, k: number, field: InterventionField, value: string | number | null): WorkbenchState {
  return edit(s, id, (w) => {
    const iv = w.interventions[k] as Mutable<InterventionDraft> | undefined;
    if (!iv) return;
    if (field === 'rampMonths') iv.rampMonths = typeof value === 'number' && Number.isFinite(value) ? value : null;
    else if ((field === 'end' || field === 'evidence') && (value === '' || value === null)) delete iv[field];
    else iv[field] = String(value ?? '');
  });
}

export function addEffect(s: WorkbenchState, id: string, k: number): WorkbenchState {
  return edit(s, id, (w) => {
    (w.interventions[k]?.effects as EffectDraft[] | undefined)?.push({ lever: 'cp_to_care', change: 'relative', value: -0.1 });
  });
}

export function removeEffect(s: WorkbenchState, id: string, k: number, e: number): WorkbenchState {
  return edit(s, id, (w) => {
    (w.interventions[k]?.effects as EffectDraft[] | undefined)?.splice(e, 1);
  });
}

/** Changes an effect; choosing a lever that does not take the current change picks its first allowed change. */
export function setEffect(s: WorkbenchState, id: string, k: number, e: number, patch: Partial<EffectDraft>): WorkbenchState {
  return edit(s, id, (w) => {
    const list = w.interventions[k]?.effects as Mutable<EffectDraft>[] | undefined;
    const eff = list?.[e];
    if (!eff) return;
    Object.assign(eff, patch);
    if (patch.value !== undefined && (patch.value === null || !Number.isFinite(patch.value))) eff.value = null;
    if (patch.note === '') delete eff.note;
    const def = leverDef(eff.lever);
    if (def && !allowedChanges(def.kind).includes(eff.change)) eff.change = allowedChanges(def.kind)[0];
  });
}

export function setBaseline(s: WorkbenchState, file: string): WorkbenchState {
  return produce(s, (d) => {
    d.baseline = file;
  });
}

/** Adds (or replaces, by file name) a baseline opened or calibrated in the page and selects it. */
export function addBaseline(s: WorkbenchState, entry: BaselineEntry): WorkbenchState {
  return produce(s, (d) => {
    d.baselines = [...d.baselines.filter((b) => b.file !== entry.file), entry as never];
    d.baseline = entry.file;
  });
}

/** Run settings are clamped to whole numbers in range. */
export function setRun(s: WorkbenchState, patch: Partial<RunSettings>): WorkbenchState {
  return produce(s, (d) => {
    const clamp = (v: number | undefined, lo: number, hi: number, old: number) => (v === undefined || !Number.isFinite(v) ? old : Math.min(hi, Math.max(lo, Math.round(v))));
    d.run.runs = clamp(patch.runs, 1, MAX_RUNS, d.run.runs);
    d.run.months = clamp(patch.months, 1, MAX_MONTHS, d.run.months);
    d.run.seed = clamp(patch.seed, 0, 4294967295, d.run.seed);
  });
}

export function setKpi(s: WorkbenchState, kpi: string): WorkbenchState {
  return produce(s, (d) => {
    d.kpi = kpi;
  });
}

/** The what-if as a scenario file's JSON (before `extends` is resolved). */
export function scenarioFileObject(w: WhatIf, baseline: BaselineEntry, run: RunSettings, shipped: boolean): Record<string, unknown> {
  const interventions = w.interventions.map((iv) => ({
    name: iv.name,
    ...(iv.description !== undefined ? { description: iv.description } : {}),
    ...(iv.evidence !== undefined ? { evidence: iv.evidence } : {}),
    start: iv.start,
    rampMonths: iv.rampMonths,
    ...(iv.end !== undefined ? { end: iv.end } : {}),
    effects: iv.effects.map((e) => ({ lever: e.lever, change: e.change, value: e.value, ...(e.note !== undefined ? { note: e.note } : {}) })),
    ...iv.extra,
  }));
  const own = { name: w.name, description: w.description, months: run.months, seed: run.seed, runs: run.runs, ...w.extra, interventions };
  if (shipped) return { $schema: './scenario.schema.json', extends: baseline.file, ...own };
  // A baseline that is not in the scenarios folder: write it out whole, so the file stands alone.
  const merged = mergeExtended({ ...baseline.resolved }, own, `${w.name}.json`);
  delete merged.extends;
  return merged;
}

/** The file text `Save` writes: two-space JSON with a final newline. */
export function scenarioFileText(w: WhatIf, baseline: BaselineEntry, run: RunSettings, shipped: boolean): string {
  return JSON.stringify(scenarioFileObject(w, baseline, run, shipped), null, 2) + '\n';
}

/** Where a validation message belongs in the editor. */
export interface FieldError {
  /** The command line's message, e.g. `my.json: interventions[0].effects[0].value: …`. */
  readonly message: string;
  /** Field key in the editor: `name`, `iv.K.start`, `iv.K.effect.E.value`, … or `scenario`. */
  readonly field: string;
}

/** Editor field of a scenario path (intervention indexes counted after the baseline's own). */
export function fieldOfPath(path: string, baseInterventions: number): string {
  const m = /^interventions\[(\d+)\](?:\.effects(?:\[(\d+)\])?(?:\.(\w+))?|\.(\w+))?/.exec(path);
  if (m) {
    const k = Number(m[1]) - baseInterventions;
    if (k < 0) return 'scenario';
    if (m[2] !== undefined) return `iv.${k}.effect.${m[2]}.${m[3] ?? 'value'}`;
    if (m[4] !== undefined) return `iv.${k}.${m[4]}`;
    return path.includes('.effects') ? `iv.${k}.effects` : `iv.${k}.name`;
  }
  const top = /^(\w+)/.exec(path)?.[1];
  return top === 'name' || top === 'description' ? top : 'scenario';
}

/**
 * The what-if as the command line would load it (baseline resolved, run settings applied), or the
 * first problem in the command line's words and the field it belongs to.
 */
export function buildScenario(w: WhatIf, baseline: BaselineEntry, run: RunSettings, shipped: boolean): { scenario: Scenario } | { error: FieldError } {
  const file = `${w.name || 'what-if'}.json`;
  const obj = scenarioFileObject(w, baseline, run, shipped);
  try {
    const resolved = shipped ? mergeExtended({ ...baseline.resolved }, obj, file) : obj;
    return { scenario: validateScenario(resolved, file) };
  } catch (err) {
    if (err instanceof ScenarioError) {
      const base = Array.isArray(baseline.resolved.interventions) && shipped ? baseline.resolved.interventions.length : 0;
      return { error: { message: err.message, field: fieldOfPath(err.path, base) } };
    }
    throw err;
  }
}

/** The baseline as the command line loads it, with the run settings applied. */
export function buildBaseline(baseline: BaselineEntry, run: RunSettings): Scenario {
  return validateScenario({ ...baseline.resolved, months: run.months, seed: run.seed, runs: run.runs }, baseline.file);
}

/** What the lever picker shows: every lever with its description and the changes it takes. */
export const LEVER_OPTIONS = LEVERS.map((l) => ({ name: l.name, description: l.description + (l.from ? ` (${l.from} → ${l.to})` : ''), kind: l.kind, changes: allowedChanges(l.kind) }));

/** Browser storage, or any object with the same two methods. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function save(store: KeyValueStore, s: WorkbenchState): void {
  store.setItem(STORAGE_KEY, JSON.stringify(s));
}

function isState(v: unknown): v is WorkbenchState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const run = s.run as Record<string, unknown> | undefined;
  return (
    s.version === 1 &&
    typeof s.baseline === 'string' &&
    Array.isArray(s.whatIfs) &&
    s.whatIfs.every((w) => typeof w === 'object' && w !== null && typeof w.id === 'string' && typeof w.name === 'string' && Array.isArray(w.interventions) && w.interventions.every((iv: unknown) => typeof iv === 'object' && iv !== null && Array.isArray((iv as { effects?: unknown }).effects))) &&
    Array.isArray(s.baselines) &&
    typeof run === 'object' && run !== null &&
    ['runs', 'months', 'seed'].every((k) => typeof run[k] === 'number') &&
    typeof s.kpi === 'string'
  );
}

/** The saved state, or undefined when there is none or it is not a state this version wrote. */
export function load(store: KeyValueStore): WorkbenchState | undefined {
  const text = store.getItem(STORAGE_KEY);
  if (text === null) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (!isState(v)) return undefined;
    return { ...v, whatIfs: v.whatIfs.map((w) => ({ ...w, extra: w.extra ?? {} })) };
  } catch {
    return undefined;
  }
}
