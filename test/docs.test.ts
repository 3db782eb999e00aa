import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { withGeneratedSections } from './helpers/docs.ts';
import { KPI_IDS } from '../src/projections/catalogue.ts';
import { LEVER_NAMES } from '../src/scenarios/levers.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has its KPI and lever tables in step with the code (run `npm run docs` to refresh)', () => {
    expect(withGeneratedSections(readme)).toBe(readme);
    for (const id of KPI_IDS) expect(readme).toContain(`\`${id}\``);
    for (const l of LEVER_NAMES) expect(readme).toContain(`\`${l}\``);
  });

  it('starts with the two commands a newcomer runs', () => {
    const top = readme.split('\n').slice(0, 20).join('\n');
    expect(top).toContain('npm start');
    expect(top).toContain('npm test');
  });

  it('names every shipped scenario', () => {
    for (const f of readdirSync(new URL('../scenarios/', import.meta.url)).filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json')) {
      expect(readme, f).toContain(f);
    }
  });
});
