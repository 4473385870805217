/**
 * What an unmapped entry's subject is (an owner's extension, a caller's number or name) and whether the mapping in
 * force already has an entry for it: one reading for `ringsense-sync unmapped` and the console's Unmapped page.
 */
import { nameKey, type MappingSnapshot } from '../config/load-mapping.ts';
import { toE164 } from '../lib/phone.ts';
import type { UnmappedEntry } from './unmapped-store.ts';

export type SubjectKind = 'extension' | 'phone' | 'name' | 'unknown';

/** MappingMiss.subject for an external party: an E.164 number, else a name, else this. */
export const UNKNOWN_CALLER = 'unknown caller';

/** A caller's subject that is a number: MappingMiss.subject holds it in E.164. */
export const isPhoneSubject = (subject: string): boolean => /^\+\d{6,15}$/.test(subject);

export function subjectKind(e: Pick<UnmappedEntry, 'reason' | 'subject'>): SubjectKind {
  if (e.reason === 'unmapped_owner') return 'extension';
  if (e.subject === UNKNOWN_CALLER) return 'unknown';
  return isPhoneSubject(e.subject) ? 'phone' : 'name';
}

/** The mapping has an entry for the subject (fixed since, or mapped to a user who is not active). */
export function inMapping(subject: string, kind: SubjectKind, snap: MappingSnapshot | undefined): boolean {
  if (!snap) return false;
  switch (kind) {
    case 'extension':
      return Object.hasOwn(snap.mapping.users, subject);
    case 'phone': {
      const e164 = toE164(subject, snap.mapping.phone.defaultCountry);
      return e164 !== undefined && snap.contactsByPhone.has(e164);
    }
    case 'name':
      return snap.contactsByName.has(nameKey(subject));
    case 'unknown':
      return false;
  }
}
