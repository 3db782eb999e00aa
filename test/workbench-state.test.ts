/**
 * The workbench's state: a what-if built in the page is the scenario the command line loads from
 * the saved file, its validation messages are the command line's, and the state survives a
 * reload through browser storage.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLibrary, SCENARIOS_DIR } from '../src/web/server.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { ScenarioError } from '../src/scenarios/index.ts';
import {
  addBaseline,
  addEffect,
  addIntervention,
  addWhatIf,
  buildBaseline,
  buildScenario,
  fieldOfPath,
  initialState,
  load,
  removeIntervention,
  save,
  scenarioFileText,
  setEffect,
  setInterventionField,
  setRun,
  STORAGE_KEY,
  type KeyValueStore,
  type WorkbenchState,
} from '../web/src/state.ts';

const library = readLibrary();
const entry = (file: string) => library.scenarios.find((e) => e.file === file)!;
const baseline = entry('southampton-baseline.json');
const fs = entry('family-safeguarding.json');
const SEED = Number(baseline.resolved.seed);

function fresh(): WorkbenchState {
  return initialState({ baseline: baseline.file, scenario: fs.own, runs: 20, months: 60, seed: SEED });
}

function built(s: WorkbenchState, k = 0) {
  const r = buildScenario(s.whatIfs[k], baseline, s.run, true);
  if ('error' in r) throw new Error(r.error.message);
  return r.scenario;
}

const temps: string[] = [];
afterEach(() => {
  for (const f of temps.splice(0)) rmSync(f, { force: true });
});

/** Writes a saved file beside the baseline (the `extends` it names) and loads it as the CLI does. */
function loadSaved(text: string): ReturnType<typeof loadScenario> {
  const path = join(SCENARIOS_DIR, `workbench-state-${process.pid}-${temps.length}.json.tmp`);
  temps.push(path);
  writeFileSync(path, text);
  return loadScenario(path);
}

function cliError(text: string): string {
  try {
    loadSaved(text);
  } catch (err) {
    if (err instanceof ScenarioError) return err.message.replace(/^[^:]*: /, '');
    throw err;
  }
  throw new Error('the command line accepted the file');
}

