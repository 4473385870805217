/**
 * Adds `days` business days (Monday to Friday) to a calendar date `YYYY-MM-DD`; weekends roll forward.
 * A calendar date's weekday is the same in every zone, so business days are counted in a person's zone by giving
 * this the date in that zone (lib/local-date.ts `localDate`): the arithmetic below is on the date, not an instant,
 * and no daylight-saving change can move it.
 */
export function addBusinessDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date: ${date}`);
  const isWeekend = () => d.getUTCDay() === 0 || d.getUTCDay() === 6;
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (!isWeekend()) left--;
  }
  while (isWeekend()) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
