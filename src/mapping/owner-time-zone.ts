import { isTimeZone, UTC } from '../lib/local-date.ts';
import { ServiceError } from '../lib/service-error.ts';
import type { DirectoryUser, PeopleDirectory } from './directory.port.ts';

/** Where an owner's time zone came from: their user record, the org's default, or neither (UTC). */
export type TimeZoneSource = 'user' | 'org_default' | 'utc';

export interface OwnerTimeZone {
  /** An id Intl knows (lib/local-date.ts isTimeZone). */
  readonly timeZone: string;
  readonly source: TimeZoneSource;
}

/** What this needs of a logger (the job's Logger is one). */
export interface WarnLog {
  warn(message: string, meta: Record<string, unknown>): unknown;
}

/** Ids already warned about: an unknown zone is worth one warning per process, not one per call. */
const warned = new Set<string>();
const MAX_WARNED = 100;

type Unknown = 'user_time_zone_unknown' | 'org_time_zone_unknown' | 'org_time_zone_unavailable';

const HINTS: Record<Unknown, string> = {
  user_time_zone_unknown: "The user's TimeZoneSidKey is not a time zone this runtime knows (an outdated time zone database in Node?): their dates use the fallback.",
  org_time_zone_unknown: "The org's default TimeZoneSidKey is not a time zone this runtime knows: dates of users without a usable zone are UTC dates.",
  org_time_zone_unavailable: "The org's default time zone could not be read (Organization.TimeZoneSidKey): dates of users without a usable zone are UTC dates.",
};

function warnOnce(logger: WarnLog | undefined, reason: Unknown, fields: { timeZone?: string; userId?: string; code?: string; using: string }): void {
  const key = `${reason}:${fields.timeZone ?? fields.code ?? ''}`;
  if (!logger || warned.has(key) || warned.size >= MAX_WARNED) return;
  warned.add(key);
  logger.warn('unknown_time_zone', { reason, ...fields, hint: HINTS[reason] });
}

/** The org's default, or undefined when Salesforce will not say (a permanent refusal: retrying would not help). */
async function orgDefault(people: PeopleDirectory, logger: WarnLog | undefined): Promise<string | undefined> {
  try {
    return (await people.orgTimeZone())?.trim() || undefined;
  } catch (e) {
    // Transient, limits, auth: the job retries as for any lookup. A refusal (no access to Organization): UTC dates.
    if (!(e instanceof ServiceError) || (e.failure.kind !== 'permanent' && e.failure.kind !== 'stale_reference')) throw e;
    warnOnce(logger, 'org_time_zone_unavailable', { code: e.failure.code, using: UTC });
    return undefined;
  }
}

/**
 * The time zone an owner's dates are computed in: the user's own `TimeZoneSidKey`; else (none, or an id this
 * runtime does not know) the org's default, asked only then (cached: people.orgTimeZone); else UTC. An unknown id
 * is warned about once. In a real org every user has a time zone (the field is required), so the org's default is
 * a rare fallback and costs no request on the ordinary path.
 */
export async function ownerTimeZone(user: DirectoryUser, people: PeopleDirectory, logger?: WarnLog): Promise<OwnerTimeZone> {
  const own = user.timeZone?.trim();
  if (own && isTimeZone(own)) return { timeZone: own, source: 'user' };
  const orgZone = await orgDefault(people, logger);
  const fallback: OwnerTimeZone = orgZone && isTimeZone(orgZone) ? { timeZone: orgZone, source: 'org_default' } : { timeZone: UTC, source: 'utc' };
  if (own) warnOnce(logger, 'user_time_zone_unknown', { timeZone: own, userId: user.id, using: fallback.timeZone });
  if (orgZone && fallback.source === 'utc') warnOnce(logger, 'org_time_zone_unknown', { timeZone: orgZone, using: UTC });
  return fallback;
}
