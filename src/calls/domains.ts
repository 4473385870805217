/**
 * The platforms ("domains") whose conversations ACE analyses, and what this product does with each: the one place
 * that knows them. The admin enables domains with RINGSENSE_DOMAINS (default `pbx`); the subscription carries one
 * event filter per enabled domain, events and REST reads name their domain in the path (ringcentral/domain-paths.ts),
 * and an event of a domain that is not enabled (or not known) is refused with its own reason and kept replayable.
 */

/** Every domain ACE names (docs/ai/ace.md; the SDK's domain enum). */
export const ACE_DOMAINS = ['pbx', 'rcv', 'ms-teams', 'rcx', 'nice-incontact'] as const;
export type AceDomain = (typeof ACE_DOMAINS)[number];

export const isAceDomain = (d: string): d is AceDomain => (ACE_DOMAINS as readonly string[]).includes(d);

/** What each domain is, for the admin: the README, start's warning and config errors say these names. */
export const DOMAIN_NAMES: Readonly<Record<AceDomain, string>> = {
  pbx: 'RingEX phone calls',
  rcv: 'RingEX Video meetings',
  'ms-teams': 'Microsoft Teams meetings',
  rcx: 'RingCX contact center calls',
  'nice-incontact': 'NICE CXone calls',
};

/**
 * Domains whose conversations are written as call activities today. Meetings (rcv, ms-teams) are not yet: they need
 * an Event and the meeting's facts (start, length, host), which their events do not carry.
 */
export const SYNCED_DOMAINS: readonly AceDomain[] = ['pbx', 'rcx', 'nice-incontact'];

/**
 * Domains whose missed events catch-up can find again: pbx lists its recordings in the call log. For rcx, ms-teams
 * and nice-incontact RingCentral offers no way to list recording ids ("there is no API available to detect the
 * sourceRecordId or sourceSessionId", docs/ai/ace.md): only the WebSocket's own recovery covers a gap there.
 */
export const CATCH_UP_DOMAINS: readonly AceDomain[] = ['pbx'];

export const DEFAULT_DOMAINS: readonly AceDomain[] = ['pbx'];

/**
 * RINGSENSE_DOMAINS read: a comma-separated list of domain names, each known and synced, no duplicates. Returns the
 * domains, or the problem in the admin's words.
 */
export function parseDomains(raw: string | undefined): { ok: true; domains: readonly AceDomain[] } | { ok: false; message: string } {
  if (raw === undefined || raw.trim() === '') return { ok: true, domains: DEFAULT_DOMAINS };
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !isAceDomain(n));
  if (unknown.length > 0) return { ok: false, message: `unknown domain ${unknown.map((u) => JSON.stringify(u)).join(', ')}: ACE's domains are ${ACE_DOMAINS.join(', ')}` };
  const domains = [...new Set(names)] as AceDomain[];
  const meetings = domains.filter((d) => !SYNCED_DOMAINS.includes(d));
  if (meetings.length > 0) {
    return { ok: false, message: `${meetings.map((d) => `${d} (${DOMAIN_NAMES[d]})`).join(', ')} cannot be synced yet: meetings are not written to Salesforce by this version. Domains synced: ${SYNCED_DOMAINS.join(', ')}` };
  }
  return { ok: true, domains };
}

/** The enabled domains whose missed events no catch-up can recover (start warns about them by name). */
export const unrecoverableDomains = (enabled: readonly AceDomain[]): AceDomain[] => enabled.filter((d) => !CATCH_UP_DOMAINS.includes(d));
