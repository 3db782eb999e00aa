/**
 * Groupings of statutory codes used by the KPIs (domain guide §4), following the groups the
 * Department for Education publishes in its children looked after statistics. Pure functions of
 * codes, so every consumer groups the same way.
 */

/**
 * Placement groups, in the DfE's order: foster placements (split by carer and provider), secure
 * units and children's homes, supported accommodation, other residential settings, residential
 * schools, other placements in the community, placed with parents, placed for adoption, other.
 */
export const PLACEMENT_GROUPS = [
  'in_house_foster',
  'other_public_foster',
  'ifa',
  'kinship_foster',
  'residential',
  'supported',
  'other_residential',
  'residential_schools',
  'community',
  'placed_with_parents',
  'placed_for_adoption',
  'other',
] as const;
export type PlacementGroup = (typeof PLACEMENT_GROUPS)[number];

/**
 * PLACE x PLACE_PROVIDER to placement group:
 * U1–U3 kinship foster; U4–U6 with PR1 (the council's own provision) in-house, PR2/PR3 (other
 * councils, other public providers) other public foster, PR4/PR5 independent fostering agency
 * (IFA); K1/K2 secure units and children's homes; H5/K3 semi-independent and supported
 * accommodation; R1/R2/R3/R5 other residential settings; S1 residential schools; P2/P3 other
 * placements in the community; P1 placed with parents; A3–A6 placed for adoption; anything else
 * (Z1, temporary placements, a foster placement with no valid provider) other.
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
      switch (provider) {
        case 'PR1':
          return 'in_house_foster';
        case 'PR2':
        case 'PR3':
          return 'other_public_foster';
        case 'PR4':
        case 'PR5':
          return 'ifa';
        default:
          return 'other';
      }
    case 'K1':
    case 'K2':
      return 'residential';
    case 'H5':
    case 'K3':
      return 'supported';
    case 'R1':
    case 'R2':
    case 'R3':
    case 'R5':
      return 'other_residential';
    case 'S1':
      return 'residential_schools';
    case 'P2':
    case 'P3':
      return 'community';
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

/**
 * Reasons a period of care ends, grouped by REC as the DfE publishes them. Every REC but X1 is in
 * exactly one group, so the groups add up to all children ceasing. Ceasing at 18 or over is an
 * age, not a reason: `endedAged18` tells it apart, whatever the REC.
 */
export const LEAVING_CARE_GROUPS = ['return_home', 'relatives_no_pr', 'sgo', 'cao', 'adoption', 'independent_living', 'staying_put', 'other'] as const;
export type LeavingCareGroup = (typeof LEAVING_CARE_GROUPS)[number];

/**
 * REC to reason group: E4A/E4B returned home (to parents or others with parental responsibility);
 * E13 living with parents, relatives or others without parental responsibility; E43–E48 SGO;
 * E41 residence or child arrangements order; E11/E12 adopted; E5/E6 independent living (at any
 * age); E17 aged 18 or over and remained with current carers (staying put); the rest other
 * (E2, E3, E7, E8, E9, E14, E15, E16).
 */
export function leavingCareGroup(rec: string): LeavingCareGroup {
  switch (rec) {
    case 'E4A':
    case 'E4B':
      return 'return_home';
    case 'E13':
      return 'relatives_no_pr';
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
      return 'independent_living';
    case 'E17':
      return 'staying_put';
    default:
      return 'other';
  }
}
