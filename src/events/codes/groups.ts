/**
 * Groupings of statutory codes used by the KPIs (domain guide §4).
 * Both are pure functions of codes so every consumer groups the same way.
 */

export const PLACEMENT_GROUPS = [
  'in_house_foster',
  'ifa',
  'kinship_foster',
  'residential',
  'supported',
  'placed_with_parents',
  'placed_for_adoption',
  'other',
] as const;
export type PlacementGroup = (typeof PLACEMENT_GROUPS)[number];

/**
 * PLACE x PLACE_PROVIDER to placement group:
 * U1–U3 kinship foster; U4–U6 with PR1/PR2 (and PR0/PR3, other public fostering) in-house,
 * PR4/PR5 independent fostering agency (IFA); K1/K2/R1 residential; H5/K3/P2 supported;
 * P1 placed with parents; A3–A6 placed for adoption; anything else other.
 */
export function placementGroup(place: string, provider: string): PlacementGroup {
  switch (place) {
    case 'U1':
    case 'U2':
    case 'U3':
      return 'kinship_foster';
    case 'U4':
    case 'U5':
    case 'U6':
      return provider === 'PR4' || provider === 'PR5' ? 'ifa' : 'in_house_foster';
    case 'K1':
    case 'K2':
    case 'R1':
      return 'residential';
    case 'H5':
    case 'K3':
    case 'P2':
      return 'supported';
    case 'P1':
      return 'placed_with_parents';
    case 'A3':
    case 'A4':
    case 'A5':
    case 'A6':
      return 'placed_for_adoption';
    default:
      return 'other';
  }
}

export const LEAVING_CARE_GROUPS = ['return_home', 'sgo', 'cao', 'adoption', 'age18', 'other'] as const;
export type LeavingCareGroup = (typeof LEAVING_CARE_GROUPS)[number];

/**
 * REC to reason group: E4A/E4B/E13 return home; E43–E48 SGO; E41 CAO; E11/E12 adoption;
 * E5/E6/E17 age 18. A period that ends on or after the 18th birthday for any other reason
 * counts as age 18 too (`endedAged18`). The rest are other.
 */
export function leavingCareGroup(rec: string, endedAged18 = false): LeavingCareGroup {
  switch (rec) {
    case 'E4A':
    case 'E4B':
    case 'E13':
      return 'return_home';
    case 'E43':
    case 'E44':
    case 'E45':
    case 'E46':
    case 'E47':
    case 'E48':
      return 'sgo';
    case 'E41':
      return 'cao';
    case 'E11':
    case 'E12':
      return 'adoption';
    case 'E5':
    case 'E6':
    case 'E17':
      return 'age18';
    default:
      return endedAged18 ? 'age18' : 'other';
  }
}
