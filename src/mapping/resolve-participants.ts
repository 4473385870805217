import type { RecordingInsights, Speaker } from '../calls/recording-insights.ts';
import type { MappingSnapshot } from '../config/load-mapping.ts';
import { nameKey } from '../config/load-mapping.ts';
import type { ContactOverride, UserRef } from '../config/mapping.schema.ts';
import { toE164 } from '../lib/phone.ts';
import { err, ok, type Result } from '../lib/result.ts';
import type { DirectoryPerson, DirectoryUser, PeopleDirectory, TelephonyDirectory } from './directory.port.ts';
import { ownerTimeZone, type TimeZoneSource, type WarnLog } from './owner-time-zone.ts';
import { UNKNOWN_CALLER } from './unmapped-subject.ts';

/** The Contact or Lead a call is about (WhoId). */
export interface WhoRef {
  readonly type: 'Contact' | 'Lead';
  readonly id: string;
}

/** Who the call belongs to in Salesforce, as resolved from the mapping and lookups. */
export interface ResolvedParticipants {
  readonly ownerUserId: string;
  /**
   * The owner's time zone (an IANA id Intl knows): the call activity's date and the follow-ups' due dates are
   * dates in the owner's day. Absent (drafts built by hand): UTC. resolveParticipants always sets it.
   */
  readonly ownerTimeZone?: string;
  readonly who?: WhoRef;
  /** Related To; never set when `who` is a Lead (Salesforce refuses WhatId with a Lead WhoId). */
  readonly whatId?: string;
  /** The Salesforce user of each internal speaker that maps to one, by speakerId. */
  readonly speakerUserIds: ReadonlyMap<string, string>;
}

export type MissReason = 'unmapped_owner' | 'no_contact_match';

/** A call that cannot be written until an admin acts: permanent, with what to do about it. */
export interface MappingMiss {
  readonly reason: MissReason;
  readonly message: string;
  /** What was not found (an extension id, a phone number): for the `unmapped` report. */
  readonly subject: string;
}

export interface ResolveDeps {
  readonly people: PeopleDirectory;
  readonly telephony: TelephonyDirectory;
  /** For the one warning about a time zone this runtime does not know. */
  readonly logger?: WarnLog;
}

/** How the external party was found: for logs and metrics (never the person's data). */
export type MatchedBy = 'override_phone' | 'override_name' | 'phone' | 'name' | 'created_lead' | 'none' | 'internal_call';

export interface Resolution extends ResolvedParticipants {
  readonly ownerTimeZone: string;
  readonly ownerTimeZoneFrom: TimeZoneSource;
  readonly matchedBy: MatchedBy;
  readonly ownerBy: 'mapping' | 'extension_email' | 'default_owner';
  /**
   * With matchedBy 'none' (logged without a contact): who was not found, as MappingMiss.subject would name them
   * (the E.164 number, else the name): for the `unmapped` report.
   */
  readonly unmatchedParty?: string;
}

/** The active user a mapping entry names, looked up in Salesforce even by id (for IsActive and the time zone). */
async function userFromRef(ref: UserRef, people: PeopleDirectory): Promise<DirectoryUser | undefined> {
  if ('salesforceUserId' in ref) {
    const u = await people.userById(ref.salesforceUserId);
    return u?.isActive ? u : undefined;
  }
  return people.activeUserByEmail(ref.email);
}

type ExtensionUser = { id: string; user: DirectoryUser; by: 'mapping' | 'extension_email' } | { id: undefined; mappedTo?: UserRef };

/** Mapping file first, then the extension's e-mail. Undefined when neither gives an active user. */
async function userForExtension(ext: string, snap: MappingSnapshot, deps: ResolveDeps): Promise<ExtensionUser> {
  const ref = snap.mapping.users[ext];
  if (ref) {
    const user = await userFromRef(ref, deps.people);
    if (user) return { id: user.id, user, by: 'mapping' };
    return { id: undefined, mappedTo: ref };
  }
  if (snap.mapping.lookups.ownerByExtensionEmail) {
    const email = await deps.telephony.extensionEmail(ext);
    const user = email ? await deps.people.activeUserByEmail(email) : undefined;
    if (user) return { id: user.id, user, by: 'extension_email' };
  }
  return { id: undefined };
}

/** Contact before Lead, then the most recently modified. */
export function pick(candidates: readonly DirectoryPerson[]): DirectoryPerson | undefined {
  return [...candidates].sort((a, b) => (a.type === b.type ? b.lastModified.localeCompare(a.lastModified) : a.type === 'Contact' ? -1 : 1))[0];
}

function refText(ref: UserRef): string {
  return 'salesforceUserId' in ref ? `Salesforce user ${ref.salesforceUserId}` : `the Salesforce user with e-mail ${ref.email}`;
}

