/**
 * The workbench page: loads the scenario library from the local server, restores the edits kept
 * in browser storage, runs the baseline and the what-ifs in Web Workers (results stream in as
 * replications finish) and shows them with the report's charts and tables.
 */
import { byId, download, h } from './dom.ts';
import { EnginePool, arrivedRuns, type RunOutcome, type RunProgress } from './protocol.ts';
import { activeWhatIf, renderEditor, showErrors, type EditorHost } from './editor.ts';
import { addBaseline, buildBaseline, buildScenario, initialState, load, save, setBaseline, setKpi, setRun, type BaselineEntry, type WorkbenchState } from './state.ts';
import { renderResults, type RunResult } from './results.ts';
import type { Scenario } from '../../src/scenarios/schema.ts';

interface Library {
  readonly version: string;
  readonly defaults: { baseline: string; scenario: string; months: number; runs: number };
  readonly scenarios: readonly BaselineEntry[];
}

let library: Library;
let state: WorkbenchState;
let pool: EnginePool;
let result: RunResult | undefined;
let pending: RunProgress | undefined;
let drawing = false;
let lastDraw = 0;
/** Milliseconds the last redraw took: redraws while a run streams wait three times as long, so drawing never starves the run. */
let drawCost = 0;

function entries(): BaselineEntry[] {
  return [...library.scenarios, ...state.baselines];
}

function baselineEntry(): BaselineEntry {
  return entries().find((e) => e.file === state.baseline) ?? library.scenarios.find((e) => e.file === library.defaults.baseline) ?? library.scenarios[0];
}

const host: EditorHost = {
  state: () => state,
  update(next, rebuild) {
    state = next;
    save(localStorage, state);
    if (rebuild) renderEditor(host);
    else showErrors(host);
  },
  baseline: baselineEntry,
  shipped: (file) => library.scenarios.some((e) => e.file === file),
  extensions: () => library.scenarios.filter((e) => e.own.extends === baselineEntry().file),
};

function status(text: string, kind: 'info' | 'error' = 'info'): void {
  const el = byId('status');
  el.textContent = text;
  el.className = kind;
}

function progress(done: number, total: number): void {
  const bar = byId<HTMLProgressElement>('progress');
  bar.max = total;
  bar.value = done;
  bar.setAttribute('aria-valuetext', `${done} of ${total} replications`);
}

function renderBaselinePicker(): void {
  const select = byId<HTMLSelectElement>('baseline');
  const groups: [string, readonly BaselineEntry[]][] = [
    ['Shipped scenarios', library.scenarios],
    ['Opened or calibrated here', state.baselines],
  ];
  select.replaceChildren(
    ...groups.filter(([, list]) => list.length > 0).map(([label, list]) => h('optgroup', { label }, ...list.map((e) => h('option', { value: e.file, selected: e.file === state.baseline }, `${String(e.resolved.name ?? e.file)} (${e.file})`)))),
  );
  const b = baselineEntry();
  byId('baseline-help').textContent = String(b.resolved.description ?? '');
}

function renderRunSettings(): void {
  byId<HTMLInputElement>('runs').value = String(state.run.runs);
  byId<HTMLInputElement>('months').value = String(state.run.months);
  byId<HTMLInputElement>('seed').value = String(state.run.seed);
}

function scheduleDraw(): void {
  if (drawing) return;
  const wait = Math.max(0, Math.max(400, 3 * drawCost) - (performance.now() - lastDraw));
  drawing = true;
  setTimeout(() => {
    void (async () => {
      const p = pending;
      pending = undefined;
      if (p && result) {
        const runs = arrivedRuns(p);
        const t0 = performance.now();
        if (runs[0].length > 0) await renderResults({ ...result, runs, complete: false }, tooltip);
        drawCost = performance.now() - t0;
      }
      lastDraw = performance.now();
      drawing = false;
      if (pending) scheduleDraw();
    })();
  }, wait);
}

