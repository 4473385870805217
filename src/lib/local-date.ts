/**
 * Calendar dates in a time zone, through Intl (the IANA database Node ships with ICU). Salesforce's
 * `TimeZoneSidKey` values are IANA ids (`America/Los_Angeles`, `Europe/London`, `GMT`), which is what these take.
 */

export const UTC = 'UTC';

/** One formatter per zone (a few hundred zones exist; each is built once). Undefined: not a zone Intl knows. */
const formatters = new Map<string, Intl.DateTimeFormat | undefined>();
/** Past this many distinct ids (real or not), formatters are built per call instead of kept. */
const MAX_FORMATTERS = 1000;

function formatter(timeZone: string): Intl.DateTimeFormat | undefined {
  if (formatters.has(timeZone)) return formatters.get(timeZone);
  let fmt: Intl.DateTimeFormat | undefined;
  try {
    // en-US with a Gregorian calendar and Latin digits: the parts are plain numbers whatever the host's locale.
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, calendar: 'gregory', numberingSystem: 'latn', year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    fmt = undefined; // RangeError: Invalid time zone specified
  }
  if (formatters.size < MAX_FORMATTERS) formatters.set(timeZone, fmt);
  return fmt;
}

/** Whether `timeZone` is an id Intl knows (IANA names and their aliases, `UTC`, `GMT`); empty is not. */
export function isTimeZone(timeZone: string): boolean {
  return timeZone.trim() !== '' && formatter(timeZone) !== undefined;
}

/**
 * The calendar date (`YYYY-MM-DD`) that the instant `iso` (an ISO 8601 date-time, with `Z` or an offset) falls on
 * in `timeZone`: `2024-09-05T02:30:00Z` is `2024-09-04` in `America/Los_Angeles` (7:30 pm PDT), daylight saving
 * time included. Throws RangeError for an unknown zone or a date-time that is not one: choose the zone first
 * (isTimeZone), and parse the date-time at the edge.
 */
export function localDate(iso: string, timeZone: string): string {
  const fmt = formatter(timeZone);
  if (!fmt) throw new RangeError(`not a time zone: ${timeZone}`);
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not a date-time: ${iso}`);
  const parts = fmt.formatToParts(instant);
  const get = (type: 'year' | 'month' | 'day') => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year').padStart(4, '0')}-${get('month')}-${get('day')}`;
}
