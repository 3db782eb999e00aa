import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addMonths,
  addWorkingDays,
  addYears,
  ageOn,
  bankHolidays,
  collectionYearOf,
  dayOf,
  daysInMonth,
  easterSunday,
  firstDayOfMonth,
  isBankHoliday,
  isoDate,
  isWorkingDay,
  lastDayOfMonth,
  monthIndexOfDay,
  monthIndexOfIso,
  monthKey,
  strictDayOfIso,
  parseIsoDate,
  parseMonth,
  tryParseIsoDate,
  tryParseMonth,
  weekday,
  workingDaysBetween,
  ymd,
} from '../src/calendar/index.ts';
import { dayOfIso } from '../src/events/journey.ts';

const d = parseIsoDate;
const iso = (days: number[]) => days.map(isoDate);

/** England and Wales bank holidays as published on gov.uk (the reference, typed in by hand). */
const GOV_UK: Record<number, string[]> = {
  2011: ['01-03', '04-22', '04-25', '04-29', '05-02', '05-30', '08-29', '12-26', '12-27'],
  2012: ['01-02', '04-06', '04-09', '05-07', '06-04', '06-05', '08-27', '12-25', '12-26'],
  2015: ['01-01', '04-03', '04-06', '05-04', '05-25', '08-31', '12-25', '12-28'],
  2016: ['01-01', '03-25', '03-28', '05-02', '05-30', '08-29', '12-26', '12-27'],
  2017: ['01-02', '04-14', '04-17', '05-01', '05-29', '08-28', '12-25', '12-26'],
  2018: ['01-01', '03-30', '04-02', '05-07', '05-28', '08-27', '12-25', '12-26'],
  2019: ['01-01', '04-19', '04-22', '05-06', '05-27', '08-26', '12-25', '12-26'],
  2020: ['01-01', '04-10', '04-13', '05-08', '05-25', '08-31', '12-25', '12-28'],
  2021: ['01-01', '04-02', '04-05', '05-03', '05-31', '08-30', '12-27', '12-28'],
  2022: ['01-03', '04-15', '04-18', '05-02', '06-02', '06-03', '08-29', '09-19', '12-26', '12-27'],
  2023: ['01-02', '04-07', '04-10', '05-01', '05-08', '05-29', '08-28', '12-25', '12-26'],
  2024: ['01-01', '03-29', '04-01', '05-06', '05-27', '08-26', '12-25', '12-26'],
  2025: ['01-01', '04-18', '04-21', '05-05', '05-26', '08-25', '12-25', '12-26'],
  2026: ['01-01', '04-03', '04-06', '05-04', '05-25', '08-31', '12-25', '12-28'],
  2027: ['01-01', '03-26', '03-29', '05-03', '05-31', '08-30', '12-27', '12-28'],
};

describe('bank holidays (England and Wales)', () => {
  it.each(Object.keys(GOV_UK).map(Number))('%i matches the published list', (year) => {
    expect(iso(bankHolidays(year))).toEqual(GOV_UK[year].map((md) => `${year}-${md}`));
  });

  it('2022: spring bank holiday moved to Thu 2 June, Platinum Jubilee Fri 3 June, state funeral Mon 19 September', () => {
    for (const day of ['2022-06-02', '2022-06-03', '2022-09-19']) expect(isBankHoliday(d(day)), day).toBe(true);
    expect(isBankHoliday(d('2022-05-30'))).toBe(false); // the usual last Monday of May was a working day
  });

  it('2023: coronation Mon 8 May as well as early May Mon 1 May', () => {
    expect(isBankHoliday(d('2023-05-08'))).toBe(true);
    expect(isBankHoliday(d('2023-05-01'))).toBe(true);
  });

  it('substitute days when Christmas, Boxing Day or New Year fall at a weekend', () => {
    // Christmas on Saturday: Christmas and Boxing Day move to Mon 27 and Tue 28
    expect(iso(bankHolidays(2021).filter((x) => ymd(x)[1] === 12))).toEqual(['2021-12-27', '2021-12-28']);
    // Christmas on Sunday: Boxing Day Mon 26, Christmas substitute Tue 27
    expect(iso(bankHolidays(2022).filter((x) => ymd(x)[1] === 12))).toEqual(['2022-12-26', '2022-12-27']);
    // Boxing Day on Saturday: substitute Mon 28
    expect(iso(bankHolidays(2020).filter((x) => ymd(x)[1] === 12))).toEqual(['2020-12-25', '2020-12-28']);
    // New Year on Saturday / Sunday
    expect(isoDate(bankHolidays(2022)[0])).toBe('2022-01-03');
    expect(isoDate(bankHolidays(2023)[0])).toBe('2023-01-02');
    // every bank holiday is a weekday, every year
    for (let y = 1990; y <= 2100; y++) for (const h of bankHolidays(y)) expect(weekday(h) % 6, isoDate(h)).not.toBe(0);
  });

  it('Easter Sunday: known dates, always a Sunday between 22 March and 25 April', () => {
    expect(iso([easterSunday(2008), easterSunday(2024), easterSunday(2025), easterSunday(2038), easterSunday(2000)])).toEqual([
      '2008-03-23',
      '2024-03-31',
      '2025-04-20',
      '2038-04-25',
      '2000-04-23',
    ]);
    for (let y = 1900; y <= 2200; y++) {
      const e = easterSunday(y);
      expect(weekday(e)).toBe(0);
      expect(e).toBeGreaterThanOrEqual(dayOf(y, 3, 22));
      expect(e).toBeLessThanOrEqual(dayOf(y, 4, 25));
    }
  });
});

