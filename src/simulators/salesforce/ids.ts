/**
 * Salesforce record ids: 15-character case-sensitive ids plus the 3-character case-safe suffix
 * (one character per 5-character chunk, a bitmap of which characters are upper case).
 */
import { randomInt } from 'node:crypto';
import { caseSafeSuffix, SALESFORCE_ID_SHAPE } from '../../lib/salesforce-id.ts';

export const KEY_PREFIXES: Readonly<Record<string, string>> = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  Lead: '00Q',
  Task: '00T',
  Event: '00U',
  EventRelation: '0RE',
  Organization: '00D',
  ContentVersion: '068',
  ContentDocument: '069',
  ContentDocumentLink: '06A',
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** True for a 15- or 18-character id whose suffix (if any) matches the case-sensitive part. */
export function isWellFormedId(value: string): boolean {
  if (!SALESFORCE_ID_SHAPE.test(value)) return false;
  if (value.length === 15) return true;
  return caseSafeSuffix(value.slice(0, 15)).toUpperCase() === value.slice(15).toUpperCase();
}

/** The 18-character form of a well-formed id (15-character ids gain their suffix). */
export function to18(value: string): string {
  return value.length === 15 ? value + caseSafeSuffix(value) : value.slice(0, 15) + caseSafeSuffix(value.slice(0, 15));
}

export function prefixOf(id: string): string {
  return id.slice(0, 3);
}

/** The sObject type owning a key prefix, or undefined. */
export function typeForPrefix(prefix: string): string | undefined {
  return Object.entries(KEY_PREFIXES).find(([, p]) => p === prefix)?.[0];
}

/** Generates unique ids for one simulated org. */
export class IdGenerator {
  private counter: number;
  private readonly pod: string;

  constructor() {
    // A random start so two simulators (or two runs) do not hand out the same ids.
    this.counter = randomInt(1, 2 ** 30);
    this.pod = BASE62.charAt(randomInt(1, 10)) + BASE62.charAt(randomInt(36, 62));
  }

  next(prefix: string): string {
    this.counter += 1;
    let n = this.counter;
    let body = '';
    for (let i = 0; i < 7; i++) {
      body = BASE62.charAt(n % 62) + body;
      n = Math.floor(n / 62);
    }
    const id15 = `${prefix}${this.pod}000${body}`;
    return id15 + caseSafeSuffix(id15);
  }
}

