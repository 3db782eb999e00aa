/**
 * From the estimator's tallies to estimates: shares with binomial standard errors, flows per
 * 10,000 children, censored duration fits and the care mixture, written into the parameters.
 */
import { monthKey } from '../calendar/index.ts';
import { LEAVING_CARE_GROUPS, PLACEMENT_GROUPS } from '../events/index.ts';
import { produce } from 'immer';
import { AGE_BANDS, CARE_ROUTES, ENTRY_PLACEMENT_GROUPS, EXIT_REASONS, FLOW_PARTS, REENTRY_ROUTES } from '../simulation/parameters.ts';
import { fitArrivals } from './arrivals.ts';
import type { DurationSpec } from '../simulation/distributions.ts';
import { density, fitCareMixture, fitDuration, fitReasonShares, kaplanMeier, kmSurvivalAt, type CareSpell, type Family, type KmStep } from './survival.ts';
import { applyEstimates, listNotInformed } from './estimateApply.ts';
import { leaverBase, leaverShares } from './estimateLeavers.ts';
import { fitCareMixtureTruncated, type TruncatedSpell } from './survivalTruncated.ts';
import { DAYS_PER_YEAR, DEFAULT_DAMPING, MIN_OBSERVATIONS, Spells, total, type DurationTable, type EntryRow, type Estimate, type EstimatorOptions, type EventEstimates, type Tallies, type TransitionRow } from './estimateTypes.ts';

/** Fewest spells followed up to a time point for a cumulative re-entry estimate there. */
const MIN_FOLLOWED = 5;

/** 1 − S(t) of Kaplan–Meier steps, its Greenwood standard error, and how many spells lasted to `t` (ended or followed up there). */
function cumulativeAt(steps: readonly KmStep[], spells: Spells, t: number): { cumulative: number; se: number; followed: number } {
  let s = 1;
  let se = 0;
  for (const st of steps) {
    if (st.time > t) break;
    s = st.survival;
    se = st.se;
  }
  let followed = 0;
  for (const x of spells.times) if (x >= t) followed++;
  return { cumulative: 1 - s, se, followed };
}

