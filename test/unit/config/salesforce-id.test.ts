import { describe, expect, it } from 'vitest';
import { KEY_PREFIX, salesforceIdProblem } from '../../../src/config/salesforce-id.ts';
import { caseSafeSuffix } from '../../../src/lib/salesforce-id.ts';
import { DEMO_IDS } from '../../../src/demo/demo-seed.ts';
import { IdGenerator, KEY_PREFIXES } from '../../../src/simulators/salesforce/ids.ts';

describe('Salesforce ids in the mapping', () => {
  it('computes the case-safe suffix: per 5-character chunk, a bitmap of its upper-case letters', () => {
    // 5-character chunks, bit i set when character i is A-Z, the value indexes "A..Z0..5".
    expect(caseSafeSuffix('001000000000000')).toBe('AAA');
    expect(caseSafeSuffix('00Q000000000001')).toBe('EAA'); // Q is the 3rd character of the first chunk: bit 2 = 4 = E
    expect(caseSafeSuffix('005Dm0000000001')).toBe('IAA'); // D: bit 3 = 8 = I
    expect(caseSafeSuffix('ZZZZZZZZZZZZZZZ')).toBe('555'); // 31 = 5
    expect(caseSafeSuffix('a0B5e00000AbCdE')).toBe('EAV'); // B: 4 = E; none: A; A, C, E: 1 + 4 + 16 = 21 = V
  });

  it('accepts every id the Salesforce simulator makes, and agrees with its checksum', () => {
    const gen = new IdGenerator();
    for (const [object, prefix] of Object.entries(KEY_PREFIX)) {
      expect(KEY_PREFIXES[object]).toBe(prefix);
      for (let i = 0; i < 200; i++) {
        const id = gen.next(prefix);
        expect(salesforceIdProblem(id, object as keyof typeof KEY_PREFIX), id).toBeUndefined();
        expect(salesforceIdProblem(id.slice(0, 15), object as keyof typeof KEY_PREFIX)).toBeUndefined();
      }
    }
    for (const id of [DEMO_IDS.userJohn, DEMO_IDS.userMaria]) expect(salesforceIdProblem(id, 'User')).toBeUndefined();
    expect(salesforceIdProblem(DEMO_IDS.leadAmelia, 'Lead')).toBeUndefined();
  });

  it('takes the checksum in either case (it is the case-insensitive part)', () => {
    expect(salesforceIdProblem('005Dm0000000001iaa', 'User')).toBeUndefined();
  });

  it('says what is wrong: length or characters, another object, a checksum that does not match', () => {
    expect(salesforceIdProblem('005Dm000000001', 'User')).toBe('"005Dm000000001" is not a Salesforce id: it has 14 characters; a User id is 15 or 18 letters and digits starting with 005');
    expect(salesforceIdProblem('005Dm 0000000001', 'User')).toMatch(/it has characters other than letters and digits/);
    expect(salesforceIdProblem(DEMO_IDS.accountDebolah, 'Opportunity')).toBe(`${DEMO_IDS.accountDebolah} is an Account id (it starts with 001); an Opportunity id is 15 or 18 letters and digits starting with 006`);
    expect(salesforceIdProblem('00T000000000001AAA', 'Contact')).toBe('00T000000000001AAA starts with 00T, not 003: it is not a Contact id');
    // The example mapping's old lead id: the checksum of 00Q000000000001 is EAA.
    expect(salesforceIdProblem('00Q000000000001AAA', 'Lead')).toMatch(/^00Q000000000001AAA is not a valid 18-character id: .* a character was mistyped or its case changed/);
    // One character's case changed: the 15 characters no longer match their checksum.
    expect(salesforceIdProblem('005dm0000000001IAA', 'User')).toMatch(/not a valid 18-character id/);
    expect(salesforceIdProblem('005Dm0000000001IAB', 'User')).toMatch(/not a valid 18-character id/);
  });
});