/** Runs the baseline and every valid what-if; returns when the run finishes, fails or is cancelled. */
export async function run(): Promise<RunOutcome | undefined> {
  const b = baselineEntry();
  let baseline: Scenario;
  try {
    baseline = buildBaseline(b, state.run);
  } catch (err) {
    status((err as Error).message, 'error');
    return undefined;
  }
  const scenarios: Scenario[] = [baseline];
  const skipped: string[] = [];
  for (const w of state.whatIfs) {
    const r = buildScenario(w, b, state.run, host.shipped(state.baseline));
    if ('error' in r) skipped.push(`${w.name}: ${r.error.message}`);
    else if (scenarios.some((s) => s.name === r.scenario.name)) skipped.push(`${w.name}: the name is taken; give each scenario its own name`);
    else scenarios.push(r.scenario);
  }
  if (skipped.length > 0) {
    status(`Not run until fixed: ${skipped.join('; ')}`, 'error');
    showErrors(host);
    return undefined;
  }
  const started = performance.now();
  result = { scenarios, runs: [], comparators: b.comparators, settings: state.run, baselineFile: b.file, shippedBaseline: host.shipped(b.file), version: library.version, complete: false };
  byId<HTMLButtonElement>('run').disabled = false;
  byId<HTMLButtonElement>('cancel').disabled = false;
  document.body.dataset.running = 'true';
  progress(0, state.run.runs);
  status(`Running ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} × ${state.run.runs} replications × ${state.run.months} months…`);
  let first = true;
  const outcome = await pool.run({ scenarios, seed: state.run.seed, months: state.run.months, runs: state.run.runs }, (p) => {
    progress(p.done, p.total);
    document.body.dataset.done = String(p.done);
    status(`${p.done} of ${p.total} replications (${((performance.now() - started) / 1000).toFixed(1)} s)…`);
    if (first) {
      first = false;
      document.body.dataset.firstResultMs = String(Math.round(performance.now() - started));
    }
    pending = p;
    scheduleDraw();
  });
  byId<HTMLButtonElement>('cancel').disabled = true;
  delete document.body.dataset.running;
  if (outcome.status === 'done') {
    pending = undefined;
    const secs = (performance.now() - started) / 1000;
    result = { ...result, runs: outcome.runs, complete: true };
    while (drawing) await new Promise((r) => setTimeout(r, 20));
    await renderResults(result, tooltip);
    document.body.dataset.finishedMs = String(Math.round(secs * 1000));
    status(`Finished: ${state.run.runs} replications of ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} in ${secs.toFixed(1)} s.`);
  } else if (outcome.status === 'cancelled') {
    status('Cancelled. The charts show the replications that had finished; downloads need a finished run.');
  } else {
    status(`The run failed: ${outcome.message}`, 'error');
  }
  document.body.dataset.runs = String((Number(document.body.dataset.runs ?? 0) + 1));
  return outcome;
}

function tooltip(event: MouseEvent, value: unknown): void {
  const tip = byId('tooltip');
  if (value === null || value === undefined || value === '') {
    tip.hidden = true;
    return;
  }
  const rows = typeof value === 'object' ? Object.entries(value as Record<string, unknown>) : [['', value]];
  tip.replaceChildren(h('table', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, String(k)), h('td', {}, String(v))))));
  tip.hidden = false;
  const x = Math.min(window.innerWidth - tip.offsetWidth - 8, event.clientX + 14);
  const y = Math.min(window.innerHeight - tip.offsetHeight - 8, event.clientY + 14);
  tip.style.left = `${Math.max(4, x)}px`;
  tip.style.top = `${Math.max(4, y)}px`;
}

async function openFile(file: File): Promise<void> {
  const res = await fetch('/api/resolve', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file: file.name, text: await file.text() }) });
  const body = (await res.json()) as BaselineEntry & { error?: string };
  if (!res.ok) {
    byId('open-error').textContent = body.error ?? `could not open ${file.name}`;
    return;
  }
  byId('open-error').textContent = '';
  state = addBaseline(state, body);
  save(localStorage, state);
  renderBaselinePicker();
  renderEditor(host);
  status(`Opened ${file.name} as the baseline.`);
}

