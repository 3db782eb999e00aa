/**
 * The layers of src/, bottom to top (the developers' guide): a module imports only its own layer
 * or lower ones, and below the node-side adapters (src/node: files, locks, the NDJSON store,
 * scenario and comparator files), just under the ensembles, nothing imports `node:` modules or
 * uses Node's globals (`Buffer`, `process`, `require`), so the engine's core can be bundled for a
 * browser. The imports are read from the sources themselves.
 */
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '../src');

/** Layer of each top-level folder (or file) of src/. */
const LAYERS: Record<string, number> = {
  calendar: 0,
  'errors.ts': 0,
  'version.ts': 0,
  events: 1,
  store: 2,
  simulation: 2,
  projections: 3,
  scenarios: 4,
  node: 5,
  ensemble: 6,
  calibration: 7,
  returns: 7,
  report: 8,
  // sweeps run many ensembles and write their own report
  sweep: 8,
  cli: 9,
  web: 9,
};
const NODE_SIDE = LAYERS.node;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|mts|mjs)$/.test(name) ? [p] : [];
  });
}

/** Static and dynamic import specifiers of a source text (comments stripped). */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of code.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

function layerOf(file: string): { top: string; layer: number } {
  const top = relative(SRC, file).split('/')[0];
  const layer = LAYERS[top];
  if (layer === undefined) throw new Error(`src/${top} has no layer: add it to LAYERS in test/layers.test.ts`);
  return { top, layer };
}

describe('layers', () => {
  const files = sources(SRC);

  it('reads imports of every kind', () => {
    const text = `import { a } from './a.ts';\nimport type { B } from "../b.ts";\nexport * from './c.ts';\nimport './d.ts';\nconst e = await import('./e.ts');\n// import { x } from './commented.ts';\n`;
    expect(importsOf(text)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts', './e.ts']);
  });

  it('no module imports a higher layer', () => {
    const bad: string[] = [];
    for (const f of files) {
      const from = layerOf(f);
      for (const spec of importsOf(readFileSync(f, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(f), spec);
        if (!target.startsWith(SRC)) continue;
        const to = layerOf(target);
        if (to.layer > from.layer) bad.push(`src/${relative(SRC, f)} (${from.top}, layer ${from.layer}) imports ${spec} (${to.top}, layer ${to.layer})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('no node: import below the node-side layer', () => {
    const bad: string[] = [];
    for (const f of files) {
      if (layerOf(f).layer >= NODE_SIDE) continue;
      const nodeImports = importsOf(readFileSync(f, 'utf8')).filter((s) => s.startsWith('node:'));
      if (nodeImports.length > 0) bad.push(`src/${relative(SRC, f)} imports ${nodeImports.join(', ')}`);
    }
    expect(bad).toEqual([]);
  });

  it('no Node global (Buffer, process, require, __dirname) below the node-side layer', () => {
    const bad: string[] = [];
    for (const f of files) {
      if (layerOf(f).layer >= NODE_SIDE) continue;
      // comments and quoted strings out (labels speak of a "process"); a global is used as an object or called
      const code = readFileSync(f, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''")
        .replace(/\/\/.*$/gm, '');
      const globals = [...code.matchAll(/(?<![.\w$])(Buffer|process|require|__dirname|__filename|setImmediate)\s*[.([]|(?<![.\w$])(__dirname|__filename)\b/g)].map((m) => m[1] ?? m[2]);
      if (globals.length > 0) bad.push(`src/${relative(SRC, f)} uses ${[...new Set(globals)].join(', ')}`);
    }
    expect(bad).toEqual([]);
  });

  it("a replication's worker thread loads the engine without zod (no schema is built in a worker)", async () => {
    const r = await build({ entryPoints: [join(SRC, 'ensemble/worker.ts')], bundle: true, format: 'esm', platform: 'node', write: false, metafile: true, outdir: '/', logLevel: 'silent' });
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs.some((f) => f.endsWith('src/simulation/engine.ts'))).toBe(true);
    expect(inputs.filter((f) => /node_modules\/zod\/|src\/events\/schema\.ts|src\/simulation\/parameters\.ts|src\/scenarios\/(interventions|schema)\.ts/.test(f))).toEqual([]);
  });
});