describe('working days', () => {
  it('known answers', () => {
    expect(workingDaysBetween(d('2023-06-05'), d('2023-06-06'))).toBe(1); // Monday to Tuesday
    expect(workingDaysBetween(d('2023-06-09'), d('2023-06-12'))).toBe(1); // Friday to Monday
    expect(workingDaysBetween(d('2023-06-05'), d('2023-06-05'))).toBe(0);
    expect(workingDaysBetween(d('2022-12-23'), d('2023-01-03'))).toBe(4); // 28, 29, 30 Dec and 3 Jan
    expect(workingDaysBetween(d('2022-06-01'), d('2022-06-06'))).toBe(1); // jubilee weekend
    expect(workingDaysBetween(d('2023-05-05'), d('2023-05-09'))).toBe(1); // coronation Monday
    expect(workingDaysBetween(d('2023-06-06'), d('2023-06-05'))).toBe(-1);
    // 45 working days from Mon 3 April 2023 (Good Friday, Easter Monday, 1, 8 and 29 May off)
    expect(isoDate(addWorkingDays(d('2023-04-03'), 45))).toBe('2023-06-12');
    expect(isoDate(addWorkingDays(d('2023-06-09'), 1))).toBe('2023-06-12');
    expect(isoDate(addWorkingDays(d('2023-06-10'), 0))).toBe('2023-06-10');
  });

  it('agree with a day-by-day count over the published holidays (2015-2027)', () => {
    const published = new Set(Object.entries(GOV_UK).flatMap(([y, mds]) => mds.map((md) => d(`${y}-${md}`))));
    const naive = (from: number, to: number) => {
      let n = 0;
      for (let x = from + 1; x <= to; x++) if (weekday(x) !== 0 && weekday(x) !== 6 && !published.has(x)) n++;
      return n;
    };
    const lo = d('2015-01-01');
    const hi = d('2027-12-31');
    fc.assert(
      fc.property(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 400 }), (from, span) => {
        const to = Math.min(hi, from + span);
        expect(workingDaysBetween(from, to)).toBe(naive(from, to));
        expect(workingDaysBetween(to, from)).toBe(0 - naive(from, to) || 0);
        expect(isWorkingDay(to)).toBe(weekday(to) !== 0 && weekday(to) !== 6 && !published.has(to));
      }),
      { numRuns: 500 },
    );
  });

  it('addWorkingDays is the least day that is n working days on (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: d('1990-01-01'), max: d('2099-01-01') }), fc.integer({ min: 1, max: 300 }), (from, n) => {
        const r = addWorkingDays(from, n);
        expect(isWorkingDay(r)).toBe(true);
        expect(workingDaysBetween(from, r)).toBe(n);
        expect(workingDaysBetween(from, r - 1)).toBe(n - 1);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses dates outside the supported span', () => {
    expect(() => workingDaysBetween(d('1989-12-31'), d('2000-01-01'))).toThrow(RangeError);
    expect(() => addWorkingDays(d('2100-12-20'), 30)).toThrow(RangeError);
  });
});