export function buildEstimates(tl: Tallies, opts: EstimatorOptions, children: number): EventEstimates {
  const base = opts.base;
  const est: Estimate[] = [];
  const values = new Map<string, number>();
  const informed = new Set<string>();
  const baseValue = (path: string): number => {
    const v = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), base);
    return typeof v === 'number' ? v : NaN;
  };
  const add = (path: string, value: number, se: number, n: number, enough: boolean, note?: string) => {
    const applied = enough && Number.isFinite(value);
    est.push({ path, value, se, n, base: baseValue(path), applied, note: applied ? note : (note ?? `too little data (${n})`) });
    if (applied) {
      values.set(path, value);
      informed.add(path);
    }
  };
  const share = (path: string, num: number, den: number, note?: string) => {
    const p = den > 0 ? num / den : NaN;
    const enough = den >= MIN_OBSERVATIONS;
    add(path, p, den > 0 ? Math.sqrt((p * (1 - p)) / den) : NaN, den, enough, enough ? note : undefined);
  };
  const months = Array.from({ length: tl.months }, (_, i) => tl.from + i);
  const pop10k = months.map((m) => opts.population(m) / 10000);

  // ---- contacts
  const seas = Array.from(base.contacts.seasonality);
  const meanSeas = seas.reduce((a, b) => a + b, 0) / 12;
  let seasonality = seas.map((s) => s / meanSeas);
  const trendFrom = opts.trendFrom ?? tl.from;
  const trend = (m: number) => Math.pow(1 + base.contacts.trendPctPerYear / 100, (m - trendFrom) / 12);
  if (tl.months >= 24) {
    const byCal = new Array<number>(12).fill(0);
    const expoCal = new Array<number>(12).fill(0);
    months.forEach((m, i) => {
      byCal[m % 12] += tl.firstContacts[i];
      expoCal[m % 12] += pop10k[i] * trend(m);
    });
    const raw = byCal.map((c, i) => (expoCal[i] > 0 ? c / expoCal[i] : NaN));
    if (raw.every((v) => v > 0)) {
      const mean = raw.reduce((a, b) => a + b, 0) / 12;
      seasonality = raw.map((v) => v / mean);
      seasonality.forEach((v, i) => add(`contacts.seasonality.${i}`, v, NaN, 1, true));
    }
  }
  {
    let num = 0;
    let den = 0;
    months.forEach((m, i) => {
      num += tl.firstContacts[i];
      den += pop10k[i] * seasonality[m % 12] * trend(m);
    });
    const theta = den > 0 ? num / den : NaN;
    let ss = 0;
    months.forEach((m, i) => {
      const e = pop10k[i] * seasonality[m % 12] * trend(m);
      ss += (tl.firstContacts[i] - theta * e) ** 2;
    });
    add('contacts.perMonthPer10k', theta, den > 0 ? Math.sqrt(ss) / den : NaN, num, num >= MIN_OBSERVATIONS, 'first contacts (children not known before) per month per 10,000, seasonality and trend removed');
  }
  const co = tl.contactOutcome;
  share('contacts.outcomes.referral', co[2], total(co));
  share('contacts.outcomes.earlyHelp', co[1], total(co));
  const ro = tl.recontactOutcome;
  share('recontact.outcomes.referral', ro[2], total(ro));
  share('recontact.outcomes.earlyHelp', ro[1], total(ro));
  share('afterCpPlan.recontactReferralProbability', tl.recontactOutcomeAfterCp[2], total(tl.recontactOutcomeAfterCp));

  // re-contact after closure (Kaplan–Meier, cumulative at the base's time points)
  const durations: DurationTable[] = [];
  const km = (spell: string, s: Spells, unit: DurationTable['unit']) => {
    const steps = s.times.length > 0 ? kaplanMeier(s.times, s.ended) : [];
    durations.push({ spell, unit, steps, n: s.times.length, events: s.events });
    return steps;
  };
  const rcSteps = km('recontact_after_closure', tl.recontact, 'months');
  const rcCpSteps = km('recontact_after_closure_after_cp', tl.recontactAfterCp, 'months');
  const rcEnough = tl.recontact.events >= MIN_OBSERVATIONS;
  const rcPoints = base.recontact.cumulative.map(([t]) => t);
  let rcSum = 0;
  rcPoints.forEach((t, i) => {
    const f = 1 - kmSurvivalAt(rcSteps, t);
    rcSum += f;
    const covered = tl.recontact.times.some((x) => x >= t);
    add(`recontact.cumulative.${i}.1`, f, NaN, tl.recontact.times.length, rcEnough && covered, covered ? undefined : `follow-up shorter than ${t} months`);
  });
  if (tl.recontactAfterCp.events >= MIN_OBSERVATIONS && rcSum > 0) {
    let cpSum = 0;
    let baseSum = 0;
    rcPoints.forEach((t) => {
      if (!tl.recontactAfterCp.times.some((x) => x >= t)) return;
      cpSum += 1 - kmSurvivalAt(rcCpSteps, t);
      baseSum += 1 - kmSurvivalAt(rcSteps, t);
    });
    add('afterCpPlan.recontactFactor', baseSum > 0 ? cpSum / baseSum : NaN, NaN, tl.recontactAfterCp.times.length, baseSum > 0);
  } else add('afterCpPlan.recontactFactor', NaN, NaN, tl.recontactAfterCp.events, false);

  // ---- referrals and assessments
  share('referrals.nfaProbability', tl.referralsNfa, tl.referralsDecided);
  const ao = tl.assessOutcome;
  share('assessment.outcomes.cin', ao[2], total(ao));
  share('assessment.outcomes.s47', ao[3], total(ao));
  share('assessment.outcomes.earlyHelp', ao[1], total(ao));
  share('afterCpPlan.s47Probability', tl.assessOutcomeAfterCp[3], total(tl.assessOutcomeAfterCp));

  const durationEstimate = (path: string, spec: DurationSpec, s: Spells, steps: readonly KmStep[], integer: boolean) => {
    const n = s.times.length;
    const events = s.events;
    if (spec.dist === 'empirical') {
      const last = spec.points[spec.points.length - 1][0];
      const F = (t: number) => 1 - kmSurvivalAt(steps, t);
      spec.points.forEach(([t], i) => {
        const f = i === spec.points.length - 1 ? 1 : integer ? (F(t) + F(t - 1)) / 2 : F(t);
        add(`${path}.points.${i}.1`, f, NaN, n, events >= MIN_OBSERVATIONS, t === last ? 'the last point is 1 by definition' : undefined);
      });
      return;
    }
    if (events < MIN_OBSERVATIONS) {
      add(`${path}.mean`, NaN, NaN, events, false);
      add(`${path}.cv`, NaN, NaN, events, false);
      return;
    }
    const fit = fitDuration(spec.dist as Family, s.times, s.ended, { start: [spec.mean, spec.cv] });
    add(`${path}.mean`, fit.mean, fit.seMean, events, true, `${spec.dist}, censored maximum likelihood (${n - events} of ${n} censored)`);
    add(`${path}.cv`, fit.cv, fit.seCv, events, true);
  };
  durationEstimate('assessment.durationWorkingDays', base.assessment.durationWorkingDays, tl.assessDays, km('assessment', tl.assessDays, 'working days'), true);

  // ---- S47 and ICPC
  const so = tl.s47Outcome;
  share('s47.outcomes.icpc', so[2], total(so));
  share('s47.outcomes.cin', so[1], total(so));
  durationEstimate('s47.durationWorkingDays', base.s47.durationWorkingDays, tl.s47Days, km('s47_without_icpc', tl.s47Days, 'working days'), true);
  durationEstimate('icpc.workingDaysFromStrategy', base.icpc.workingDaysFromStrategy, tl.icpcDays, km('strategy_to_icpc', tl.icpcDays, 'working days'), true);
  share('icpc.cpPlanProbability', tl.icpcPlan[1], total(tl.icpcPlan));
  share('icpc.cinIfNoPlanProbability', tl.icpcNoPlanCin[1], total(tl.icpcNoPlanCin));

  // ---- plans
  durationEstimate('cp.durationMonths', base.cp.durationMonths, tl.cpMonths, km('cp_plan', tl.cpMonths, 'months'), false);
  share('cp.outcomes.care', tl.cpOutcome[2], total(tl.cpOutcome));
  share('cp.outcomes.cin', tl.cpOutcome[1], total(tl.cpOutcome));
  const cats = [...tl.cpCategory.values()].reduce((a, b) => a + b, 0);
  for (const code of Object.keys(base.cp.categories)) {
    const c = tl.cpCategory.get(code) ?? 0;
    const p = cats > 0 ? c / cats : NaN;
    add(`cp.categories.${code}`, 100 * p, cats > 0 ? 100 * Math.sqrt((p * (1 - p)) / cats) : NaN, cats, cats >= MIN_OBSERVATIONS, 'share in % (weights)');
  }
  durationEstimate('cin.durationMonths', base.cin.durationMonths, tl.cinMonths, km('cin_plan', tl.cinMonths, 'months'), false);
  share('cin.outcomes.care', tl.cinOutcome[1], total(tl.cinOutcome));
  share('cin.outcomes.s47', tl.cinOutcome[2], total(tl.cinOutcome));

  // ---- entries to care: the arrival process (from real new periods of care, never import repairs)
  const scope = opts.scope ? [...opts.scope] : FLOW_PARTS.filter((part) => tl.coverage[part] > 0);
  const trendKind = opts.trend ?? 'none';
  const damping = opts.damping ?? DEFAULT_DAMPING;
  const trends: { path: 'care.directEntryTrend' | 'uasc.arrivalTrend'; perYear: number }[] = [];
  {
    // with no plans simulated, every entry to care that is not UASC is an arrival
    const fedByPlans = scope.includes('cin') || scope.includes('cp');
    const entries = fedByPlans ? tl.directEntries : tl.careEntries;
    const ages = fedByPlans ? tl.directAge : tl.careAge;
    const sexes = fedByPlans ? tl.directSex : tl.careSex;
    const what = fedByPlans ? 'direct entries' : 'entries to care (every route; plans are not simulated)';
    const arrival = (path: string, trendPath: 'care.directEntryTrend' | 'uasc.arrivalTrend', counts: Float64Array, label: string) => {
      const fit = fitArrivals(counts, pop10k);
      // where entries to care are the only way in (no plans simulated), the history's arrival rates stand however few the entries (none is a rate too)
      const enough = fit.count >= MIN_OBSERVATIONS || (!fedByPlans && tl.coverage.care > 0);
      if (trendKind === 'none') add(path, fit.mean, fit.seMean, fit.count, enough, `${label}: mean over the window`);
      else {
        add(path, fit.level, fit.seLevel, fit.count, enough, `${label}: fitted level in the month after the window (${trendKind} trend)`);
        const applied = enough && Number.isFinite(fit.perYear);
        est.push({ path: `${trendPath}.perYear`, value: fit.perYear, se: fit.sePerYear, n: fit.months, base: NaN, applied, note: applied ? `${trendKind} trend over the window, least squares${trendKind === 'damped' ? `, damping ${damping} a month` : ''}` : `too little data (${fit.count})` });
        if (applied) {
          informed.add(trendPath);
          trends.push({ path: trendPath, perYear: fit.perYear });
        }
      }
    };
    arrival('care.directEntriesPerMonthPer10k', 'care.directEntryTrend', entries, what);
    arrival('uasc.arrivalsPerMonthPer10k', 'uasc.arrivalTrend', tl.uascEntries, 'UASC entering care');
    const weightsOf = (path: string, c: Float64Array, keys: readonly string[], note: string) => {
      const n = total(c);
      keys.forEach((k, i) => add(`${path}.${k}`, c[i], NaN, n, n >= MIN_OBSERVATIONS || (n > 0 && !fedByPlans && tl.coverage.care > 0), i === 0 ? note : undefined));
    };
    const ageKeys = Array.from({ length: 18 }, (_, i) => String(i));
    weightsOf('care.directEntryAge', ages, ageKeys, `${what}: age at entry in whole years (weights = entries)`);
    weightsOf('care.directEntrySex', sexes, ['M', 'F', 'U'], `${what}: sex (weights = entries)`);
    weightsOf('uasc.age', tl.uascAge, ageKeys, 'UASC entering care: age at entry (weights = entries)');
    const males = tl.uascSex[0];
    const mf = tl.uascSex[0] + tl.uascSex[1];
    share('uasc.maleProbability', males, mf);
    // the stock at the window's end: the opening of a projection from there
    // a care-only scenario starts from the history's stock at the window's end
    if (!fedByPlans && scope.includes('care') && tl.coverage.care > 0) {
      const endPop = pop10k[pop10k.length - 1];
      const all = tl.inCareAtEnd + tl.uascInCareAtEnd;
      add('opening.claPer10k', all / endPop, Math.sqrt(all) / endPop, all, true, 'children looked after at the end of the window');
      add('opening.uascPer10k', tl.uascInCareAtEnd / endPop, Math.sqrt(tl.uascInCareAtEnd) / endPop, tl.uascInCareAtEnd, true, 'UASC looked after at the end of the window');
    }
  }
  share('care.returnHomeCinPlanProbability', tl.returnHomeCin[1], total(tl.returnHomeCin));

  // ---- re-entry to care after a return home, an SGO or a CAO (Kaplan–Meier, cumulative at the base's time points)
  REENTRY_ROUTES.forEach((route, r) => {
    const spells = tl.reentry[r];
    const steps = km(`reentry_after_${route}`, spells, 'months');
    const table = base.care.reentry?.[route];
    if (!table) return;
    table.forEach(([t], i) => {
      const { cumulative, se, followed } = cumulativeAt(steps, spells, t);
      const enough = spells.times.length >= MIN_OBSERVATIONS && followed >= MIN_FOLLOWED;
      add(
        `care.reentry.${route}.${i}.1`,
        cumulative,
        se,
        spells.times.length,
        enough,
        enough ? `children leaving care by ${route} in the window (before 18) back in care within ${t} months` : spells.times.length >= MIN_OBSERVATIONS ? `${followed} children followed up for ${t} months (fewer than ${MIN_FOLLOWED})` : undefined,
      );
    });
  });

  // ---- time in care and reasons for leaving, by age band at entry
  const rf = EXIT_REASONS.map((r) => base.care.reasonDurationFactor[r]);
  const routeF = CARE_ROUTES.map((r) => base.care.routeDurationFactor[r]);
  const fitted: ({ family: Family; mean: number; cv: number } | undefined)[] = [];
  const nonUascSrc = tl.careSpells.filter((s) => !s.uasc);
  const nonUasc: TruncatedSpell[] = nonUascSrc.map((s) => ({ time: s.time, reason: s.reason, entry: s.entry, scales: rf.map((f) => f * routeF[s.route]) }));
  const endedOf = (xs: readonly TruncatedSpell[]) => xs.filter((s) => s.reason >= 0).length;
  /** The mixture fit of some spells: from the periods that began in the window, then with those already running (left-truncated). */
  const careFit = (family: Family, spells: readonly TruncatedSpell[], fallback: { mean: number; cv: number; reasons: number[] }) => {
    const cohort = spells.filter((s) => s.entry === 0);
    let start = fallback;
    if (endedOf(cohort) > 0) {
      const c = fitCareMixture(family, cohort, EXIT_REASONS.length);
      start = { mean: c.mean, cv: c.cv, reasons: c.reasons };
      if (cohort.length === spells.length) return c;
    }
    return fitCareMixtureTruncated(family, spells, EXIT_REASONS.length, start);
  };
  let pooled: ReturnType<typeof careFit> | undefined;
  AGE_BANDS.forEach((band, b) => {
    const spec = base.care.durationMonths[band];
    const inBand = nonUasc.filter((_, i) => nonUascSrc[i].band === b);
    const all = new Spells();
    for (const s of inBand) if (s.entry === 0) all.add(s.time, s.reason >= 0);
    km(`care:${band}`, all, 'months');
    const ended = endedOf(inBand);
    const pooledEnded = endedOf(nonUasc);
    const fallback = { mean: spec.dist === 'empirical' ? NaN : spec.mean, cv: spec.dist === 'empirical' ? NaN : spec.cv, reasons: EXIT_REASONS.map((r) => base.care.exitReasons[band][r]) };
    if (spec.dist === 'empirical' || (ended < MIN_OBSERVATIONS && pooledEnded < MIN_OBSERVATIONS)) {
      const why = spec.dist === 'empirical' ? 'empirical time in care: not re-estimated' : undefined;
      add(`care.durationMonths.${band}.mean`, NaN, NaN, ended, false, why);
      for (const r of EXIT_REASONS) add(`care.exitReasons.${band}.${r}`, NaN, NaN, ended, false, why);
      fitted.push(spec.dist === 'empirical' ? undefined : { family: spec.dist, mean: spec.mean, cv: spec.cv });
      return;
    }
    const own = ended >= MIN_OBSERVATIONS;
    const spells = own ? inBand : nonUasc;
    const fit = own ? careFit(spec.dist, spells, fallback) : (pooled ??= careFit(spec.dist, spells, fallback));
    const running = spells.filter((s) => s.entry > 0).length;
    const note =
      `${spec.dist} mixture over reasons for leaving, ageing out and the window end as censoring (${spells.length - endedOf(spells)} of ${spells.length} censored` +
      `${running > 0 ? `; ${running} periods already running at the window's start, left-truncated` : ''})${own ? '' : `; pooled over every age band at entry (${ended} ended in this band)`}`;
    add(`care.durationMonths.${band}.mean`, fit.mean, fit.seMean, endedOf(spells), true, note);
    add(`care.durationMonths.${band}.cv`, fit.cv, fit.seCv, endedOf(spells), true);
    EXIT_REASONS.forEach((r, i) => add(`care.exitReasons.${band}.${r}`, fit.reasons[i], fit.seReasons[i], spells.length, true));
    fitted.push({ family: spec.dist, mean: fit.mean, cv: fit.cv });
  });
  {
    // UASC: reasons only, each child's duration from the band it entered at
    const spells = tl.careSpells.filter((s) => s.uasc && s.entry === 0 && fitted[s.band]);
    const exactCounts = new Array<number>(EXIT_REASONS.length).fill(0);
    const cens = spells.filter((s) => s.reason < 0);
    for (const s of spells) if (s.reason >= 0) exactCounts[s.reason]++;
    const ended = exactCounts.reduce((a, b) => a + b, 0);
    if (spells.length >= MIN_OBSERVATIONS && ended > 0) {
      const S = new Float64Array(cens.length * EXIT_REASONS.length);
      const dens = fitted.map((f) => (f ? density(f.family, f.mean, f.cv) : undefined));
      cens.forEach((s, i) => EXIT_REASONS.forEach((_, r) => (S[i * EXIT_REASONS.length + r] = dens[s.band]!.survival(Math.max(s.time, 1e-6) / (rf[r] * routeF[s.route])))));
      const fit = fitReasonShares(exactCounts, S, cens.length);
      EXIT_REASONS.forEach((r, i) => add(`uasc.exitReasons.${r}`, fit.reasons[i], fit.seReasons[i], spells.length, true));
    } else for (const r of EXIT_REASONS) add(`uasc.exitReasons.${r}`, NaN, NaN, spells.length, false);
  }
  durationEstimate(
    'placement.adoptionPlacementMonthsBeforeOrder',
    base.placement.adoptionPlacementMonthsBeforeOrder,
    tl.adoptionLead,
    km('placed_for_adoption_before_order', tl.adoptionLead, 'months'),
    false,
  );

  // ---- placements
  const mix = (prefix: string, c: Float64Array) => {
    const t = total(c);
    ENTRY_PLACEMENT_GROUPS.forEach((g, i) => add(`${prefix}.${g}`, t > 0 ? (100 * c[i]) / t : NaN, t > 0 ? 100 * Math.sqrt(((c[i] / t) * (1 - c[i] / t)) / t) : NaN, t, t >= MIN_OBSERVATIONS, i === 0 ? 'share in % (weights)' : undefined));
  };
  AGE_BANDS.forEach((band, b) => mix(`placement.atEntry.${band}`, tl.atEntry[b]));
  AGE_BANDS.forEach((band, b) => mix(`placement.onMove.${band}`, tl.onMove[b]));
  mix('uasc.placementMix', tl.uascAtEntry);
  AGE_BANDS.forEach((band, b) => {
    const years = tl.exposureDays[b] / DAYS_PER_YEAR;
    const moves = tl.moves[b];
    add(`placement.changesPerYear.${band}`, years > 0 ? moves / years : NaN, years > 0 ? Math.sqrt(moves) / years : NaN, moves, moves >= MIN_OBSERVATIONS, 'moves per child-year in care, by age band at the start of the placement (time placed for adoption left out)');
  });

  // ---- care leavers' statuses
  leaverShares(tl.leaverStatuses, share);

  // ---- write the applied estimates into the parameters
  const leavers = leaverBase(base, values);
  const parameters = produce(applyEstimates(leavers.base, values), (draft) => {
    draft.scope = FLOW_PARTS.every((part) => scope.includes(part)) ? undefined : [...scope];
    if (draft.scope === undefined) delete draft.scope;
    for (const t of trends) {
      const value = { kind: trendKind, perYear: t.perYear, damping };
      if (t.path === 'care.directEntryTrend') draft.care.directEntryTrend = value;
      else draft.uasc.arrivalTrend = value;
    }
  });

  // ---- tables
  const transitions: TransitionRow[] = [];
  const toNames = [...PLACEMENT_GROUPS, ...LEAVING_CARE_GROUPS.map((g) => `left_${g}`)];
  AGE_BANDS.forEach((band, b) =>
    PLACEMENT_GROUPS.forEach((g, gi) => {
      const stock = tl.stock[b][gi];
      if (stock === 0) return;
      toNames.forEach((to, ti) => {
        const n = tl.trans[b][gi][ti];
        if (n > 0) transitions.push({ ageBand: band, from: g, to, transitions: n, stockMonths: stock, monthlyRate: n / stock });
      });
    }),
  );
  const entries: EntryRow[] = [];
  AGE_BANDS.forEach((band, b) =>
    PLACEMENT_GROUPS.forEach((g, gi) => {
      const n = tl.entryTable[b][gi];
      if (n > 0) entries.push({ ageBand: band, group: g, entries: n, perMonth: n / tl.months });
    }),
  );
  const notInformed = listNotInformed(base, informed);
  return {
    from: monthKey(tl.from),
    to: monthKey(tl.to),
    months: tl.months,
    events: tl.events,
    children: children,
    estimates: est,
    parameters,
    transitions,
    entries,
    durations,
    notInformed,
    scope,
    coverage: { ...tl.coverage },
    repairs: { starts: tl.repairedStarts, ends: tl.repairedEnds },
    skipped: { ...tl.skipped },
    nationalDefaults: leavers.national,
  };
}
