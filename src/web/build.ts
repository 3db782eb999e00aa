/**
 * Bundles the workbench page for the browser with esbuild, in memory: the page script and the
 * engine's Web Worker are built from the same sources as the command line. A `node:` import
 * reached from either entry fails the build, naming the module that made it, so the engine's core
 * stays runnable in a browser.
 */
import { build, type Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chartRuntime } from '../report/chartRuntime.ts';

export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));

export interface BuiltFile {
  readonly type: string;
  readonly body: Buffer;
}

const noNodeModules: Plugin = {
  name: 'no-node-modules',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `${args.path} imported by ${args.importer}: the workbench runs in a browser, so the modules it bundles must not use Node built-ins` }],
    }));
  },
};

/**
 * Builds `index.html`, `app.js`, `worker.js` and `app.css`, and serves `chart-runtime.html` (the
 * scripts a downloaded report draws its charts with); throws with esbuild's messages on failure.
 */
export async function buildWorkbench(opts: { minify?: boolean } = {}): Promise<Map<string, BuiltFile>> {
  const result = await build({
    entryPoints: { app: `${WEB_DIR}src/main.ts`, worker: `${WEB_DIR}src/worker.ts` },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: opts.minify ?? true,
    sourcemap: false,
    legalComments: 'none',
    outdir: '/',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [noNodeModules],
  });
  const files = new Map<string, BuiltFile>();
  for (const f of result.outputFiles) files.set(f.path.replace(/^.*\//, ''), { type: 'text/javascript; charset=utf-8', body: Buffer.from(f.contents) });
  files.set('app.css', { type: 'text/css; charset=utf-8', body: readFileSync(`${WEB_DIR}src/style.css`) });
  files.set('index.html', { type: 'text/html; charset=utf-8', body: readFileSync(`${WEB_DIR}index.html`) });
  files.set('chart-runtime.html', { type: 'text/html; charset=utf-8', body: Buffer.from(chartRuntime()) });
  return files;
}
