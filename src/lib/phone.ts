import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Numbers already normalised, by default country and number as written. The same few numbers come back on every
 * call (a returning caller, the phones of the contacts a search found), and libphonenumber takes ~10 µs to parse
 * one: ~2 % of a worker's CPU per call before this. Bounded: emptied when full.
 */
const known = new Map<string, string | undefined>();
const MAX_KNOWN = 10_000;

/**
 * Normalises a phone number as typed anywhere (RingCentral call log, Salesforce fields, the mapping file)
 * to E.164, e.g. `(415) 555-0123` -> `+14155550123`. Returns undefined when it is not a valid number.
 */
export function toE164(raw: string, defaultCountry: string = 'US'): string | undefined {
  const key = `${defaultCountry} ${raw}`;
  if (known.has(key)) return known.get(key);
  if (known.size >= MAX_KNOWN) known.clear();
  const e164 = parse(raw, defaultCountry);
  known.set(key, e164);
  return e164;
}

function parse(raw: string, defaultCountry: string): string | undefined {
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