export function overrideTarget(o: ContactOverride): { who?: WhoRef; whatId?: string; opportunityId?: string } {
  if ('ignore' in o) return {};
  if ('leadId' in o) return { who: { type: 'Lead', id: o.leadId } };
  return { who: { type: 'Contact', id: o.contactId }, ...(o.accountId ? { whatId: o.accountId } : {}), ...(o.opportunityId ? { opportunityId: o.opportunityId } : {}) };
}

function splitName(full: string): { firstName?: string; lastName: string } {
  const parts = full.trim().split(/\s+/);
  if (parts.length < 2) return { lastName: parts[0] || 'Unknown caller' };
  return { firstName: parts.slice(0, -1).join(' '), lastName: parts.at(-1)! };
}

/** The external party as the lookups found them (step 3), and the record to relate the call to (step 4). */
interface FoundParty {
  /** Undefined when nobody matched: the no-match policy decides. */
  readonly target?: { who?: WhoRef; whatId?: string; opportunityId?: string };
  readonly matchedBy: MatchedBy;
  readonly e164?: string;
  readonly names: string[];
  /** Related To for the target (never with a Lead). */
  readonly whatId?: string;
}

/**
 * The external party's number as the event gives it (newer events: `speakerInfo[].phoneNumber`): the first external
 * speaker's that is a valid number, in E.164. Undefined when none is (older events, a masked or odd value).
 */
function speakerNumber(externals: readonly Speaker[], defaultCountry: string): string | undefined {
  for (const s of externals) {
    const e164 = s.phoneNumber ? toE164(s.phoneNumber, defaultCountry) : undefined;
    if (e164) return e164;
  }
  return undefined;
}

/** The external party's number from the call log (a RingCentral request, shared by the calls of one window). */
async function callLogNumber(insights: RecordingInsights, defaultCountry: string, telephony: TelephonyDirectory): Promise<string | undefined> {
  const raw = await telephony.externalNumber({
    sourceSessionId: insights.sourceSessionId,
    sourceRecordId: insights.sourceRecordId,
    recordingStartTime: insights.recordingStartTime,
    ...(insights.callDirection ? { direction: insights.callDirection } : {}),
  });
  return raw ? toE164(raw, defaultCountry) : undefined;
}

/**
 * Admin overrides, then lookups by phone and by name; then the target's Related To. Needs no owner. The number is
 * the event's own when it carries one, else the call log's (one RingCentral request saved per call that has it).
 */
async function findParty(insights: RecordingInsights, externals: readonly Speaker[], snap: MappingSnapshot, deps: ResolveDeps): Promise<FoundParty> {
  const m = snap.mapping;
  const e164 = speakerNumber(externals, m.phone.defaultCountry) ?? (await callLogNumber(insights, m.phone.defaultCountry, deps.telephony));
  const names = externals.map((s) => s.name?.trim()).filter((n): n is string => !!n);
  const found = { names, ...(e164 ? { e164 } : {}) };

  let target: FoundParty['target'];
  let matchedBy: MatchedBy = 'none';
  let person: DirectoryPerson | undefined;
  const byPhone = e164 ? snap.contactsByPhone.get(e164) : undefined;
  const byName = names.map((n) => snap.contactsByName.get(nameKey(n))).find((o) => o !== undefined);
  if (byPhone) [target, matchedBy] = [overrideTarget(byPhone), 'override_phone'];
  else if (byName) [target, matchedBy] = [overrideTarget(byName), 'override_name'];
  else {
    const phoneKnown = e164 && m.lookups.contactByPhone ? deps.people.peekPhone?.(e164) : undefined;
    const byPhoneLookup = e164 && m.lookups.contactByPhone ? (phoneKnown ? Promise.resolve(phoneKnown) : deps.people.peopleByPhone(e164)) : undefined;
    // When the number must be searched for, the names are searched at the same time: a new caller (no match by
    // phone) then costs one round trip, not two, and in a backlog both ride in the same shared requests.
    let byNameLookups: Array<Promise<DirectoryPerson[]>> | undefined;
    // Each lookup gets a handler when it starts: the loop below awaits them one by one and stops at a match or at
    // the first failure, and a rejection nobody handled would end the process.
    const lookUpName = (n: string) => {
      const lookup = deps.people.peopleByName(n);
      lookup.catch(() => undefined); // awaited below, if needed (the awaited one still throws)
      return lookup;
    };
    const searchNames = () => (byNameLookups ??= m.lookups.contactByName ? names.map(lookUpName) : []);
    if (byPhoneLookup && !phoneKnown) void searchNames();
    if (byPhoneLookup) {
      const candidates = await byPhoneLookup;
      person = pick(candidates.filter((p) => p.phones.some((ph) => toE164(ph, m.phone.defaultCountry) === e164)));
      if (person) matchedBy = 'phone';
    }
    if (!person) {
      const lookups = searchNames();
      for (const [i, n] of names.entries()) {
        if (!lookups[i]) break;
        const candidates = await lookups[i];
        person = pick(candidates.filter((p) => nameKey(p.name) === nameKey(n)));
        if (person) {
          matchedBy = 'name';
          break;
        }
      }
    }
    if (person) target = { who: { type: person.type, id: person.id }, ...(person.accountId ? { whatId: person.accountId } : {}) };
  }
  if (!target) return { ...found, matchedBy: 'none' };

  // 4. Related To: never with a Lead.
  let whatId: string | undefined;
  if (target.who?.type !== 'Lead') {
    if (target.opportunityId) whatId = target.opportunityId;
    else if (target.whatId && m.activity.relatedTo !== 'none') {
      whatId = m.activity.relatedTo === 'open_opportunity' ? ((await deps.people.openOpportunity(target.whatId)) ?? target.whatId) : target.whatId;
    }
  }
  return { ...found, target, matchedBy, ...(whatId ? { whatId } : {}) };
}

