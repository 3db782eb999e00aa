/**
 * The scripts a report needs to draw its charts: vega's and vega-lite's own browser builds (read
 * from the installed packages, once a process) and the report's chart script, each in a <script>
 * element, to be placed at the end of the page's body. The report stays one file that needs no
 * network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CHART_SCRIPT } from './chartScript.ts';

let runtime: string | undefined;

/** vega.min.js, vega-lite.min.js and the chart script, as <script> elements. */
export function chartRuntime(): string {
  if (runtime === undefined) {
    const require = createRequire(import.meta.url);
    // each package's entry point sits in its build folder beside the minified browser build
    const build = (pkg: string, file: string): string => readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8');
    runtime = [build('vega', 'vega.min.js'), build('vega-lite', 'vega-lite.min.js'), CHART_SCRIPT].map((s) => `<script>${s}</script>`).join('\n');
  }
  return runtime;
}
