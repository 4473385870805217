import { describe, expect, it } from 'vitest';
import { isTimeZone, localDate } from '../../../src/lib/local-date.ts';
import { addBusinessDays } from '../../../src/sync/business-days.ts';

const LA = 'America/Los_Angeles';
const NY = 'America/New_York';

/** The due date of a call's follow-ups: business days counted from the call's date in the rep's zone. */
const due = (iso: string, zone: string, days: number) => addBusinessDays(localDate(iso, zone), days);

describe('localDate: the calendar date of an instant in a time zone', () => {
  it('puts a late-evening call in California on its own day, not on the next UTC day', () => {
    expect(localDate('2024-09-05T02:30:00Z', LA)).toBe('2024-09-04'); // 7:30 pm PDT
    expect(localDate('2024-09-05T02:30:00Z', NY)).toBe('2024-09-04'); // 10:30 pm EDT
    expect(localDate('2024-09-05T02:30:00Z', 'UTC')).toBe('2024-09-05');
    expect(localDate('2024-09-05T02:30:00Z', 'Asia/Tokyo')).toBe('2024-09-05'); // 11:30 am JST
    expect(localDate('2024-09-04T20:00:00Z', 'Pacific/Auckland')).toBe('2024-09-05'); // 8 am NZST, the next day
  });

  it('reads a date-time with an offset as the instant it is', () => {
    expect(localDate('2024-09-04T19:30:00-07:00', 'UTC')).toBe('2024-09-05');
    expect(localDate('2024-09-04T19:30:00-07:00', LA)).toBe('2024-09-04');
    expect(localDate('2024-09-05T00:15:00.123+02:00', 'GMT')).toBe('2024-09-04');
  });

  it('follows daylight saving time: the zone offset of that day, not a fixed one', () => {
    // Los Angeles springs forward on 2024-03-10 at 10:00 UTC (2 am PST -> 3 am PDT).
    expect(localDate('2024-03-10T07:59:00Z', LA)).toBe('2024-03-09'); // 11:59 pm PST
    expect(localDate('2024-03-10T08:00:00Z', LA)).toBe('2024-03-10'); // midnight PST
    expect(localDate('2024-03-11T06:59:00Z', LA)).toBe('2024-03-10'); // 11:59 pm PDT (PST's -8 would say 10:59 pm)
    expect(localDate('2024-03-11T07:00:00Z', LA)).toBe('2024-03-11'); // midnight PDT (PST's -8 would say 11 pm the 10th)
    // ...and falls back on 2024-11-03 at 09:00 UTC (2 am PDT -> 1 am PST).
    expect(localDate('2024-11-03T06:59:00Z', LA)).toBe('2024-11-02'); // 11:59 pm PDT
    expect(localDate('2024-11-04T07:59:00Z', LA)).toBe('2024-11-03'); // 11:59 pm PST (PDT's -7 would say 12:59 am the 4th)
    expect(localDate('2024-11-04T08:00:00Z', LA)).toBe('2024-11-04');
    // London: BST starts 2024-03-31 01:00 UTC and ends 2024-10-27 01:00 UTC.
    expect(localDate('2024-03-30T23:30:00Z', 'Europe/London')).toBe('2024-03-30'); // 11:30 pm GMT
    expect(localDate('2024-10-26T23:30:00Z', 'Europe/London')).toBe('2024-10-27'); // 12:30 am BST
  });

  it('refuses an unknown zone or a date-time that is not one', () => {
    expect(() => localDate('2024-09-05T02:30:00Z', 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => localDate('yesterday', LA)).toThrow(RangeError);
  });
});

describe('isTimeZone', () => {
  it("knows Salesforce's TimeZoneSidKey values (IANA ids and aliases) and nothing else", () => {
    for (const z of [LA, NY, 'Europe/London', 'GMT', 'UTC', 'Asia/Kolkata', 'Asia/Calcutta', 'Pacific/Honolulu']) expect(isTimeZone(z), z).toBe(true);
    for (const z of ['', ' ', 'Mars/Olympus_Mons', 'Pacific Standard Time', `${LA} `]) expect(isTimeZone(z), JSON.stringify(z)).toBe(false);
  });
});

describe("business days counted in the rep's zone", () => {
  it('counts from Friday for a call at 02:30 UTC on a Saturday, which is Friday evening in Los Angeles', () => {
    const saturday230 = '2024-09-07T02:30:00Z'; // Friday 2024-09-06, 7:30 pm PDT
    expect(localDate(saturday230, LA)).toBe('2024-09-06');
    expect(due(saturday230, LA, 0)).toBe('2024-09-06'); // due the same day: Friday (counted from Saturday: Monday)
    expect(due(saturday230, 'UTC', 0)).toBe('2024-09-09');
    expect(due(saturday230, LA, 1)).toBe('2024-09-09'); // Monday
    expect(due(saturday230, LA, 2)).toBe('2024-09-10'); // Tuesday
  });

  it('counts from Sunday evening for a call at 02:30 UTC on a Monday in Los Angeles', () => {
    const monday230 = '2024-09-09T02:30:00Z'; // Sunday 2024-09-08, 7:30 pm PDT
    expect(due(monday230, LA, 2)).toBe('2024-09-10'); // Sunday -> Monday (1), Tuesday (2)
    expect(due(monday230, 'UTC', 2)).toBe('2024-09-11'); // counted from Monday: Wednesday
  });

  it('counts two business days after a late-evening Wednesday call: Friday, not Monday', () => {
    expect(due('2024-09-05T02:30:00Z', LA, 2)).toBe('2024-09-06'); // Wednesday evening -> Friday
    expect(due('2024-09-05T02:30:00Z', 'UTC', 2)).toBe('2024-09-09'); // Thursday -> Monday
  });

  it('is not moved by a daylight-saving change inside the span', () => {
    // Friday 2024-11-01, 7:30 pm PDT; the clocks go back on Sunday the 3rd: due Tuesday the 5th.
    expect(due('2024-11-02T02:30:00Z', LA, 2)).toBe('2024-11-05');
    // Friday 2024-03-08, 11:30 pm PST; the clocks go forward on Sunday the 10th: due Tuesday the 12th.
    expect(due('2024-03-09T07:30:00Z', LA, 2)).toBe('2024-03-12');
  });
});
