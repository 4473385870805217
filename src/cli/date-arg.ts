/**
 * Dates on the command line: an ISO date (`2024-06-01`) or date-time (`2024-06-01T09:30`, `...:00Z`,
 * `...+02:00`). Without a zone, UTC. A date alone means the start of that day for `since` and the end of it
 * (the next midnight, exclusive) for `until`, so `--since 2024-06-01 --until 2024-06-30` covers all of June.
 */

export type DateEdge = 'since' | 'until';
export type DateArg = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const DAY_MS = 24 * 3600_000;

/** Date.UTC of the fields, or undefined when one is out of range (2024-02-30, 25:00). */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number | undefined {
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  const same = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && back.getUTCHours() === h && back.getUTCMinutes() === mi && back.getUTCSeconds() === s;
  return same ? t : undefined;
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return (m[1] === '-' ? -1 : 1) * minutes * 60_000;
}

export function parseDateArg(text: string, edge: DateEdge): DateArg {
  const bad = (why: string): DateArg => ({ ok: false, message: `--${edge} "${text}" ${why}; use an ISO date (2024-06-01) or date-time (2024-06-01T09:30Z).` });
  const value = text.trim();
  const d = DATE.exec(value);
  if (d) {
    const t = utc(Number(d[1]), Number(d[2]), Number(d[3]));
    if (t === undefined) return bad('is not a real date');
    return { ok: true, ms: edge === 'until' ? t + DAY_MS : t };
  }
  const dt = DATE_TIME.exec(value);
  if (!dt) return bad('is not a date');
  const [, y, mo, day, h, mi, s, frac, zone] = dt;
  const t = utc(Number(y), Number(mo), Number(day), Number(h), Number(mi), Number(s ?? 0), Number((frac ?? '0').padEnd(3, '0')));
  if (t === undefined) return bad('is not a real date and time');
  return { ok: true, ms: t - offsetMs(zone) };
}
