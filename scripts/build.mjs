/**
 * `npm run build`: bundles the command line into dist/ with esbuild. Each entry (the CLI, the
 * ensemble's worker thread, the sweep's thread) is one file, and what they share or load only
 * when needed (each command, the report's chart renderer, the returns importers) goes to chunks
 * in dist/chunks/. A bundle loads in a fraction of the time of the hundreds of modules it is made
 * of, and a worker thread loads only the engine. Every output file lies one folder below dist/, as
 * every source lies at least one below src/, so a path a module resolves against its own location
 * (`new URL('../../scenarios/', import.meta.url)`) is the same built as from the sources.
 *
 * Packages that read their own files at run time or ship native code stay outside the bundle.
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = `${ROOT}dist`;

rmSync(DIST, { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: {
    'cli/main': 'src/cli/main.ts',
    'ensemble/worker': 'src/ensemble/worker.ts',
    'sweep/thread': 'src/sweep/thread.ts',
  },
  outdir: DIST,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // bullmq reads its Lua scripts from its own folder; esbuild and tsx ship native code or hooks
  external: ['bullmq', 'ioredis', 'esbuild', 'tsx', 'playwright-core'],
  // CommonJS dependencies bundled into ES modules still call require() for Node built-ins
  banner: { js: "import { createRequire as __caseflowRequire } from 'node:module'; const require = __caseflowRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});

// the CLI runs when dist/cli/main.js is the process's script: the check must be in that file
if (!readFileSync(`${DIST}/cli/main.js`, 'utf8').includes('invokedDirectly')) {
  throw new Error('dist/cli/main.js does not hold src/cli/main.ts itself: running it would do nothing');
}
