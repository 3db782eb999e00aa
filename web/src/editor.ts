/**
 * The scenario editor: the what-ifs as tabs, each with its interventions and their effects on
 * levers from the lever catalogue. Every field has a label and a message slot beside it; the
 * messages are the command line's own (see state.ts `buildScenario`).
 */
import { byId, download, h, slug } from './dom.ts';
import {
  LEVER_OPTIONS,
  addEffect,
  addIntervention,
  addWhatIf,
  buildScenario,
  removeEffect,
  removeIntervention,
  removeWhatIf,
  scenarioFileText,
  setEffect,
  setInterventionField,
  setWhatIfField,
  type BaselineEntry,
  type FieldError,
  type InterventionField,
  type WhatIf,
  type WorkbenchState,
} from './state.ts';
import type { ChangeKind } from '../../src/scenarios/levers.ts';

export interface EditorHost {
  state(): WorkbenchState;
  /** Applies a new state (saved to browser storage); `rebuild` redraws the editor. */
  update(next: WorkbenchState, rebuild?: boolean): void;
  baseline(): BaselineEntry;
  shipped(file: string): boolean;
  /** Shipped scenarios that extend the current baseline (offered as ready-made what-ifs). */
  extensions(): BaselineEntry[];
}

let active: string | undefined;

export function activeWhatIf(s: WorkbenchState): WhatIf | undefined {
  return s.whatIfs.find((w) => w.id === active) ?? s.whatIfs[0];
}

const CHANGE_HELP: Record<ChangeKind, string> = {
  relative: 'fraction: −0.2 is 20% less',
  absolute: 'added, in the parameter’s unit',
  shift: 'share moved, 0 to 1',
};

function errSlot(w: WhatIf, field: string): HTMLElement {
  return h('p', { class: 'field-error', id: `err-${w.id}-${slug(field)}`, 'aria-live': 'polite' });
}

function described(w: WhatIf, field: string): string {
  return `err-${w.id}-${slug(field)}`;
}

/** Shows the what-if's validation message beside its field (or above the form), clearing the others. */
export function showErrors(host: EditorHost): FieldError | undefined {
  const s = host.state();
  const w = activeWhatIf(s);
  for (const el of document.querySelectorAll<HTMLElement>('#editor .field-error')) el.textContent = '';
  for (const el of document.querySelectorAll<HTMLElement>('#editor [aria-invalid]')) el.removeAttribute('aria-invalid');
  if (!w) return undefined;
  const r = buildScenario(w, host.baseline(), s.run, host.shipped(s.baseline));
  if (!('error' in r)) return undefined;
  const slot = document.getElementById(`err-${w.id}-${slug(r.error.field)}`) ?? document.getElementById(`err-${w.id}-scenario`);
  if (slot) slot.textContent = r.error.message;
  const input = document.querySelector<HTMLElement>(`[aria-describedby~="err-${w.id}-${slug(r.error.field)}"]`);
  input?.setAttribute('aria-invalid', 'true');
  return r.error;
}

function textField(w: WhatIf, id: string, label: string, value: string, field: string, onInput: (v: string) => void, type = 'text', extra: Record<string, string> = {}): HTMLElement {
  const inputId = `${w.id}-${slug(field)}`;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: inputId }, label),
    h('input', { id: inputId, type, value, 'aria-describedby': described(w, field), ...extra, oninput: (ev) => onInput((ev.target as HTMLInputElement).value) }),
    errSlot(w, field),
  );
}

function numberValue(raw: string): number | null {
  if (raw.trim() === '') return null;
  const v = Number(raw);
  return Number.isFinite(v) ? v : null;
}

