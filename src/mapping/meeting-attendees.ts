import type { RecordingInsights } from '../calls/recording-insights.ts';
import type { MappingSnapshot } from '../config/load-mapping.ts';
import { nameKey } from '../config/load-mapping.ts';
import { toE164 } from '../lib/phone.ts';
import { overrideTarget, pick, type ResolveDeps } from './resolve-participants.ts';

/** At most this many attendees are looked up per meeting (Salesforce relates an Event to up to 50 contacts). */
export const MAX_ATTENDEES = 49;

/**
 * The Contacts among a meeting's external participants, each found on their own as a caller is (the admin's pins
 * first, then by the number they dialled in from, then by name), leaving out the Event's own WhoId. Only Contacts:
 * an Event relates to many contacts or to one lead, never both. Nobody found is nobody related (the Description
 * names every attendee anyway).
 */
export async function meetingAttendees(insights: RecordingInsights, snap: MappingSnapshot, deps: Pick<ResolveDeps, 'people'>, whoId: string | undefined): Promise<string[]> {
  const m = snap.mapping;
  const found = new Set<string>();
  for (const s of insights.speakerInfo.filter((x) => !x.extensionId).slice(0, MAX_ATTENDEES)) {
    const e164 = s.phoneNumber ? toE164(s.phoneNumber, m.phone.defaultCountry) : undefined;
    const name = s.name?.trim();
    const pinned = (e164 ? snap.contactsByPhone.get(e164) : undefined) ?? (name ? snap.contactsByName.get(nameKey(name)) : undefined);
    let id: string | undefined;
    if (pinned) {
      const who = overrideTarget(pinned).who;
      id = who?.type === 'Contact' ? who.id : undefined;
    } else {
      const byPhone = e164 && m.lookups.contactByPhone ? pick((await deps.people.peopleByPhone(e164)).filter((p) => p.type === 'Contact' && p.phones.some((ph) => toE164(ph, m.phone.defaultCountry) === e164))) : undefined;
      const byName = !byPhone && name && m.lookups.contactByName ? pick((await deps.people.peopleByName(name)).filter((p) => p.type === 'Contact' && nameKey(p.name) === nameKey(name))) : undefined;
      id = (byPhone ?? byName)?.id;
    }
    if (id && id !== whoId) found.add(id);
  }
  return [...found];
}
