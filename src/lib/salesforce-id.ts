/**
 * Salesforce record ids as Salesforce makes them: 15 case-sensitive letters and digits, or 18 with a case-safe
 * suffix (for each 5-character chunk, which characters are upper case, as one letter of SUFFIX_ALPHABET). Used by
 * the mapping's offline check and by the Salesforce simulator, which makes ids this way.
 */
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** 15 or 18 letters and digits. */
export const SALESFORCE_ID_SHAPE = /^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/;

/** The 3-character case-safe suffix of a 15-character id. */
export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}