function interventionBox(host: EditorHost, w: WhatIf, k: number): HTMLElement {
  const iv = w.interventions[k];
  const set = (field: InterventionField, v: string | number | null) => host.update(setInterventionField(host.state(), w.id, k, field, v));
  const effects = iv.effects.map((e, j) => {
    const lever = LEVER_OPTIONS.find((l) => l.name === e.lever);
    const base = `iv.${k}.effect.${j}`;
    const leverId = `${w.id}-${slug(base)}-lever`;
    const changeId = `${w.id}-${slug(base)}-change`;
    const valueId = `${w.id}-${slug(base)}-value`;
    const noteId = `${w.id}-${slug(base)}-note`;
    return h(
      'fieldset',
      { class: 'effect' },
      h('legend', {}, `Effect ${j + 1}`),
      h(
        'div',
        { class: 'field lever' },
        h('label', { for: leverId }, 'Lever'),
        h(
          'select',
          { id: leverId, 'aria-describedby': `${described(w, `${base}.lever`)} ${leverId}-help`, onchange: (ev) => host.update(setEffect(host.state(), w.id, k, j, { lever: (ev.target as HTMLSelectElement).value }), true) },
          ...LEVER_OPTIONS.map((l) => h('option', { value: l.name, selected: l.name === e.lever }, l.name.replace(/_/g, ' '))),
        ),
        h('p', { class: 'help', id: `${leverId}-help` }, lever ? `${lever.description} (${lever.kind})` : ''),
        errSlot(w, `${base}.lever`),
      ),
      h(
        'div',
        { class: 'row' },
        h(
          'div',
          { class: 'field' },
          h('label', { for: changeId }, 'Change'),
          h(
            'select',
            { id: changeId, 'aria-describedby': described(w, `${base}.change`), onchange: (ev) => host.update(setEffect(host.state(), w.id, k, j, { change: (ev.target as HTMLSelectElement).value as ChangeKind }), true) },
            ...(lever?.changes ?? ['relative', 'absolute']).map((c) => h('option', { value: c, selected: c === e.change }, c)),
          ),
          errSlot(w, `${base}.change`),
        ),
        h(
          'div',
          { class: 'field' },
          h('label', { for: valueId }, 'Value'),
          h('input', {
            id: valueId,
            type: 'number',
            step: 'any',
            value: e.value === null ? '' : String(e.value),
            'aria-describedby': `${described(w, `${base}.value`)} ${valueId}-help`,
            oninput: (ev) => host.update(setEffect(host.state(), w.id, k, j, { value: numberValue((ev.target as HTMLInputElement).value) })),
          }),
          h('p', { class: 'help', id: `${valueId}-help` }, CHANGE_HELP[e.change] ?? ''),
          errSlot(w, `${base}.value`),
        ),
      ),
      h('div', { class: 'field' }, h('label', { for: noteId }, 'Note (evidence)'), h('input', { id: noteId, type: 'text', value: e.note ?? '', oninput: (ev) => host.update(setEffect(host.state(), w.id, k, j, { note: (ev.target as HTMLInputElement).value })) })),
      h('button', { type: 'button', class: 'link', onclick: () => host.update(removeEffect(host.state(), w.id, k, j), true) }, `Remove effect ${j + 1}`),
    );
  });
  return h(
    'fieldset',
    { class: 'intervention' },
    h('legend', {}, `Intervention ${k + 1}`),
    errSlot(w, `iv.${k}.effects`),
    textField(w, 'name', 'Name', iv.name, `iv.${k}.name`, (v) => set('name', v)),
    textField(w, 'evidence', 'Evidence', iv.evidence ?? '', `iv.${k}.evidence`, (v) => set('evidence', v)),
    h(
      'div',
      { class: 'row three' },
      textField(w, 'start', 'Start (YYYY-MM)', iv.start, `iv.${k}.start`, (v) => set('start', v), 'text', { inputmode: 'numeric', placeholder: 'YYYY-MM', autocomplete: 'off' }),
      textField(w, 'ramp', 'Ramp (months)', iv.rampMonths === null ? '' : String(iv.rampMonths), `iv.${k}.rampMonths`, (v) => set('rampMonths', numberValue(v)), 'number', { min: '0', step: '1' }),
      textField(w, 'end', 'End (YYYY-MM, optional)', iv.end ?? '', `iv.${k}.end`, (v) => set('end', v), 'text', { inputmode: 'numeric', placeholder: 'none', autocomplete: 'off' }),
    ),
    ...effects,
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', onclick: () => host.update(addEffect(host.state(), w.id, k), true) }, 'Add effect'),
      h('button', { type: 'button', class: 'link', onclick: () => host.update(removeIntervention(host.state(), w.id, k), true) }, `Remove intervention ${k + 1}`),
    ),
  );
}