/**
 * Finds who a call belongs to in Salesforce: the owner (a user), the external party (a Contact or Lead) and
 * the record to relate the call to. Admin overrides win; then lookups; then the admin's no-match policy.
 * A call that needs the admin (an unmapped owner, `noMatch: fail`) comes back as a MappingMiss.
 */
export async function resolveParticipants(insights: RecordingInsights, snap: MappingSnapshot, deps: ResolveDeps): Promise<Result<Resolution, MappingMiss>> {
  const m = snap.mapping;
  const ext = insights.ownerExtensionId;

  // The external party is looked up while the owner is (neither needs the other): when neither is cached, a call
  // waits one round of lookups instead of two. If the owner cannot be mapped, what was found is dropped.
  const externals: Speaker[] = insights.speakerInfo.filter((s) => !s.extensionId);
  const party = externals.length > 0 ? findParty(insights, externals, snap, deps) : undefined;
  party?.catch(() => undefined); // awaited below, unless the owner fails first

  // 1. The owner.
  let owner = await userForExtension(ext, snap, deps);
  let ownerBy: Resolution['ownerBy'] | undefined = owner.id ? owner.by : undefined;
  if (!owner.id && m.defaultOwner) {
    const user = await userFromRef(m.defaultOwner, deps.people);
    if (user) [owner, ownerBy] = [{ id: user.id, user, by: 'mapping' }, 'default_owner'];
  }
  if (!owner.id || !ownerBy) {
    const mappedTo = 'mappedTo' in owner ? owner.mappedTo : undefined;
    const message = mappedTo
      ? `RingCentral extension ${ext} is mapped to ${refText(mappedTo)}, which does not exist or is inactive. Fix users."${ext}" in the mapping file (or set defaultOwner), then retry this call.`
      : `RingCentral extension ${ext} is not mapped to a Salesforce user. Add it to the mapping file, e.g.\n  users:\n    "${ext}": { email: "rep@example.com" }\nor set defaultOwner, then retry this call.`;
    return err({ reason: 'unmapped_owner', message, subject: ext });
  }
  const ownerId = owner.id;
  // The owner's day: their own time zone came with the user (no request of its own).
  const zone = await ownerTimeZone(owner.user, deps.people, deps.logger);

  // 2. Internal speakers, for assigning the next steps they said.
  const speakerUserIds = new Map<string, string>();
  for (const s of insights.speakerInfo) {
    if (!s.extensionId) continue;
    if (s.extensionId === ext) speakerUserIds.set(s.speakerId, ownerId);
    else {
      const u = await userForExtension(s.extensionId, snap, deps);
      if (u.id) speakerUserIds.set(s.speakerId, u.id);
    }
  }

  // 3. and 4. The external party and Related To.
  const base = { ownerUserId: ownerId, ownerTimeZone: zone.timeZone, ownerTimeZoneFrom: zone.source, speakerUserIds, ownerBy };
  if (!party) return ok({ ...base, matchedBy: 'internal_call' });
  const { target, matchedBy, e164, names, whatId } = await party;

  if (!target) {
    switch (m.noMatch.action) {
      case 'log_without_contact':
        return ok({ ...base, matchedBy: 'none', unmatchedParty: e164 ?? names[0] ?? UNKNOWN_CALLER });
      case 'fail':
        return err({
          reason: 'no_contact_match',
          subject: e164 ?? names[0] ?? UNKNOWN_CALLER,
          message: `No Contact or Lead matches the external party of this call${e164 ? ' by phone' : ''}${names.length ? ' or by name' : ''}, and the mapping says noMatch: fail. Add the person in Salesforce or pin them under contacts: in the mapping file, then retry this call.`,
        });
      case 'create_lead': {
        const lead = m.noMatch.lead;
        const id = await deps.people.createLead({
          ...splitName(names[0] ?? 'Unknown caller'),
          company: lead.company,
          leadSource: lead.leadSource,
          ownerId,
          ...(lead.status ? { status: lead.status } : {}),
          ...(e164 ? { phone: e164 } : {}),
        });
        return ok({ ...base, who: { type: 'Lead', id }, matchedBy: 'created_lead' });
      }
    }
  }
  return ok({ ...base, matchedBy, ...(target.who ? { who: target.who } : {}), ...(whatId ? { whatId } : {}) });
}
