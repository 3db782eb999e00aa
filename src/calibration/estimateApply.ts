/** Writing estimates into parameters, and listing what no estimate informed. */
import { produce } from 'immer';
import { AGE_BANDS, REENTRY_ROUTES, type Parameters } from '../simulation/parameters.ts';
import { leaversInTouch } from './estimateLeavers.ts';

/** Makes a [time, cumulative probability] table non-decreasing and at most 1, in place. */
export function nonDecreasing(points: [number, number][]): void {
  let prev = 0;
  for (const pt of points) {
    pt[1] = Math.min(1, Math.max(prev, pt[1]));
    prev = pt[1];
  }
}

/** Writes `path → value` estimates into a copy of `base`; mixes and outcome groups stay valid. */
export function applyEstimates(base: Parameters, values: ReadonlyMap<string, number>): Parameters {
  return produce(base, (draft) => {
    for (const [path, value] of values) {
      const keys = path.split('.');
      let node = draft as unknown as Record<string, unknown>;
      for (let i = 0; i < keys.length - 1; i++) {
        const next = node[keys[i]];
        if (next === undefined || next === null || typeof next !== 'object') {
          if (/^(atEntry|onMove|placementMix|categories|exitReasons)$/.test(keys[i - 1] ?? '') || /^directEntrySex$/.test(keys[i]) || keys[i] in node) node[keys[i]] = {};
          else throw new Error(`parameter path ${path} does not exist`);
        }
        node = node[keys[i]] as Record<string, unknown>;
      }
      node[keys[keys.length - 1]] = value;
    }
    // probabilities of the named outcomes must leave room for the default outcome
    const fit = (o: Record<string, number>) => {
      const sum = Object.values(o).reduce((a, b) => a + b, 0);
      if (sum > 1) for (const k of Object.keys(o)) o[k] /= sum;
    };
    fit(draft.contacts.outcomes);
    fit(draft.recontact.outcomes);
    fit(draft.assessment.outcomes);
    fit(draft.s47.outcomes);
    fit(draft.cp.outcomes);
    fit(draft.cin.outcomes);
    for (const b of AGE_BANDS) fit(draft.care.exitReasons[b]);
    fit(draft.uasc.exitReasons);
    // care leavers' shares in education and in suitable accommodation are of those in touch too
    leaversInTouch(draft.careLeavers);
    // cumulative tables must not decrease
    nonDecreasing(draft.recontact.cumulative);
    if (draft.care.reentry) for (const r of REENTRY_ROUTES) nonDecreasing(draft.care.reentry[r]);
    for (const d of [draft.icpc.workingDaysFromStrategy, draft.assessment.durationWorkingDays, draft.s47.durationWorkingDays, draft.cp.durationMonths, draft.cin.durationMonths]) {
      if (d.dist !== 'empirical') continue;
      let f = 0;
      for (const pt of d.points) {
        pt[1] = Math.min(1, Math.max(f, pt[1]));
        f = pt[1];
      }
      d.points[d.points.length - 1][1] = 1;
    }
    // weight tables: drop zero weights only if something else is left
    for (const table of [...AGE_BANDS.map((b) => draft.placement.atEntry[b]), ...AGE_BANDS.map((b) => draft.placement.onMove[b]), draft.uasc.placementMix, draft.cp.categories]) {
      const t = table as Record<string, number>;
      if (Object.values(t).every((v) => !(v > 0))) throw new Error('an estimated weight table has no positive weight');
    }
  });
}

/** Every parameter (leaf number, weight table or duration) of `base` not among `informed` paths. */
export function listNotInformed(base: Parameters, informed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const isInformed = (path: string) => {
    for (const p of informed) if (p === path || p.startsWith(path + '.')) return true;
    return false;
  };
  const walk = (node: unknown, path: string) => {
    if (node === null || typeof node !== 'object') {
      if (!isInformed(path)) out.push(path);
      return;
    }
    const obj = node as Record<string, unknown>;
    const isDuration = 'dist' in obj;
    const isTable = Array.isArray(node) || isDuration || Object.values(obj).every((v) => typeof v === 'number');
    if (isTable && !isInformed(path)) {
      out.push(path);
      return;
    }
    if (isTable) {
      // partly informed: list its uninformed entries
      if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${path}.${i}`));
      else for (const [k, v] of Object.entries(obj)) walk(v, `${path}.${k}`);
      return;
    }
    for (const [k, v] of Object.entries(obj)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(base, '');
  return out.filter((p) => !p.endsWith('.dist') && !p.endsWith('.source'));
}
