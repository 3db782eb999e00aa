/** The generated sections of README.md: KPI definitions and scenario levers come from the code. */
import { kpiMarkdownTable } from '../../src/projections/catalogue.ts';
import { leverMarkdownTable } from '../../src/scenarios/levers.ts';
import { backtestMarkdown } from './backtestDocs.ts';

export const GENERATED_SECTIONS: Record<string, () => string> = {
  'kpi-table': kpiMarkdownTable,
  'lever-table': leverMarkdownTable,
  'backtest-tables': backtestMarkdown,
};

/** README text with every generated section rewritten from the code. */
export function withGeneratedSections(readme: string): string {
  let out = readme;
  for (const [name, make] of Object.entries(GENERATED_SECTIONS)) {
    const re = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!re.test(out)) throw new Error(`README.md has no <!-- ${name}:start --> … <!-- ${name}:end --> section`);
    out = out.replace(re, (_m, a: string, b: string) => `${a}\n${make()}\n${b}`);
  }
  return out;
}
