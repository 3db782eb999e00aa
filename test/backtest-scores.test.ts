import { describe, expect, it } from 'vitest';
import { parseMonth } from '../src/calendar/index.ts';
import { ALL_KPIS, ORIGINS_HEADER, SCORES_HEADER, coverageOf, mapeOf, maseOf, originsCsv, originsInHistory, scoreForecasts, scoresCsv, type OriginForecast } from '../src/calibration/scores.ts';

function row(origin: string, horizon: number, actual: number, p50: number, naive: number, markov: number, band: [number, number, number, number], kpi = 'cla_open'): OriginForecast {
  const [p5, p25, p75, p95] = band;
  return { source: 'A', origin, horizon, kpi, actual, p5, p25, p50, p75, p95, naive, markov };
}

describe('scores on hand-made forecasts', () => {
  // three origins at 12 months: model errors 10, 5, 0; naive errors 20, 10, 30; Markov errors 5, 5, 5
  const rows = [
    row('2019-03', 12, 100, 110, 120, 95, [90, 105, 115, 130]),
    row('2019-06', 12, 200, 195, 190, 205, [196, 198, 199, 201]),
    row('2019-09', 12, 50, 50, 80, 55, [40, 45, 52, 60]),
  ];
  it('MAPE of the median and of each benchmark', () => {
    expect(mapeOf(rows.map((r) => [r.p50, r.actual]))).toBeCloseTo((10 + 2.5 + 0) / 3, 12);
    expect(mapeOf(rows.map((r) => [r.naive, r.actual]))).toBeCloseTo((20 + 5 + 60) / 3, 12);
    // an actual of 0 has no percentage error and is left out
    expect(mapeOf([[5, 0], [11, 10]])).toBeCloseTo(10, 12);
  });
  it('MASE against a benchmark is the mean absolute error over the benchmark’s on the same origins', () => {
    expect(maseOf(rows.map((r) => ({ actual: r.actual, forecast: r.p50, benchmark: r.naive })))).toBeCloseTo(5 / 20, 12);
    expect(maseOf(rows.map((r) => ({ actual: r.actual, forecast: r.p50, benchmark: r.markov })))).toBeCloseTo(5 / 5, 12);
    // origins where the benchmark has no value are left out of both means
    expect(maseOf([{ actual: 10, forecast: 12, benchmark: NaN }, { actual: 10, forecast: 13, benchmark: 16 }])).toBeCloseTo(3 / 6, 12);
    expect(maseOf([{ actual: 10, forecast: 12, benchmark: 10 }])).toBe(Infinity);
    expect(maseOf([])).toBeNaN();
  });
  it('coverage of the p5–p95 and p25–p75 bands (ends inclusive)', () => {
    // 100 in [90,130] yes, 200 in [196,201] yes, 50 in [40,60] yes; p25–p75: 100 no, 200 no, 50 yes
    expect(coverageOf(rows.map((r) => ({ actual: r.actual, lo: r.p5, hi: r.p95 })))).toBe(100);
    expect(coverageOf(rows.map((r) => ({ actual: r.actual, lo: r.p25, hi: r.p75 })))).toBeCloseTo(100 / 3, 12);
    expect(coverageOf([{ actual: 5, lo: 5, hi: 5 }, { actual: 4, lo: 5, hi: 6 }])).toBe(50);
  });
  it('scoreForecasts groups by source, KPI and horizon and pools every KPI', () => {
    const more = [...rows, row('2019-03', 3, 10, 12, 10, 11, [8, 10.5, 11, 13], 'cla_starts')];
    const s = scoreForecasts(more);
    const open12 = s.find((x) => x.kpi === 'cla_open' && x.horizon === 12)!;
    expect(open12).toMatchObject({ source: 'A', n: 3, in90: 100 });
    expect(open12.maseNaive).toBeCloseTo(0.25, 12);
    expect(open12.mapeMarkov).toBeCloseTo((5 + 2.5 + 10) / 3, 12);
    const starts3 = s.find((x) => x.kpi === 'cla_starts' && x.horizon === 3)!;
    expect(starts3.maseNaive).toBe(Infinity); // naive was exact
    expect(starts3.in50).toBe(0);
    const all12 = s.find((x) => x.kpi === ALL_KPIS && x.horizon === 12)!;
    expect(all12.n).toBe(3);
    expect(all12.maseNaive).toBeNaN();
    expect(s.map((x) => `${x.kpi}:${x.horizon}`)).toEqual(['cla_open:12', 'cla_starts:3', `${ALL_KPIS}:3`, `${ALL_KPIS}:12`]);
    expect(scoresCsv(s).split('\n')[0]).toBe(SCORES_HEADER);
    expect(scoresCsv(s).split('\n')[1]).toBe('A,cla_open,12,3,4.1667,28.3333,5.8333,0.25,1,100,33.3333,100');
    expect(originsCsv(rows).split('\n')[0]).toBe(ORIGINS_HEADER);
    expect(originsCsv(rows).split('\n')[1]).toBe('A,2019-03,12,2020-03,cla_open,100,90,105,110,115,130,120,95,90,130,');
  });
});

describe('origins inside a history', () => {
  it('quarter ends with a year of history before them and the shortest horizon after', () => {
    // history April 2017 – March 2022: first origin March 2018, last December 2021 (3 months ahead)
    const o = originsInHistory(parseMonth('2017-04'), parseMonth('2022-03'), { every: 'quarter', minHistory: 12, horizons: [3, 6, 12, 24] });
    expect(o.length).toBe(16);
    expect(o[0]).toBe(parseMonth('2018-03'));
    expect(o[o.length - 1]).toBe(parseMonth('2021-12'));
    expect(o.every((m) => m % 3 === 2)).toBe(true);
  });
  it('every month, and none when the history is too short', () => {
    expect(originsInHistory(parseMonth('2021-12'), parseMonth('2023-02'), { every: 'month', minHistory: 3, horizons: [3] }).length).toBe(10); // Feb–Nov 2022
    expect(originsInHistory(parseMonth('2021-12'), parseMonth('2022-03'), { every: 'month', minHistory: 3, horizons: [3] })).toEqual([]);
  });
});