/** Redraws the what-if tabs and the active what-if's form. */
export function renderEditor(host: EditorHost): void {
  const s = host.state();
  const root = byId('editor');
  const w = activeWhatIf(s);
  active = w?.id;
  const startOf = () => String(host.baseline().resolved.start ?? '');
  const tabs = h(
    'div',
    { class: 'tabs', role: 'tablist', 'aria-label': 'What-if scenarios' },
    ...s.whatIfs.map((x) =>
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `tab-${x.id}`,
          'aria-selected': String(x.id === w?.id),
          'aria-controls': 'whatif-panel',
          tabindex: x.id === w?.id ? '0' : '-1',
          onclick: () => {
            active = x.id;
            renderEditor(host);
            document.getElementById(`tab-${x.id}`)?.focus();
          },
          onkeydown: (ev) => {
            const key = (ev as KeyboardEvent).key;
            if (key !== 'ArrowRight' && key !== 'ArrowLeft') return;
            const i = s.whatIfs.findIndex((y) => y.id === x.id);
            const next = s.whatIfs[(i + (key === 'ArrowRight' ? 1 : s.whatIfs.length - 1)) % s.whatIfs.length];
            active = next.id;
            renderEditor(host);
            document.getElementById(`tab-${next.id}`)?.focus();
          },
        },
        x.name || '(unnamed)',
      ),
    ),
  );
  const extensions = host.extensions().filter((e) => !s.whatIfs.some((x) => x.name === e.own.name));
  const adders = h(
    'div',
    { class: 'buttons' },
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          const next = addWhatIf(host.state(), startOf());
          active = next.whatIfs[next.whatIfs.length - 1].id;
          host.update(next, true);
        },
      },
      'New what-if',
    ),
    extensions.length > 0 &&
      h(
        'select',
        {
          'aria-label': 'Add a shipped scenario as a what-if',
          onchange: (ev) => {
            const file = (ev.target as HTMLSelectElement).value;
            const e = extensions.find((x) => x.file === file);
            if (!e) return;
            const next = addWhatIf(host.state(), startOf(), e.own);
            active = next.whatIfs[next.whatIfs.length - 1].id;
            host.update(next, true);
          },
        },
        h('option', { value: '' }, 'Add a shipped what-if…'),
        ...extensions.map((e) => h('option', { value: e.file }, String(e.own.name ?? e.file))),
      ),
  );
  if (!w) {
    root.replaceChildren(tabs, adders, h('p', { class: 'note' }, 'No what-if yet: the run shows the baseline alone.'));
    return;
  }
  const panel = h(
    'div',
    { id: 'whatif-panel', role: 'tabpanel', 'aria-labelledby': `tab-${w.id}` },
    errSlot(w, 'scenario'),
    textField(w, 'name', 'Scenario name', w.name, 'name', (v) => {
      host.update(setWhatIfField(host.state(), w.id, 'name', v));
      const tab = document.getElementById(`tab-${w.id}`);
      if (tab) tab.textContent = v || '(unnamed)';
    }),
    h(
      'div',
      { class: 'field' },
      h('label', { for: `${w.id}-description` }, 'Description'),
      h('textarea', { id: `${w.id}-description`, rows: 2, value: w.description, 'aria-describedby': described(w, 'description'), oninput: (ev) => host.update(setWhatIfField(host.state(), w.id, 'description', (ev.target as HTMLTextAreaElement).value)) }),
      errSlot(w, 'description'),
    ),
    ...w.interventions.map((_, k) => interventionBox(host, w, k)),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', onclick: () => host.update(addIntervention(host.state(), w.id, startOf()), true) }, 'Add intervention'),
      h(
        'button',
        {
          type: 'button',
          id: 'save-scenario',
          onclick: () => {
            const st = host.state();
            const cur = activeWhatIf(st);
            if (cur) download(`${cur.name || 'what-if'}.json`, scenarioFileText(cur, host.baseline(), st.run, host.shipped(st.baseline)), 'application/json');
          },
        },
        'Save scenario (JSON)',
      ),
      h('button', { type: 'button', class: 'link', onclick: () => host.update(removeWhatIf(host.state(), w.id), true) }, `Remove ${w.name || 'what-if'}`),
    ),
    h('p', { class: 'note' }, host.shipped(s.baseline) ? `Saved files extend ${s.baseline}: keep them in the scenarios folder beside it.` : 'Saved files hold the whole baseline, so they stand alone.'),
  );
  root.replaceChildren(tabs, adders, panel);
  showErrors(host);
}
