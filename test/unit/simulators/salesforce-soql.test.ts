import { beforeEach, describe, expect, it } from 'vitest';
import { sfError } from '../../support/sf-error.ts';
import { createOrg, type SimOrg } from '../../../src/simulators/salesforce/org.ts';
import type { QueryPage } from '../../../src/simulators/salesforce/query.ts';
import { decodeString, tokenize } from '../../../src/simulators/salesforce/soql-lexer.ts';
import { parseSoql } from '../../../src/simulators/salesforce/soql-parser.ts';
// The product's own escaper: what the sync really sends.
import { soqlString } from '../../../src/salesforce/soql.ts';

/** jsforce's escapeSOQLString: escapes quotes but not backslashes (notes E1). */
const jsforceEscape = (s: string): string => "'" + s.replace(/'/g, "\\'") + "'";


let org: SimOrg;
const q = (soql: string, batchSize = 2000): QueryPage => org.queries.run(soql, { includeDeleted: false, batchSize, version: '62.0' });
const names = (page: QueryPage): unknown[] => page.records.map((r) => r.Name);

beforeEach(() => {
  org = createOrg();
  const ids = org.dml.seed(org.dml.objectOrNotFound('Account'), { Name: 'Acme' }, org.integrationUserId);
  const contact = org.dml.objectOrNotFound('Contact');
  const rows = [
    { FirstName: 'Pat', LastName: "O'Brien", Email: 'pat@acme.com', AccountId: ids, Title: 'CEO' },
    { FirstName: 'Sam', LastName: 'Smith', Email: 'sam@acme.com', Title: 'CTO' },
    { FirstName: 'Al', LastName: 'Back\\slash', Email: null, Title: 'CEO' },
    { FirstName: 'Zoe', LastName: 'Young', Email: 'zoe@other.com', Title: null },
  ];
  for (const r of rows) org.dml.seed(contact, r, org.integrationUserId);
  const account = org.dml.objectOrNotFound('Account');
  org.dml.seed(account, { Name: '100% Organic' }, org.integrationUserId);
  org.dml.seed(account, { Name: '1000 Organic' }, org.integrationUserId);
});

describe('SOQL string literals', () => {
  it('decodes every documented escape', () => {
    const [tok] = tokenize(String.raw`'a\nb\rc\td\be\ff\"g\'h\\i\u00e9j\N\R\T'`);
    expect(decodeString('', tok!, 'plain').value).toBe('a\nb\rc\td\be\ff"g\'h\\iéj\n\r\t');
  });

  it("finds O'Brien when the quote is escaped", () => {
    expect(names(q(`SELECT Name FROM Contact WHERE LastName = ${soqlString("O'Brien")}`))).toEqual(["Pat O'Brien"]);
  });

  it('matches a literal backslash written as \\\\', () => {
    expect(names(q(`SELECT Name FROM Contact WHERE LastName = ${soqlString('Back\\slash')}`))).toEqual(['Al Back\\slash']);
  });

  it('treats a properly escaped injection attempt as plain data', () => {
    const attack = "\\' OR Name LIKE '%";
    const page = q(`SELECT Name FROM Contact WHERE Email = ${soqlString(attack)}`);
    expect(page.totalSize).toBe(0);
    const parsed = parseSoql(`SELECT Name FROM Contact WHERE Email = ${soqlString(attack)}`);
    expect(parsed.where).toMatchObject({ kind: 'compare', op: '=', value: { kind: 'string', value: attack } });
  });

  it("rejects jsforce's under-escaped rendering of the same value instead of running it", () => {
    const err = sfError(() => q(`SELECT Name FROM Contact WHERE Email = ${jsforceEscape("\\' OR Name LIKE '%")}`));
    expect(err.errorCode).toBe('MALFORMED_QUERY');
  });

  it('reports an unescaped quote as MALFORMED_QUERY at the offending column', () => {
    const soql = "SELECT Id FROM Contact WHERE LastName = 'O'Brien'";
    const err = sfError(() => q(soql));
    expect(err.status).toBe(400);
    expect(err.errorCode).toBe('MALFORMED_QUERY');
    expect(err.message).toContain(`ERROR at Row:1:Column:${soql.indexOf('Brien') + 1}`);
    expect(err.message).toContain("unexpected token: 'Brien'");
  });

  it('reports unterminated strings and unknown escapes', () => {
    expect(sfError(() => q("SELECT Id FROM Contact WHERE LastName = 'abc")).errorCode).toBe('MALFORMED_QUERY');
    const bad = sfError(() => q(String.raw`SELECT Id FROM Contact WHERE LastName = 'a\qb'`));
    expect(bad.errorCode).toBe('MALFORMED_QUERY');
    expect(bad.message).toContain("Illegal character sequence '\\q'");
    expect(sfError(() => q(String.raw`SELECT Id FROM Contact WHERE LastName = 'a\u12'`)).errorCode).toBe('MALFORMED_QUERY');
  });

  it('allows \\% and \\_ only in LIKE, where they match literally', () => {
    expect(sfError(() => q(String.raw`SELECT Id FROM Account WHERE Name = '100\%'`)).errorCode).toBe('MALFORMED_QUERY');
    expect(names(q(String.raw`SELECT Name FROM Account WHERE Name LIKE '100\%%'`))).toEqual(['100% Organic']);
    expect(names(q(`SELECT Name FROM Account WHERE Name LIKE '100%' ORDER BY Name`))).toEqual(['100% Organic', '1000 Organic']);
    expect(names(q(`SELECT Name FROM Account WHERE Name LIKE 'a_me'`))).toEqual(['Acme']);
  });
});

describe('SOQL conditions', () => {
  it('honours parentheses: A AND (B OR C) differs from (A AND B) OR C', () => {
    const a = "Title = 'CEO'";
    const b = "LastName = 'Smith'";
    const c = "LastName = 'Young'";
    expect(names(q(`SELECT Name FROM Contact WHERE ${a} AND (${b} OR ${c})`))).toEqual([]);
    expect(names(q(`SELECT Name FROM Contact WHERE (${a} AND ${b}) OR ${c}`))).toEqual(['Zoe Young']);
  });

  it('rejects AND mixed with OR without parentheses, as Salesforce does', () => {
    const err = sfError(() => q("SELECT Id FROM Contact WHERE Title = 'CEO' AND LastName = 'Smith' OR LastName = 'Young'"));
    expect(err.errorCode).toBe('MALFORMED_QUERY');
    expect(err.message).toContain("unexpected token: 'OR'");
  });

  it('supports NOT, IN, NOT IN, null checks and case-insensitive keywords and names', () => {
    expect(names(q("select name from CONTACT where NOT (title = 'ceo') order by name"))).toEqual(['Sam Smith', 'Zoe Young']);
    expect(names(q("SELECT Name FROM Contact WHERE LastName IN ('Smith', 'Young') ORDER BY Name DESC"))).toEqual(['Zoe Young', 'Sam Smith']);
    expect(q("SELECT Name FROM Contact WHERE LastName NOT IN ('Smith', 'Young')").totalSize).toBe(2);
    expect(names(q('SELECT Name FROM Contact WHERE Email = null'))).toEqual(['Al Back\\slash']);
    expect(q('SELECT Name FROM Contact WHERE Email != null').totalSize).toBe(3);
    expect(q("SELECT Name FROM Contact WHERE Email <> 'pat@acme.com' AND Email != null").totalSize).toBe(2);
  });

  it('orders with NULLS FIRST/LAST and pages with LIMIT/OFFSET', () => {
    expect(q('SELECT Title FROM Contact ORDER BY Title ASC NULLS LAST, LastName').records.map((r) => r.Title)).toEqual(['CEO', 'CEO', 'CTO', null]);
    expect(q('SELECT Title FROM Contact ORDER BY Title').records[0]?.Title).toBeNull();
    expect(names(q('SELECT Name FROM Contact ORDER BY LastName LIMIT 2 OFFSET 1'))).toEqual(["Pat O'Brien", 'Sam Smith']);
  });

  it('counts with COUNT()', () => {
    expect(q("SELECT COUNT() FROM Contact WHERE Title = 'CEO'")).toEqual({ totalSize: 2, done: true, records: [] });
  });

  it('returns relationship fields as nested records with attributes', () => {
    const [rec] = q("SELECT Id, Account.Name, Owner.Email FROM Contact WHERE LastName = 'O\\'Brien'").records;
    expect(rec?.Account).toMatchObject({ attributes: { type: 'Account' }, Name: 'Acme' });
    expect(rec?.Owner).toMatchObject({ attributes: { type: 'User' }, Email: 'integration.user@ringsense-sim.invalid' });
    expect(rec?.attributes).toEqual({ type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${String(rec?.Id)}` });
    expect(q("SELECT Account.Name FROM Contact WHERE LastName = 'Smith'").records[0]?.Account).toBeNull();
    expect(q("SELECT Id FROM Contact WHERE Account.Name = 'Acme'").totalSize).toBe(1);
  });

  it('supports date literals and datetime comparisons', () => {
    expect(q('SELECT Id FROM Contact WHERE CreatedDate = TODAY').totalSize).toBe(4);
    expect(q('SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:7').totalSize).toBe(4);
    expect(q('SELECT Id FROM Contact WHERE CreatedDate < 2000-01-01T00:00:00Z').totalSize).toBe(0);
    expect(q('SELECT Id FROM Contact WHERE CreatedDate > TODAY').totalSize).toBe(0);
  });
});

describe('SOQL semantic errors', () => {
  it('INVALID_TYPE for an unknown object, INVALID_FIELD for unknown fields and relationships', () => {
    const t = sfError(() => q('SELECT Id FROM Foo'));
    expect(t.errorCode).toBe('INVALID_TYPE');
    expect(t.message).toContain("sObject type 'Foo' is not supported.");
    const f = sfError(() => q('SELECT Id, Foo FROM Contact'));
    expect(f.errorCode).toBe('INVALID_FIELD');
    expect(f.message).toContain("No such column 'Foo' on entity 'Contact'.");
    expect(f.message).toContain('ERROR at Row:1:Column:12');
    expect(sfError(() => q('SELECT Acount.Name FROM Contact')).message).toContain("Didn't understand relationship 'Acount'");
  });

  it('type-checks filter values like Salesforce', () => {
    expect(sfError(() => q('SELECT Id FROM Contact WHERE LastName = 5')).errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(sfError(() => q("SELECT Id FROM Contact WHERE Id = 'abc'")).message).toContain('invalid ID field: abc');
    expect(sfError(() => q("SELECT Id FROM Task WHERE ActivityDate = '2024-01-01'")).errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(sfError(() => q("SELECT Id FROM Task WHERE Description = 'x'")).message).toContain("field 'Description' can not be filtered");
  });

  it('reports syntax errors as MALFORMED_QUERY', () => {
    for (const bad of ['SELECT FROM Contact', 'SELECT Id Contact', 'SELECT Id FROM Contact WHERE', 'SELECT Id FROM Contact LIMIT x', 'SELECT Id FROM Contact WHERE Name = \\\'x\'']) {
      expect(sfError(() => q(bad)).errorCode).toBe('MALFORMED_QUERY');
    }
  });
});

describe('query paging', () => {
  it('honours Sforce-Query-Options batchSize (min 200) and hands out locators', () => {
    const contact = org.dml.objectOrNotFound('Contact');
    for (let i = 0; i < 446; i++) org.dml.seed(contact, { LastName: `Bulk ${i}` }, org.integrationUserId);
    const first = q("SELECT Id FROM Contact WHERE LastName LIKE 'Bulk%'", 200);
    expect(first).toMatchObject({ totalSize: 446, done: false });
    expect(first.records).toHaveLength(200);
    expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]+-200$/);
    const second = org.queries.more(first.nextRecordsUrl!.split('/').pop()!, '62.0');
    const third = org.queries.more(second.nextRecordsUrl!.split('/').pop()!, '62.0');
    expect(third).toMatchObject({ done: true });
    expect(third.records).toHaveLength(46);
    expect(third.nextRecordsUrl).toBeUndefined();
  });
});
