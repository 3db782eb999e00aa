/**
 * The DfE's placement and reason-for-leaving groups, code by code (domain guide §4; the DfE's
 * children looked after statistics).
 */
import { describe, expect, it } from 'vitest';
import { LEAVING_CARE_GROUPS, PLACEMENT, PLACEMENT_GROUPS, PLACEMENT_PROVIDER, REASON_EPISODE_CEASED, leavingCareGroup, placementGroup } from '../src/events/index.ts';
import { choosePlacement, PLACE_CODES, PROVIDER_CODES, K3_FROM } from '../src/simulation/placementCodes.ts';
import { Rng } from '../src/simulation/random.ts';

describe('placement groups', () => {
  it('group every PLACE code as the DfE does, foster placements by provider', () => {
    const want: Record<string, string> = {
      U1: 'kinship_foster', U2: 'kinship_foster', U3: 'kinship_foster',
      K1: 'residential', K2: 'residential', H5: 'supported', K3: 'supported',
      R1: 'other_residential', R2: 'other_residential', R3: 'other_residential', R5: 'other_residential',
      S1: 'residential_schools', P2: 'community', P3: 'community', P1: 'placed_with_parents',
      A3: 'placed_for_adoption', A4: 'placed_for_adoption', A5: 'placed_for_adoption', A6: 'placed_for_adoption',
      Z1: 'other', T0: 'other', T1: 'other', T2: 'other', T3: 'other', T4: 'other',
    };
    for (const { code } of PLACEMENT) {
      if (code === 'U4' || code === 'U5' || code === 'U6') continue;
      // the provider does not matter outside foster placements with other carers
      for (const { code: provider } of PLACEMENT_PROVIDER) expect(placementGroup(code, provider), `${code} ${provider}`).toBe(want[code]);
    }
    const foster: Record<string, string> = { PR0: 'other', PR1: 'in_house_foster', PR2: 'other_public_foster', PR3: 'other_public_foster', PR4: 'ifa', PR5: 'ifa' };
    for (const place of ['U4', 'U5', 'U6']) for (const [provider, g] of Object.entries(foster)) expect(placementGroup(place, provider), `${place} ${provider}`).toBe(g);
    expect(new Set([...Object.values(want), ...Object.values(foster)])).toEqual(new Set(PLACEMENT_GROUPS));
  });

  it('the simulation only emits codes that group back to the group it chose, K3 for H5 from April 2024', () => {
    const rng = Rng.stream(5, 1, 0);
    PLACEMENT_GROUPS.forEach((g, gi) => {
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const day = i % 2 === 0 ? K3_FROM - 1 : K3_FROM;
        const c = choosePlacement(gi, day, rng);
        const place = PLACE_CODES[c & 0xff];
        const provider = PROVIDER_CODES[c >> 8];
        expect(placementGroup(place, provider), `${g}: ${place} ${provider}`).toBe(g);
        if (place === 'H5') expect(day).toBeLessThan(K3_FROM);
        if (place === 'K3') expect(day).toBeGreaterThanOrEqual(K3_FROM);
        seen.add(place);
      }
      expect(seen.size, g).toBeGreaterThan(0);
    });
  });
});

describe('reasons for leaving care', () => {
  it('put every REC but X1 in exactly one of the DfE groups', () => {
    const want: Record<string, string> = {
      E4A: 'return_home', E4B: 'return_home', E13: 'relatives_no_pr',
      E43: 'sgo', E44: 'sgo', E45: 'sgo', E46: 'sgo', E47: 'sgo', E48: 'sgo', E41: 'cao', E11: 'adoption', E12: 'adoption',
      E5: 'independent_living', E6: 'independent_living', E17: 'staying_put',
      E2: 'other', E3: 'other', E7: 'other', E8: 'other', E9: 'other', E14: 'other', E15: 'other', E16: 'other',
    };
    const recs = REASON_EPISODE_CEASED.map((r) => r.code).filter((c) => c !== 'X1');
    expect(recs.sort()).toEqual(Object.keys(want).sort());
    for (const rec of recs) expect(leavingCareGroup(rec), rec).toBe(want[rec]);
    expect(new Set(Object.values(want))).toEqual(new Set(LEAVING_CARE_GROUPS));
  });
});
