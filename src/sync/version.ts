/**
 * Orders two versions of a call's insights (their lastModifiedTime): by the instant each names, whatever its
 * precision or offset (`10:14:30Z` is before `10:14:30.500Z`, and `12:00:00+02:00` before `11:00:00Z`), which
 * text order gets wrong. Falls back to text order only when either is not a date. Negative when `a` is older.
 */
export function compareVersions(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return Math.sign(ta - tb);
  return a < b ? -1 : a > b ? 1 : 0;
}
