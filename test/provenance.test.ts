/** provenanceOf against the rule it implements, read literally: the longest key that is the path or a dotted prefix of it. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PROVENANCE_SOURCES, provenanceOf, type ProvenanceSource } from '../src/scenarios/provenance.ts';

function byScan(provenance: Record<string, ProvenanceSource>, path: string): ProvenanceSource {
  let best = -1;
  let label: ProvenanceSource = 'assumption';
  for (const [k, v] of Object.entries(provenance)) {
    if ((k === '' || path === k || path.startsWith(k + '.')) && k.length > best) {
      best = k.length;
      label = v;
    }
  }
  return label;
}

describe('provenanceOf', () => {
  it('takes the longest key that is the path or ends before one of its dots', () => {
    const p: Record<string, ProvenanceSource> = { care: 'national', 'care.durationMonths': 'events', 'care.durationMonths.1-4': 'observed', contacts: 'events' };
    expect(provenanceOf(p, 'care.durationMonths.1-4')).toBe('observed');
    expect(provenanceOf(p, 'care.durationMonths.5-9')).toBe('events');
    expect(provenanceOf(p, 'care.exit')).toBe('national');
    // a key is a prefix only up to a dot: `contacts` does not cover `contactsX`
    expect(provenanceOf(p, 'contactsX.perMonth')).toBe('assumption');
    expect(provenanceOf({ ...p, '': 'national' }, 'cp.durationMonths')).toBe('national');
    expect(provenanceOf(undefined, 'care')).toBe('assumption');
  });

  it('agrees with a scan of every key', () => {
    const seg = fc.constantFrom('a', 'b', 'ab', '1', '');
    const path = fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));
    const source = fc.constantFrom(...PROVENANCE_SOURCES);
    fc.assert(
      fc.property(fc.dictionary(path, source, { maxKeys: 8 }), path, (prov, p) => {
        expect(provenanceOf(prov, p)).toBe(byScan(prov, p));
      }),
      { seed: 16, numRuns: 2000 },
    );
  });
});
