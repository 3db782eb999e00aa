/**
 * The KPI catalogue: every KPI id the engine reports, with its unit and definition
 * (domain guide §4). Ids are shared with the calibration data in shared/data/*.
 */

export type KpiUnit = 'count' | 'pct' | 'per10k' | 'gbp' | 'ratio';
/** flow: count of events in the month; stock: count at month end; rolling12: events in the last 12 months. */
export type KpiBasis = 'month_count' | 'month_end_stock' | 'rolling12_rate_per_10k' | 'month_end_rate_per_10k' | 'month_pct' | 'month_end_pct' | 'month_gbp' | 'month_end_ratio';

export interface KpiDef<I extends string = string> {
  readonly id: I;
  readonly label: string;
  readonly unit: KpiUnit;
  readonly basis: KpiBasis;
  readonly definition: string;
  /** Shown as a fan chart in reports. */
  readonly headline?: boolean;
}

const flow = <I extends string>(id: I, label: string, definition: string, headline = false): KpiDef<I> => ({ id, label, unit: 'count', basis: 'month_count', definition, headline });
const stock = <I extends string>(id: I, label: string, definition: string, headline = false): KpiDef<I> => ({ id, label, unit: 'count', basis: 'month_end_stock', definition, headline });
const rate12 = <I extends string>(id: I, label: string, definition: string): KpiDef<I> => ({ id, label, unit: 'per10k', basis: 'rolling12_rate_per_10k', definition });
const stockRate = <I extends string>(id: I, label: string, definition: string, headline = false): KpiDef<I> => ({ id, label, unit: 'per10k', basis: 'month_end_rate_per_10k', definition, headline });
const pct = <I extends string>(id: I, label: string, definition: string, headline = false): KpiDef<I> => ({ id, label, unit: 'pct', basis: 'month_pct', definition, headline });

const placement = <G extends string>(group: G, label: string, codes: string): KpiDef<`cla_placement_${G}`> =>
  stock(`cla_placement_${group}` as const, `CLA: ${label}`, `Children looked after at month end placed ${codes}`);