describe('workbench state', () => {
  it('starts with the default comparison: family-safeguarding over southampton-baseline, as npm start runs it', () => {
    const s = fresh();
    expect(s.baseline).toBe('southampton-baseline.json');
    expect(s.whatIfs.map((w) => w.name)).toEqual(['family-safeguarding']);
    const file = loadScenario(join(SCENARIOS_DIR, 'family-safeguarding.json'));
    expect(s.whatIfs[0].interventions[0].effects.map((e) => e.lever)).toEqual(file.interventions[0].effects.map((e) => e.lever));
    expect(s.whatIfs[0].interventions[0].extra).toEqual(file.interventions[0].cost ? { cost: file.interventions[0].cost } : undefined); // programme costs kept
    expect(built(s)).toEqual({ ...loadScenario(join(SCENARIOS_DIR, 'family-safeguarding.json')), months: 60, runs: 20, seed: SEED });
    expect(buildBaseline(baseline, s.run)).toEqual({ ...loadScenario(join(SCENARIOS_DIR, 'southampton-baseline.json')), months: 60, runs: 20, seed: SEED });
  });

  it('saves a what-if as the file the command line loads to the same scenario', () => {
    let s = fresh();
    const id = s.whatIfs[0].id;
    s = setEffect(s, id, 0, 0, { value: -0.45 });
    s = addIntervention(s, id, '2025-04');
    s = setInterventionField(s, id, 1, 'end', '2027-04');
    s = setRun(s, { runs: 7, months: 30, seed: 99 });
    const text = scenarioFileText(s.whatIfs[0], baseline, s.run, true);
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(file.extends).toBe('southampton-baseline.json');
    expect([file.runs, file.months, file.seed]).toEqual([7, 30, 99]);
    expect(text.endsWith('}\n')).toBe(true);
    const cli = loadSaved(text);
    expect(cli).toEqual(built(s));
    expect(cli.interventions[0].effects[0].value).toBe(-0.45);
    expect(cli.interventions[1]).toMatchObject({ start: '2025-04', end: '2027-04', rampMonths: 6 });
  });

  it('writes a what-if over a baseline outside the scenarios folder as one standalone file', () => {
    const opened = { ...baseline, file: 'my-la.json', own: baseline.resolved };
    let s = addBaseline(fresh(), opened);
    s = addWhatIf(s, '2024-01');
    const w = s.whatIfs[1];
    const text = scenarioFileText(w, opened, s.run, false);
    expect(JSON.parse(text).extends).toBeUndefined();
    const r = buildScenario(w, opened, s.run, false);
    if ('error' in r) throw new Error(r.error.message);
    expect(loadSaved(text)).toEqual(r.scenario);
  });

  it('gives the command line’s message for a bad value, beside the field it belongs to', () => {
    const s0 = fresh();
    const id = s0.whatIfs[0].id;
    const cases: [WorkbenchState, string, RegExp][] = [
      [setEffect(s0, id, 0, 0, { change: 'absolute', value: 5 }), 'iv.0.effect.0.value', /icpc_to_cp absolute 5 makes parameters\.icpc\.cpPlanProbability invalid/],
      [setEffect(s0, id, 0, 1, { value: -2 }), 'iv.0.effect.1.value', /relative change below -1/],
      [setInterventionField(s0, id, 0, 'start', '2025-13'), 'iv.0.start', /must be a month YYYY-MM/],
      [setInterventionField(s0, id, 0, 'end', '2024-01'), 'iv.0.end', /must be after start \(2024-09\)/],
      [setEffect(s0, id, 0, 2, { value: null }), 'iv.0.effect.2.value', /expected number/],
      [setInterventionField(s0, id, 0, 'rampMonths', -1), 'iv.0.rampMonths', /Too small/],
    ];
    for (const [s, field, re] of cases) {
      const r = buildScenario(s.whatIfs[0], baseline, s.run, true);
      expect('error' in r, field).toBe(true);
      if (!('error' in r)) continue;
      expect(r.error.field).toBe(field);
      expect(r.error.message).toMatch(re);
      expect(r.error.message.startsWith('family-safeguarding.json: ')).toBe(true);
      // the same words as `caseflow simulate` on the saved file, after the file name
      expect(r.error.message.replace(/^[^:]*: /, '')).toBe(cliError(scenarioFileText(s.whatIfs[0], baseline, s.run, true)));
    }
  });

  it('keeps an effect’s change allowed for its lever and drops empty optional fields', () => {
    const s0 = fresh();
    const id = s0.whatIfs[0].id;
    let s = setEffect(s0, id, 0, 0, { lever: 'foster_in_house_share' });
    expect(s.whatIfs[0].interventions[0].effects[0].change).toBe('shift');
    s = setEffect(s, id, 0, 0, { lever: 'cp_to_care' });
    expect(s.whatIfs[0].interventions[0].effects[0].change).toBe('relative');
    s = setInterventionField(s, id, 0, 'end', '2026-01');
    expect(s.whatIfs[0].interventions[0].end).toBe('2026-01');
    s = setInterventionField(s, id, 0, 'end', '');
    expect('end' in s.whatIfs[0].interventions[0]).toBe(false);
    s = addEffect(s, id, 0);
    expect(s.whatIfs[0].interventions[0].effects).toHaveLength(6);
    s = removeIntervention(s, id, 0);
    expect(s.whatIfs[0].interventions).toHaveLength(0);
    expect(s0.whatIfs[0].interventions).toHaveLength(1); // earlier states are left as they were
  });

  it('gives new what-ifs names of their own', () => {
    let s = addWhatIf(fresh(), '2024-01');
    s = addWhatIf(s, '2024-01');
    expect(s.whatIfs.map((w) => w.name)).toEqual(['family-safeguarding', 'what-if', 'what-if-2']);
    expect(new Set(s.whatIfs.map((w) => w.id)).size).toBe(3);
    expect(built(s, 1).interventions.at(-1)).toMatchObject({ start: '2024-01', rampMonths: 6 });
  });

  it('clamps run settings to whole numbers in range', () => {
    const s = setRun(fresh(), { runs: 0, months: 12.6, seed: -3 });
    expect(s.run).toEqual({ runs: 1, months: 13, seed: 0 });
    expect(setRun(s, { runs: NaN, months: 10_000 }).run).toEqual({ runs: 1, months: 240, seed: 0 });
  });

  it('maps scenario paths to editor fields, counting the baseline’s own interventions first', () => {
    expect(fieldOfPath('interventions[3].effects[1].value', 2)).toBe('iv.1.effect.1.value');
    expect(fieldOfPath('interventions[3].effects[0]', 2)).toBe('iv.1.effect.0.value');
    expect(fieldOfPath('interventions[2].start', 2)).toBe('iv.0.start');
    expect(fieldOfPath('interventions[1].start', 2)).toBe('scenario');
    expect(fieldOfPath('interventions[0].effects', 0)).toBe('iv.0.effects');
    expect(fieldOfPath('name', 0)).toBe('name');
    expect(fieldOfPath('parameters.cp.outcomes', 0)).toBe('scenario');
  });

  it('survives a reload through storage, and ignores storage it did not write', () => {
    const map = new Map<string, string>();
    const store: KeyValueStore = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
    expect(load(store)).toBeUndefined();
    let s = fresh();
    s = setEffect(s, s.whatIfs[0].id, 0, 0, { value: -0.6, note: 'trial' });
    s = setRun(s, { runs: 5 });
    save(store, s);
    expect(load(store)).toEqual(s);
    for (const bad of ['not json', '{}', JSON.stringify({ ...s, version: 2 }), JSON.stringify({ ...s, whatIfs: [{ id: 1 }] }), JSON.stringify({ ...s, run: { runs: '5' } })]) {
      map.set(STORAGE_KEY, bad);
      expect(load(store), bad.slice(0, 40)).toBeUndefined();
    }
  });
});
