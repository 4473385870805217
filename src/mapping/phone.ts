import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Normalises a phone number as typed anywhere (RingCentral call log, Salesforce fields, the mapping file)
 * to E.164, e.g. `(415) 555-0123` -> `+14155550123`. Returns undefined when it is not a valid number.
 */
export function toE164(raw: string, defaultCountry: string = 'US'): string | undefined {
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode);
  if (!parsed?.isValid()) return undefined;
  return parsed.number;
}

/** Digits only: what Salesforce phone search compares. */
export function phoneDigits(raw: string): string {
  return raw.replace(/\D/g, '');
}