async function importReturns(form: HTMLFormElement): Promise<void> {
  const uploads: { role: string; name: string; text: string }[] = [];
  for (const input of form.querySelectorAll<HTMLInputElement>('input[type=file]')) {
    for (const f of input.files ?? []) uploads.push({ role: input.dataset.role ?? '', name: f.name, text: await f.text() });
  }
  const name = (form.elements.namedItem('import-name') as HTMLInputElement).value.trim();
  const out = byId('import-status');
  out.textContent = 'Importing and calibrating on this machine…';
  const res = await fetch('/api/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uploads, baseline: state.baseline, name }) });
  const body = (await res.json()) as { entry?: BaselineEntry; log?: string; error?: string };
  if (!res.ok || !body.entry) {
    out.textContent = body.error ?? 'import failed';
    out.className = 'field-error';
    return;
  }
  out.className = 'note';
  out.textContent = `Calibrated ${body.entry.file} from ${uploads.length} file${uploads.length === 1 ? '' : 's'}; it is now the baseline.`;
  state = addBaseline(state, body.entry);
  save(localStorage, state);
  renderBaselinePicker();
  renderEditor(host);
}

function wire(): void {
  byId('baseline').addEventListener('change', (ev) => {
    state = setBaseline(state, (ev.target as HTMLSelectElement).value);
    save(localStorage, state);
    renderBaselinePicker();
    renderEditor(host);
  });
  byId<HTMLInputElement>('open-file').addEventListener('change', (ev) => {
    const f = (ev.target as HTMLInputElement).files?.[0];
    if (f) void openFile(f);
  });
  byId<HTMLFormElement>('import-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void importReturns(ev.target as HTMLFormElement);
  });
  for (const id of ['runs', 'months', 'seed'] as const) {
    byId<HTMLInputElement>(id).addEventListener('change', (ev) => {
      state = setRun(state, { [id]: Number((ev.target as HTMLInputElement).value) });
      save(localStorage, state);
      renderRunSettings();
      showErrors(host);
    });
  }
  byId('run').addEventListener('click', () => void run());
  byId('cancel').addEventListener('click', () => pool.cancel());
  byId('reset').addEventListener('click', () => {
    if (!confirm('Discard your what-ifs and settings and go back to the default comparison?')) return;
    state = defaultState();
    save(localStorage, state);
    renderAll();
    void run();
  });
  byId<HTMLSelectElement>('kpi').addEventListener('change', (ev) => {
    state = setKpi(state, (ev.target as HTMLSelectElement).value);
    save(localStorage, state);
    if (result?.complete) void renderResults(result, tooltip);
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      void run();
    } else if (ev.key === 'Escape') {
      if (pool.running) pool.cancel();
      byId('tooltip').hidden = true;
    }
  });
}

function defaultState(): WorkbenchState {
  const d = library.defaults;
  const base = library.scenarios.find((e) => e.file === d.baseline) ?? library.scenarios[0];
  const scen = library.scenarios.find((e) => e.file === d.scenario);
  return initialState({ baseline: base.file, scenario: scen?.own, runs: d.runs, months: d.months, seed: Number(base.resolved.seed ?? 1) });
}

function renderAll(): void {
  renderBaselinePicker();
  renderRunSettings();
  renderEditor(host);
  byId<HTMLSelectElement>('kpi').value = state.kpi;
}

async function start(): Promise<void> {
  const res = await fetch('/api/library');
  library = (await res.json()) as Library;
  byId('version').textContent = `caseflow ${library.version}`;
  state = load(localStorage) ?? defaultState();
  if (!entries().some((e) => e.file === state.baseline)) state = setBaseline(state, library.defaults.baseline);
  const workers = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2));
  pool = new EnginePool(workers, () => new Worker('/worker.js', { type: 'module', name: 'caseflow-engine' }) as never);
  const { fillKpiPicker } = await import('./results.ts');
  fillKpiPicker(byId<HTMLSelectElement>('kpi'));
  renderAll();
  wire();
  void activeWhatIf;
  await run();
}

void start().catch((err: unknown) => status(`The workbench could not start: ${(err as Error).message}`, 'error'));