describe('dates', () => {
  it('day numbers: the epoch, known weekdays, and round trips through ISO strings (years 1-9999)', () => {
    expect(d('1970-01-01')).toBe(0);
    expect(weekday(0)).toBe(4); // Thursday
    expect(weekday(d('2023-06-05'))).toBe(1); // Monday
    expect(weekday(d('1969-12-28'))).toBe(0); // Sunday, before the epoch
    expect(dayOf(50, 1, 1)).toBe(dayOfIso('0050-01-01'));
    fc.assert(
      fc.property(fc.integer({ min: dayOfIso('0001-01-01'), max: dayOfIso('9999-12-31') }), (x) => {
        const s = isoDate(x);
        expect(s).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(tryParseIsoDate(s)).toBe(x);
        expect(dayOfIso(s)).toBe(x); // an independent (integer) implementation agrees
        const [y, m, dd] = ymd(x);
        expect(dayOf(y, m, dd)).toBe(x);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects what is not a real date', () => {
    for (const s of ['2023-02-29', '2100-02-29', '2023-04-31', '2023-13-01', '2023-00-10', '2023-1-1', '23-01-01', '2023-01-01T00:00', '']) {
      expect(tryParseIsoDate(s), s).toBeUndefined();
    }
    expect(tryParseIsoDate('2024-02-29')).toBe(d('2024-03-01') - 1);
    expect(tryParseIsoDate('2000-02-29')).toBeDefined();
    expect(() => parseIsoDate('2023-02-30')).toThrow(/2023-02-30/);
  });

  it('reads a date exactly as the schema reads it: a real date YYYY-MM-DD or nothing', () => {
    const read = strictDayOfIso;
    const digits = fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/);
    const near = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
      ([y, m, dd]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`,
    );
    const odd = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('2023-02-29', '2024-02-29', '2023-1-01', '2023-01-1 ', '+023-01-01', '2023/01/01', '2023-01-0a', ' 023-01-01'));
    fc.assert(
      fc.property(fc.oneof(digits, near, odd), (s) => {
        if (!/^[\x20-\x7e]*$/.test(s)) return;
        const real = tryParseIsoDate(s);
        const got = read(s);
        if (real === undefined) expect(got, s).toBeNaN();
        else expect(got, s).toBe(real);
      }),
      { numRuns: 5000 },
    );
  });

  it('months: keys, first and last days, month indexes', () => {
    expect(parseMonth('2023-04')).toBe(2023 * 12 + 3);
    expect(monthKey(2023 * 12 + 3)).toBe('2023-04');
    expect(tryParseMonth('2023-13')).toBeUndefined();
    expect(isoDate(firstDayOfMonth(parseMonth('2024-02')))).toBe('2024-02-01');
    expect(isoDate(lastDayOfMonth(parseMonth('2024-02')))).toBe('2024-02-29');
    expect(daysInMonth(parseMonth('2023-02'))).toBe(28);
    expect(daysInMonth(parseMonth('2023-12'))).toBe(31);
    fc.assert(
      fc.property(fc.integer({ min: d('1990-01-01'), max: d('2100-12-31') }), (x) => {
        const m = monthIndexOfDay(x);
        expect(monthIndexOfIso(isoDate(x))).toBe(m);
        expect(parseMonth(monthKey(m))).toBe(m);
        expect(firstDayOfMonth(m)).toBeLessThanOrEqual(x);
        expect(lastDayOfMonth(m)).toBeGreaterThanOrEqual(x);
      }),
      { numRuns: 500 },
    );
  });

  it('addMonths clamps to the end of the month; addYears turns 29 February into 28 February', () => {
    expect(isoDate(addMonths(d('2023-01-31'), 1))).toBe('2023-02-28');
    expect(isoDate(addMonths(d('2024-01-31'), 1))).toBe('2024-02-29');
    expect(isoDate(addMonths(d('2023-03-31'), -1))).toBe('2023-02-28');
    expect(isoDate(addMonths(d('2023-11-15'), 3))).toBe('2024-02-15');
    expect(isoDate(addYears(d('2024-02-29'), 1))).toBe('2025-02-28');
    expect(isoDate(addYears(d('2024-02-29'), 4))).toBe('2028-02-29');
    expect(isoDate(addYears(d('2023-06-05'), -18))).toBe('2005-06-05');
  });

  it('ageOn: birthdays, and the 18th birthday from addYears is the day the child turns 18 (property)', () => {
    expect(ageOn(d('2005-06-05'), d('2023-06-04'))).toBe(17);
    expect(ageOn(d('2005-06-05'), d('2023-06-05'))).toBe(18);
    expect(ageOn(d('2004-02-29'), d('2022-02-27'))).toBe(17);
    expect(ageOn(d('2004-02-29'), d('2022-02-28'))).toBe(18);
    expect(ageOn(d('2004-02-29'), d('2024-02-28'))).toBe(19); // leap year: birthday is the 29th
    expect(ageOn(d('2004-02-29'), d('2024-02-29'))).toBe(20);
    fc.assert(
      fc.property(fc.integer({ min: d('1990-01-01'), max: d('2030-12-31') }), fc.integer({ min: 0, max: 25 }), (dob, n) => {
        const birthday = addYears(dob, n);
        expect(ageOn(dob, birthday)).toBe(n);
        if (n > 0) expect(ageOn(dob, birthday - 1)).toBe(n - 1);
      }),
      { numRuns: 1000 },
    );
    // always a leap-day birth
    for (let n = 1; n <= 25; n++) {
      const dob = d('2004-02-29');
      expect(ageOn(dob, addYears(dob, n)), `age ${n}`).toBe(n);
      expect(ageOn(dob, addYears(dob, n) - 1), `day before birthday ${n}`).toBe(n - 1);
    }
  });

  it('collection year ends on 31 March', () => {
    expect(collectionYearOf(d('2023-03-31'))).toBe(2023);
    expect(collectionYearOf(d('2023-04-01'))).toBe(2024);
    expect(collectionYearOf(d('2024-03-31'))).toBe(2024);
    expect(collectionYearOf(d('2024-01-15'))).toBe(2024);
  });
});