const CATALOGUE = [
  flow('contacts', 'Contacts', 'Contacts received in the month', true),
  pct('contact_conversion_pct', 'Contacts becoming referrals %', "Of the month's concluded contacts, % whose outcome was a referral"),
  flow('referrals', 'Referrals', 'Referrals accepted in the month', true),
  rate12('referral_rate', 'Referral rate', 'Referrals in the 12 months to month end (the month and the 11 before it) per 10,000 children 0–17'),
  pct('rereferral_pct', 'Re-referrals %', "% of the month's referrals within 12 months of the child's previous referral (on or before the same date 12 months on; 29 February counts to 28 February). Where the stream holds no earlier referral of the child, the event's isRereferral flag decides", true),
  pct('referral_nfa_pct', 'Referrals NFA %', "% of the month's referrals whose case was later closed with referralNfa (counted in the month of the referral, so the value can change when the closure comes in a later month)"),
  flow('early_help_referrals', 'Stepped to early help', 'Contacts and assessments concluded with a step to early help in the month'),
  flow('assessments_completed', 'Assessments completed', 'Assessments authorised in the month'),
  rate12('assessment_rate', 'Assessment rate', 'Assessments authorised in the 12 months to month end (the month and the 11 before it) per 10,000 children 0–17'),
  pct('assessments_45d_pct', 'Assessments within 45 working days %', "% of the month's authorised assessments authorised within 45 working days of the referral (Working Together: the clock starts at the point of referral; working days after the referral day up to and including the authorisation day, Mondays to Fridays less England and Wales bank holidays). The first assessment after a referral is timed from that referral; a further assessment in the same case, from its own start. Assessments with neither a referral nor a start in the stream are left out of both numerator and denominator", true),
  pct('assessment_nfa_pct', 'Assessments ending NFA %', "% of the month's authorised assessments with outcome no further action"),
  flow('strategy_discussions', 'Strategy discussions', 'Strategy discussions held in the month'),
  flow('s47_started', 'Section 47 enquiries', 'Section 47 enquiries started in the month'),
  rate12('s47_rate', 'S47 rate', 'S47 enquiries started in the 12 months to month end (the month and the 11 before it) per 10,000 children 0–17'),
  flow('icpc_held', 'ICPCs', 'Initial child protection conferences held in the month'),
  rate12('icpc_rate', 'ICPC rate', 'ICPCs in the 12 months to month end (the month and the 11 before it) per 10,000 children 0–17'),
  pct('icpc_15d_pct', 'ICPCs within 15 working days %', "% of the month's ICPCs held within 15 working days of the strategy discussion that started the Section 47 enquiry leading to the conference (the latest strategy discussion on or before the child's latest S47 start; working days after the discussion up to and including the ICPC). With no S47 enquiry in the case, the latest strategy discussion in the case; ICPCs with no strategy discussion to time from are left out of both numerator and denominator"),
  flow('cp_starts', 'CP plans started', 'Child protection plans started in the month'),
  flow('cp_ends', 'CP plans ended', 'Child protection plans ended in the month'),
  stock('cp_open', 'Children on CP plans', 'Children on a child protection plan at month end', true),
  stockRate('cp_rate', 'CP rate', 'Children on a CP plan at month end per 10,000 children 0–17'),
  pct('cp_repeat_pct', 'Repeat CP plans %', "% of the month's new CP plans that are a second or subsequent plan (previousPlans above 0, or an earlier plan of the child in the stream)"),
  pct('cp_repeat_2yr_pct', 'Repeat CP plans within 2 years %', "% of the month's new CP plans that start within 2 years of the end of the child's previous plan (on or before the same date 2 years on; 29 February counts to 28 February). A previous plan known only from previousPlans, with no end in the stream, does not count"),
  pct('cp_2yr_pct', 'CP plans lasting 2+ years %', "% of the month's ended CP plans that lasted 2 years or more (end date on or after the 2nd anniversary of the start)"),
  { id: 'cp_open_2yr_pct', label: 'Open CP plans lasting 2+ years %', unit: 'pct', basis: 'month_end_pct', definition: "% of children on a CP plan at month end (cp_open) whose plan had lasted 2 years or more by then (the 2nd anniversary of its start on or before the last day of the month; 29 February counts to 28 February): the DfE's published measure, of plans open at 31 March, where cp_2yr_pct is of the plans ending" },
  stock('cin_open', 'Children in need', 'Children in need as the DfE counts them: every child with an open episode of need at month end (from the referral to the case closure), including children on a CP plan and children looked after (with or without a referral in the stream)', true),
  stockRate('cin_rate', 'CIN rate', 'cin_open per 10,000 children 0–17'),
  stock('cin_plans_open', 'Children on CIN plans', 'Children on a child in need plan (s17) at month end who are neither on a CP plan nor looked after (the local “CIN” measure some councils report, Southampton among them)'),
  stock('open_cases', 'Open cases', 'Children open to children’s social care at month end: an open episode of need, a CP plan, or looked after (the same children as cin_open)'),
  stockRate('open_rate', 'Open case rate', 'open_cases per 10,000 children 0–17'),
  flow('cla_starts', 'Children starting care', 'Periods of care started in the month (a child who starts twice in a month counts twice, so cla_open moves by cla_starts − cla_ends). A start or end an importer made to repair the returns (marked `repair`: no return records it) is neither an entry nor an exit, so on an imported history cla_open also moves by those', true),
  flow('cla_ends', 'Children leaving care', 'Periods of care ended in the month (ceased to be looked after); not an end an import repair made (see cla_starts)', true),
  flow('cla_reentries', 'Re-entries to care', 'Periods of care started in the month by children who had left care before (an earlier period of care of the child ended in the stream)'),
  pct('cla_reentry_12m_pct', 'Starting care within 12 months of leaving %', "% of the month's periods of care started by children who left care in the previous 12 months (the start on or before the same date a year after the end of the child's previous period of care; 29 February counts to 28 February)"),
  stock('cla_open', 'Children looked after', 'Children looked after at month end (a period of care ending on the last day of the month is not counted)', true),
  stockRate('cla_rate', 'CLA rate', 'Children looked after at month end per 10,000 children 0–17', true),
  flow('cla_ends_return_home', 'Left care: returned home', 'Ceased in the month with REC E4A or E4B (returned home to parents or others with parental responsibility)'),
  flow('cla_ends_relatives_no_pr', 'Left care: to relatives without PR', 'Ceased in the month with REC E13 (to live with parents, relatives or others without parental responsibility)'),
  flow('cla_ends_sgo', 'Left care: SGO', 'Ceased in the month with REC E43–E48'),
  flow('cla_ends_cao', 'Left care: CAO', 'Ceased in the month with REC E41'),
  flow('cla_ends_adoption', 'Left care: adoption', 'Ceased in the month with REC E11 or E12'),
  flow('cla_ends_independent_living', 'Left care: independent living', 'Ceased in the month with REC E5 or E6 (moved to independent living, with or without formal support), at any age'),
  flow('cla_ends_staying_put', 'Left care: staying put', 'Ceased in the month with REC E17 (aged 18 or over and remained with current carers)'),
  flow('cla_ends_other', 'Left care: other', 'Ceased in the month with any other REC (E2, E3, E7, E8, E9, E14, E15, E16). The reason groups from cla_ends_return_home to here add up to cla_ends'),
  flow('cla_ends_age18', 'Left care: aged 18 or over', 'Ceased in the month on or after the 18th birthday, whatever the REC (date of birth from ChildRegistered; 29 February births turn 18 on 28 February): an age, not a reason, so it overlaps the reason groups'),
  stock('care_leavers_open', 'Care leavers aged 17–25', "Care leavers at month end: children who ceased to be looked after aged 16, 17 or 18 after 13 weeks (91 days) or more looked after since their 14th birthday (all periods of care in the stream), counted from the later of leaving and the 17th birthday until the 26th birthday, and not while looked after again (birthdays from the date of birth in ChildRegistered; 29 February births have theirs on 28 February)"),
  { id: 'care_leavers_eet_pct', label: 'Care leavers aged 19–21 in EET %', unit: 'pct', basis: 'month_end_pct', definition: "% of care leavers aged 19, 20 or 21 at month end (counted in care_leavers_open, from the 19th birthday up to the 22nd) with a status recorded (CareLeaverStatusRecorded, SSDA903 OC3) whose latest status is in education, employment or training (ACTIV F1–F5 or P1–P5): the DfE's measure. Care leavers recorded not in touch (no information) count in the denominator and not in the numerator; care leavers with no status recorded count in neither" },
  { id: 'care_leavers_suitable_accommodation_pct', label: 'Care leavers aged 19–21 in suitable accommodation %', unit: 'pct', basis: 'month_end_pct', definition: "% of care leavers aged 19, 20 or 21 at month end with a status recorded whose latest status has accommodation flagged suitable (OC3 ACCOM ending 1): the DfE's measure, over the denominator of care_leavers_eet_pct" },
  stock('uasc_open', 'UASC looked after', 'Children looked after at month end who are unaccompanied asylum-seeking children (uasc flag at registration, or entered care by the UASC route)'),
  stock('care_leavers_uasc_open', 'UASC care leavers aged 18–25', "Care leavers (as in care_leavers_open) who were unaccompanied asylum-seeking children when they ceased to be looked after, counted at month end from the later of leaving care and the 18th birthday until the 26th birthday, and not while looked after again: the former UASC care leavers the Home Office's care-leaver grant is paid for"),
  placement('in_house_foster', 'in-house foster', 'U4–U6 with provider PR1 (the council’s own foster carers)'),
  placement('other_public_foster', 'foster, other councils and public providers', 'U4–U6 with provider PR2 (another council) or PR3 (another public provider)'),
  placement('ifa', 'agency foster (IFA)', 'U4–U6 with provider PR4/PR5'),
  placement('kinship_foster', 'kinship foster', 'U1–U3 (foster placements with relatives or friends)'),
  placement('residential', 'secure units and children’s homes', 'K1 or K2'),
  placement('supported', 'supported accommodation', 'H5 (semi-independent living, to March 2024) or K3 (registered supported accommodation)'),
  placement('other_residential', 'other residential settings', 'R1, R2, R3 or R5 (care homes, NHS and medical settings, family centres and mother and baby units, young offender institutions)'),
  placement('residential_schools', 'residential schools', 'S1'),
  placement('community', 'other placements in the community', 'P2 (independent living) or P3 (residential employment)'),
  placement('placed_with_parents', 'placed with parents', 'P1'),
  placement('placed_for_adoption', 'placed for adoption', 'A3–A6'),
  placement('other', 'other placements', 'anything else (Z1, temporary placements T0–T4, a U4–U6 foster placement with no valid provider)'),
  { id: 'cla_placement_ifa_pct', label: 'CLA in IFA placements %', unit: 'pct', basis: 'month_end_pct', definition: '% of children looked after at month end placed with an independent fostering agency (U4–U6 with PR4/PR5)' },
  { id: 'cla_3plus_moves_pct', label: 'CLA with 3+ placements in 12 months %', unit: 'pct', basis: 'month_end_pct', definition: '% of children looked after at month end with 3 or more placements in the 12 months to month end (window: the first day of the month 11 months before to the last day of the month). The placement open at the window start counts as one; each period of care started and each new episode with RNE P, T, B or U in the window counts one' },
  { id: 'placement_cost', label: 'Placement spend (£)', unit: 'gbp', basis: 'month_gbp', definition: 'Placement spend in the month: over children looked after, days in each placement group (from the placement start day up to but not including the day it ends) × weekly unit cost ÷ 7; unit costs are the scenario’s weekly costs for that month (interventions applied), raised by the annual inflation rate once for every whole 12 months since their price month', headline: true },
  { id: 'care_leaver_cost', label: 'Care-leaver spend (£)', unit: 'gbp', basis: 'month_gbp', definition: "Care-leaver spend in the month: days as a care leaver in the month (as counted in care_leavers_open, from the later of leaving care and the 17th birthday to the 26th birthday, not while looked after again) × the weekly leaving-care cost per care leaver (leaving-care allowance and personal adviser time) ÷ 7, plus days before the 21st birthday of care leavers who left care by staying put (REC E17) × the weekly staying put cost ÷ 7; costs are the scenario's for that month (interventions applied), raised by the annual inflation rate once for every whole 12 months since their price month. Not part of placement_cost" },
  { id: 'uasc_grant_income', label: 'Home Office UASC grant (£)', unit: 'gbp', basis: 'month_gbp', definition: "Home Office grant income in the month: days looked after in the month of unaccompanied asylum-seeking children (as counted in uasc_open, all under 18; from the day the period of care starts up to but not including the day it ends) × the scenario's daily rate per UASC, plus care_leavers_uasc_open at month end × the days in the month × the scenario's weekly rate per former UASC care leaver ÷ 7; the rates as published for that month (not inflated); 0 when the scenario gives none" },
  { id: 'net_spend', label: 'Net spend (£)', unit: 'gbp', basis: 'month_gbp', definition: 'Spend in the month less the grant income: placement_cost + care_leaver_cost − uasc_grant_income' },
  { id: 'caseload_avg', label: 'Caseload per social worker', unit: 'ratio', basis: 'month_end_ratio', definition: 'open_cases at month end ÷ case-holding social workers (workforce parameter; empty when not modelled)' },
] as const satisfies readonly KpiDef[];

/** Every KPI id of the catalogue: a union the compiler checks. */
export type KpiId = (typeof CATALOGUE)[number]['id'];
export const KPIS: readonly KpiDef<KpiId>[] = CATALOGUE;

export const KPI_IDS: readonly KpiId[] = KPIS.map((k) => k.id);
const byId = new Map<string, KpiDef<KpiId>>(KPIS.map((k) => [k.id, k]));

export function kpiDef(id: string): KpiDef<KpiId> | undefined {
  return byId.get(id);
}

export function isKpiId(id: string): id is KpiId {
  return byId.has(id);
}

/** The KPI catalogue as a Markdown table (the README's KPI section is this table). */
export function kpiMarkdownTable(): string {
  const unit: Record<KpiUnit, string> = { count: 'count', pct: '%', per10k: 'per 10,000', gbp: '£', ratio: 'ratio' };
  const rows = KPIS.map((k) => `| \`${k.id}\` | ${unit[k.unit]} | ${k.basis} | ${k.definition.replace(/\|/g, '\\|')} |`);
  return ['| id | unit | basis | definition |', '|---|---|---|---|', ...rows].join('\n');
}
