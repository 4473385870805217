import { beforeEach, describe, expect, it } from 'vitest';
import { sfError } from '../../support/sf-error.ts';
import { createOrg, type SimOrg } from '../../../src/simulators/salesforce/org.ts';
import { parseSearchTerm, parseSosl, phoneMatches, runSosl, SOSL_RESERVED } from '../../../src/simulators/salesforce/sosl.ts';

/** The SOSL escaper from the notes (section E2). */
const soslEscape = (s: string): string => s.replace(/[?&|!{}[\]()^~*:\\"'+-]/g, (m) => '\\' + m);


const term = (sosl: string) => parseSearchTerm(sosl, sosl.indexOf('{')).term;

describe('SOSL search term', () => {
  it('accepts every reserved character when backslash-escaped', () => {
    for (const ch of SOSL_RESERVED) {
      const parsed = term(`FIND {ab${soslEscape(ch)}cd}`);
      expect(parsed).toEqual([[{ text: `ab${ch}cd`, prefix: false, negate: false }]]);
    }
  });

  it('rejects each reserved character when unescaped (MALFORMED_SEARCH)', () => {
    for (const ch of '&|!{[]()^~:\'+-') {
      const err = sfError(() => parseSosl(`FIND {ab${ch}cd} RETURNING Contact`));
      expect(err.errorCode, `char ${ch}`).toBe('MALFORMED_SEARCH');
    }
    expect(sfError(() => parseSosl('FIND {+14155550123} IN PHONE FIELDS')).errorCode).toBe('MALFORMED_SEARCH');
    expect(sfError(() => parseSosl('FIND {a}b} RETURNING Contact')).errorCode).toBe('MALFORMED_SEARCH');
  });

  it('escapes a phone number with + and - the way the notes recommend', () => {
    expect(term(`FIND {${soslEscape('+1 415-555-0123')}}`)).toEqual([[
      { text: '+1', prefix: false, negate: false },
      { text: '415-555-0123', prefix: false, negate: false },
    ]]);
  });

  it('allows trailing wildcards, quoted phrases and OR / NOT operators', () => {
    expect(term('FIND {acm*}')).toEqual([[{ text: 'acm', prefix: true, negate: false }]]);
    expect(term('FIND {"Pat Smith"}')).toEqual([[{ text: 'Pat Smith', prefix: false, negate: false }]]);
    expect(term('FIND {acme OR globex}')).toHaveLength(2);
    expect(term('FIND {acme AND NOT globex}')).toEqual([[{ text: 'acme', prefix: false, negate: false }, { text: 'globex', prefix: false, negate: true }]]);
  });

  it('requires braces and a term longer than one character', () => {
    expect(sfError(() => parseSosl('FIND acme RETURNING Contact')).errorCode).toBe('MALFORMED_SEARCH');
    expect(sfError(() => parseSosl('FIND {acme RETURNING Contact')).errorCode).toBe('MALFORMED_SEARCH');
    expect(sfError(() => parseSosl('FIND {a}')).message).toContain('longer than one character');
  });

  it('parses IN ... FIELDS, RETURNING specs and LIMIT; bad clauses are MALFORMED_SEARCH', () => {
    const q = parseSosl("FIND {acme} IN NAME FIELDS RETURNING Contact(Id, Name WHERE Email != null ORDER BY Name LIMIT 5), Lead LIMIT 10");
    expect(q.scope).toBe('NAME');
    expect(q.limit).toBe(10);
    expect(q.returning.map((r) => [r.name, r.fields.length, r.limit])).toEqual([['Contact', 2, 5], ['Lead', 0, undefined]]);
    expect(sfError(() => parseSosl('FIND {acme} IN BOGUS FIELDS')).errorCode).toBe('MALFORMED_SEARCH');
  });
});

describe('SOSL phone matching', () => {
  it('compares digits: equal, or suffix with at least 7 digits', () => {
    expect(phoneMatches('+14155550123', '(415) 555-0123')).toBe(true);
    expect(phoneMatches('4155550123', '+1 415 555 0123')).toBe(true);
    expect(phoneMatches('5550123', '(415) 555-0123')).toBe(true);
    expect(phoneMatches('550123', '(415) 555-0123')).toBe(false);
    expect(phoneMatches('+14155550199', '(415) 555-0123')).toBe(false);
  });
});

describe('SOSL execution', () => {
  let org: SimOrg;
  beforeEach(() => {
    org = createOrg();
    const contact = org.dml.objectOrNotFound('Contact');
    const lead = org.dml.objectOrNotFound('Lead');
    org.dml.seed(contact, { FirstName: 'Pat', LastName: 'Lee', Phone: '(415) 555-0123', Email: 'pat.lee@acme.com' }, org.integrationUserId);
    org.dml.seed(contact, { FirstName: 'Kim', LastName: 'Acme', MobilePhone: '+44 20 7946 0000' }, org.integrationUserId);
    org.dml.seed(lead, { LastName: 'Ray', Company: 'Acme Corp', Phone: '415.555.0123', IsConverted: false }, org.integrationUserId);
    org.dml.seed(lead, { LastName: 'Old', Company: 'Acme Corp', Phone: '4155550123', IsConverted: true }, org.integrationUserId);
  });
  const search = (sosl: string) => runSosl(sosl, org.engine, (t) => org.store.all(t), '62.0').searchRecords;

  it('finds contacts and leads by phone in another format, filtered per object', () => {
    const hits = search(`FIND {${soslEscape('+14155550123')}} IN PHONE FIELDS RETURNING Contact(Id, Name), Lead(Id, Name, IsConverted WHERE IsConverted = false)`);
    expect(hits.map((h) => [(h.attributes as { type: string }).type, h.Name])).toEqual([['Contact', 'Pat Lee'], ['Lead', 'Ray']]);
  });

  it('restricts by scope: NAME fields do not see phone numbers or emails', () => {
    expect(search('FIND {acme} IN NAME FIELDS RETURNING Contact(Name), Lead(Name)').map((h) => h.Name)).toEqual(['Kim Acme', 'Ray', 'Old']);
    expect(search('FIND {acme} IN EMAIL FIELDS RETURNING Contact(Name)').map((h) => h.Name)).toEqual(['Pat Lee']);
    expect(search('FIND {pat.lee@acme.com} IN EMAIL FIELDS RETURNING Contact(Name)').map((h) => h.Name)).toEqual(['Pat Lee']);
    expect(search('FIND {4155550123} IN NAME FIELDS RETURNING Contact(Name)')).toEqual([]);
  });

  it('reports unknown objects and fields like SOQL does', () => {
    expect(sfError(() => search('FIND {acme} RETURNING Foo(Id)')).errorCode).toBe('INVALID_TYPE');
    expect(sfError(() => search('FIND {acme} RETURNING Contact(Foo)')).errorCode).toBe('INVALID_FIELD');
  });
});
