import { toE164 } from '../../lib/phone.ts';
import { RECORD_ID } from '../../ringcentral/insights-event.schema.ts';
import type { CallQuery } from './console.port.ts';

/**
 * The term of Find a call (/admin/calls?q=), checked at the edge: a recording id or a telephony session id (the
 * RingSense id shape, RECORD_ID) and/or a phone number in any usual format, normalised to E.164 with the mapping's
 * default country. Numeric terms are both (RingCentral recording ids are digits). Pure.
 */

export const TERM_MAX = 200;

/** Digits, spaces and the usual phone punctuation, with at least 5 digits. */
const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;

export type TermParse =
  | { readonly kind: 'empty' }
  | { readonly kind: 'invalid'; readonly text: string; readonly error: string }
  | { readonly kind: 'ok'; readonly text: string; readonly query: CallQuery };

export function parseCallTerm(raw: unknown, defaultCountry: string): TermParse {
  if (raw === undefined) return { kind: 'empty' };
  if (typeof raw !== 'string') return { kind: 'invalid', text: '', error: 'Give one search term.' };
  const text = raw.trim();
  if (text === '') return { kind: 'empty' };
  if (text.length > TERM_MAX) return { kind: 'invalid', text: text.slice(0, TERM_MAX), error: `The search term is longer than ${TERM_MAX} characters.` };
  const id = RECORD_ID.test(text) ? text : undefined;
  const digits = text.replace(/\D/g, '').length;
  const phone = PHONE_LIKE.test(text) && digits >= 5 && digits <= 15 ? toE164(text, defaultCountry) : undefined;
  if (id === undefined && phone === undefined) {
    return { kind: 'invalid', text, error: 'Give a recording id, a telephony session id (letters, digits and . _ - ! @ :) or a phone number.' };
  }
  return { kind: 'ok', text, query: { id, phone } };
}
