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

/** Domains whose conversations are meetings: written as Events (or Tasks, mapping `meetings.recordAs`), not calls. */
export const MEETING_DOMAINS = ['rcv', 'ms-teams'] as const satisfies readonly AceDomain[];
export type MeetingDomain = (typeof MEETING_DOMAINS)[number];
export const isMeetingDomain = (d: string): d is MeetingDomain => (MEETING_DOMAINS as readonly string[]).includes(d);

/**
 * Domains whose missed events catch-up can find again: pbx lists its recordings in the call log, rcv its meetings in
 * the account's RingCentral Video meeting history (a meeting's id is its recording's sourceRecordId). For rcx,
 * ms-teams and nice-incontact RingCentral offers no way to list recording ids ("there is no API available to detect
 * the sourceRecordId or sourceSessionId", docs/ai/ace.md): only the WebSocket's own recovery covers a gap there.
 */
export const CATCH_UP_DOMAINS = ['pbx', 'rcv'] as const satisfies readonly AceDomain[];
export type CatchUpDomain = (typeof CATCH_UP_DOMAINS)[number];
export const isCatchUpDomain = (d: string): d is CatchUpDomain => (CATCH_UP_DOMAINS as readonly string[]).includes(d);

export const DEFAULT_DOMAINS: readonly AceDomain[] = ['pbx'];

/**
 * RINGSENSE_DOMAINS read: a comma-separated list of domain names, each known, no duplicates. Returns the
 * domains, or the problem in the admin's words.
 */
export function parseDomains(raw: string | undefined): { ok: true; domains: readonly AceDomain[] } | { ok: false; message: string } {
  if (raw === undefined || raw.trim() === '') return { ok: true, domains: DEFAULT_DOMAINS };
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !isAceDomain(n));
  if (unknown.length > 0) return { ok: false, message: `unknown domain ${unknown.map((u) => JSON.stringify(u)).join(', ')}: ACE's domains are ${ACE_DOMAINS.join(', ')}` };
  return { ok: true, domains: [...new Set(names)] as AceDomain[] };
}

/** The enabled domains whose missed events no catch-up can recover (start warns about them by name). */
export const unrecoverableDomains = (enabled: readonly AceDomain[]): AceDomain[] => enabled.filter((d) => !isCatchUpDomain(d));
