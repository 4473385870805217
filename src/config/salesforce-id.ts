/**
 * Offline checks of the Salesforce record ids an admin writes in the mapping file. An id is 15 case-sensitive
 * letters and digits (the first 3 are the object's key prefix), optionally followed by a 3-character checksum of
 * their case: for each 5-character chunk, bit i is set when character i is an upper-case letter, and the 5-bit
 * value picks a character of "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345". A mistyped or re-cased 18-character id fails the
 * checksum, so it is caught here instead of by Salesforce refusing the query.
 */

/** Key prefixes of the objects the mapping names. */
import { caseSafeSuffix, SALESFORCE_ID_SHAPE } from '../lib/salesforce-id.ts';
export const KEY_PREFIX = {
  User: '005',
  Contact: '003',
  Lead: '00Q',
  Account: '001',
  Opportunity: '006',
} as const;

export type MappedObject = keyof typeof KEY_PREFIX;


/** The object whose key prefix starts `id`, among those the mapping names. */
function objectOfPrefix(prefix: string): MappedObject | undefined {
  return (Object.keys(KEY_PREFIX) as MappedObject[]).find((o) => KEY_PREFIX[o] === prefix);
}

const an = (object: MappedObject): string => `${object === 'Account' || object === 'Opportunity' ? 'an' : 'a'} ${object}`;

/**
 * Why `value` cannot be the id of a record of `object`, in words an admin can act on; undefined when it can.
 * (Whether the record exists is for `config check --online`.)
 */
export function salesforceIdProblem(value: string, object: MappedObject): string | undefined {
  const prefix = KEY_PREFIX[object];
  const expected = `${an(object)} id is 15 or 18 letters and digits starting with ${prefix}`;
  if (!SALESFORCE_ID_SHAPE.test(value)) {
    const what = /[^A-Za-z0-9]/.test(value) ? 'has characters other than letters and digits' : `has ${value.length} characters`;
    return `${JSON.stringify(value)} is not a Salesforce id: it ${what}; ${expected}`;
  }
  const found = value.slice(0, 3);
  if (found !== prefix) {
    const other = objectOfPrefix(found);
    return other
      ? `${value} is ${an(other)} id (it starts with ${found}); ${expected}`
      : `${value} starts with ${found}, not ${prefix}: it is not ${an(object)} id`;
  }
  if (value.length === 18 && caseSafeSuffix(value.slice(0, 15)) !== value.slice(15).toUpperCase()) {
    return `${value} is not a valid 18-character id: its last 3 characters (the checksum of the first 15's upper and lower case) do not match; a character was mistyped or its case changed. Copy the id from the record's URL in Salesforce`;
  }
  return undefined;
}

