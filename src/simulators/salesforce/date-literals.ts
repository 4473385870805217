/** SOQL date literals (TODAY, LAST_N_DAYS:n, ...) as [start, end) millisecond ranges in UTC. */

const DAY = 86_400_000;

function startOfDay(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export function dateLiteralRange(name: string, n: number | undefined, now: Date): [number, number] {
  const today = startOfDay(now);
  const weekStart = today - now.getUTCDay() * DAY;
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const k = n ?? 0;
  switch (name) {
    case 'TODAY': return [today, today + DAY];
    case 'YESTERDAY': return [today - DAY, today];
    case 'TOMORROW': return [today + DAY, today + 2 * DAY];
    case 'THIS_WEEK': return [weekStart, weekStart + 7 * DAY];
    case 'LAST_WEEK': return [weekStart - 7 * DAY, weekStart];
    case 'NEXT_WEEK': return [weekStart + 7 * DAY, weekStart + 14 * DAY];
    case 'THIS_MONTH': return [Date.UTC(y, m, 1), Date.UTC(y, m + 1, 1)];
    case 'LAST_MONTH': return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1)];
    case 'NEXT_MONTH': return [Date.UTC(y, m + 1, 1), Date.UTC(y, m + 2, 1)];
    case 'THIS_YEAR': return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)];
    case 'LAST_YEAR': return [Date.UTC(y - 1, 0, 1), Date.UTC(y, 0, 1)];
    case 'NEXT_YEAR': return [Date.UTC(y + 1, 0, 1), Date.UTC(y + 2, 0, 1)];
    case 'LAST_90_DAYS': return [today - 90 * DAY, today + DAY];
    case 'NEXT_90_DAYS': return [today + DAY, today + 91 * DAY];
    case 'LAST_N_DAYS': return [today - k * DAY, today + DAY];
    case 'NEXT_N_DAYS': return [today + DAY, today + (k + 1) * DAY];
    case 'N_DAYS_AGO': return [today - k * DAY, today - (k - 1) * DAY];
    case 'LAST_N_WEEKS': return [weekStart - 7 * k * DAY, weekStart];
    case 'NEXT_N_WEEKS': return [weekStart + 7 * DAY, weekStart + 7 * (k + 1) * DAY];
    case 'LAST_N_MONTHS': return [Date.UTC(y, m - k, 1), Date.UTC(y, m, 1)];
    case 'NEXT_N_MONTHS': return [Date.UTC(y, m + 1, 1), Date.UTC(y, m + 1 + k, 1)];
    default: return [0, 0];
  }
}
