/**
 * Scenario levers: the named parameters an intervention may change. Each lever points at one or
 * more parameter paths (`*` matches every key of an object: age bands, routes …) and says which
 * kinds of change make sense for it. Scenario files name levers, never raw parameter paths, so a
 * strategist's file keeps working when the parameter layout changes.
 */

export type LeverKind = 'probability' | 'rate' | 'duration' | 'cost' | 'pct' | 'shift' | 'multiplier';
export type ChangeKind = 'relative' | 'absolute' | 'shift';

export interface LeverDef {
  readonly name: string;
  readonly kind: LeverKind;
  readonly description: string;
  /** Parameter paths, dot-separated; `*` matches every key. */
  readonly paths: readonly string[];
  /** For shift levers: the weight moved from `from` to `to` in every targeted weight table. */
  readonly from?: string;
  readonly to?: string;
}

const lever = (name: string, kind: LeverKind, description: string, ...paths: string[]): LeverDef => ({ name, kind, description, paths });

export const LEVERS: readonly LeverDef[] = [
  lever('contact_volume', 'rate', 'First contacts a month about children not already known', 'contacts.perMonthPer10k'),
  lever('contact_to_referral', 'probability', 'Share of contacts (first and repeat) that become referrals', 'contacts.outcomes.referral', 'recontact.outcomes.referral'),
  lever('contact_to_early_help', 'probability', 'Share of contacts (first and repeat) stepped to early help', 'contacts.outcomes.earlyHelp', 'recontact.outcomes.earlyHelp'),
  lever('recontact', 'probability', 'Cumulative probability that a closed case is contacted again (drives re-referrals)', 'recontact.cumulative.*.1'),
  lever('referral_nfa', 'probability', 'Share of referrals closed with no further action before assessment', 'referrals.nfaProbability'),
  lever('assessment_duration', 'duration', 'Working days from the start of an assessment to its authorisation', 'assessment.durationWorkingDays'),
  lever('assessment_to_cin', 'probability', 'Share of assessments leading to a CIN plan', 'assessment.outcomes.cin'),
  lever('assessment_to_s47', 'probability', 'Share of assessments leading to a strategy discussion and Section 47 enquiry', 'assessment.outcomes.s47'),
  lever('assessment_to_early_help', 'probability', 'Share of assessments stepped down to early help', 'assessment.outcomes.earlyHelp'),
  lever('s47_to_icpc', 'probability', 'Share of Section 47 enquiries leading to an ICPC', 's47.outcomes.icpc'),
  lever('icpc_to_cp', 'probability', 'Share of ICPCs resulting in a child protection plan', 'icpc.cpPlanProbability'),
  lever('cp_duration', 'duration', 'Length of child protection plans', 'cp.durationMonths'),
  lever('cp_to_care', 'probability', 'Share of CP plans ending in entry to care', 'cp.outcomes.care'),
  lever('cin_duration', 'duration', 'Length of child in need plans', 'cin.durationMonths'),
  lever('cin_to_care', 'probability', 'Share of CIN plans ending in entry to care', 'cin.outcomes.care'),
  lever('cin_to_s47', 'probability', 'Share of CIN plans escalating to a Section 47 enquiry', 'cin.outcomes.s47'),
  lever('direct_entries', 'rate', 'Entries to care a month straight from referral (not UASC)', 'care.directEntriesPerMonthPer10k'),
  lever('uasc_arrivals', 'rate', 'UASC entering care a month', 'uasc.arrivalsPerMonthPer10k'),
  lever('care_duration', 'duration', 'Time in care before leaving for a reason other than ageing out (every age band)', 'care.durationMonths.*'),
  lever('exit_return_home', 'probability', 'Share of children leaving care by returning home (every age band; the model’s return home ends with REC E4A, E4B or E13)', 'care.exitReasons.*.returnHome'),
  lever('exit_sgo', 'probability', 'Share of children leaving care by special guardianship order', 'care.exitReasons.*.sgo'),
  lever('exit_cao', 'probability', 'Share of children leaving care by child arrangements order', 'care.exitReasons.*.cao'),
  lever('exit_adoption', 'probability', 'Share of children leaving care by adoption', 'care.exitReasons.*.adoption'),
  lever('return_home_speed', 'multiplier', 'Time in care of children who return home (multiplier; lower is faster)', 'care.reasonDurationFactor.returnHome'),
  lever('permanence_speed', 'multiplier', 'Time in care of children who leave by SGO or CAO (multiplier; lower is faster)', 'care.reasonDurationFactor.sgo', 'care.reasonDurationFactor.cao'),
  lever('placement_changes', 'rate', 'Placement changes per child-year (every age band)', 'placement.changesPerYear.*'),
  {
    name: 'foster_in_house_share',
    kind: 'shift',
    description: 'Moves a share of new agency (IFA) foster placements to in-house foster carers, at entry and on moves',
    paths: ['placement.atEntry.*', 'placement.onMove.*', 'uasc.placementMix'],
    from: 'ifa',
    to: 'in_house_foster',
  },
  {
    name: 'residential_to_foster_share',
    kind: 'shift',
    description: 'Moves a share of new residential placements to in-house foster carers',
    paths: ['placement.atEntry.*', 'placement.onMove.*'],
    from: 'residential',
    to: 'in_house_foster',
  },
  lever('unit_cost_in_house_foster', 'cost', 'Weekly unit cost of in-house foster placements (GBP)', 'costs.weeklyGbp.in_house_foster.gbp'),
  lever('unit_cost_ifa', 'cost', 'Weekly unit cost of agency foster placements (GBP)', 'costs.weeklyGbp.ifa.gbp'),
  lever('unit_cost_kinship_foster', 'cost', 'Weekly unit cost of kinship foster placements (GBP)', 'costs.weeklyGbp.kinship_foster.gbp'),
  lever('unit_cost_residential', 'cost', 'Weekly unit cost of secure units and children’s homes (GBP)', 'costs.weeklyGbp.residential.gbp'),
  lever('unit_cost_supported', 'cost', 'Weekly unit cost of supported accommodation (GBP)', 'costs.weeklyGbp.supported.gbp'),
  lever('unit_cost_all', 'cost', 'Weekly unit costs of every placement group (GBP)', 'costs.weeklyGbp.*.gbp'),
  lever('cost_inflation', 'pct', 'Annual inflation of unit costs (% per year)', 'costs.inflationPctPerYear'),
  lever('population_growth', 'pct', 'Growth of the population aged 0–17 (% per year)', 'population.growthPctPerYear'),
];

const byName = new Map(LEVERS.map((l) => [l.name, l]));

export function leverDef(name: string): LeverDef | undefined {
  return byName.get(name);
}

export const LEVER_NAMES: readonly string[] = LEVERS.map((l) => l.name);

/** Which changes a lever accepts. */
export function allowedChanges(kind: LeverKind): readonly ChangeKind[] {
  return kind === 'shift' ? ['shift'] : ['relative', 'absolute'];
}

/** The levers as a Markdown table (the README's lever section is this table). */
export function leverMarkdownTable(): string {
  const rows = LEVERS.map((l) => `| \`${l.name}\` | ${l.kind} | ${allowedChanges(l.kind).join(', ')} | ${l.description}${l.from ? ` (${l.from} → ${l.to})` : ''} | ${l.paths.map((p) => `\`${p}\``).join(', ')} |`);
  return ['| lever | kind | changes | what it changes | parameters |', '|---|---|---|---|---|', ...rows].join('\n');
}
