import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.ts';
import { loadMapping, parseMapping } from '../../../src/config/load-mapping.ts';

function problems(text: string): ConfigError {
  try {
    parseMapping(text, 'config/mapping.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('mapping file', () => {
  it('accepts the minimal form and fills every default', () => {
    const snap = parseMapping(
      'users:\n  "62288320001": { salesforceUserId: "005000000000001AAA" }\n  "62288320002": { email: "rep@example.com" }\n',
      'm.yaml',
    );
    expect(snap.mapping.users).toEqual({
      '62288320001': { salesforceUserId: '005000000000001AAA' },
      '62288320002': { email: 'rep@example.com' },
    });
    expect(snap.mapping.noMatch.action).toBe('log_without_contact');
    expect(snap.mapping.followUps).toEqual({ enabled: true, dueInBusinessDays: 2, priority: 'Normal', assignTo: 'speaker_or_owner' });
    expect(snap.mapping.activity.relatedTo).toBe('account');
    expect(snap.mapping.salesforce.externalIdField).toBeUndefined();
    expect(Object.isFrozen(snap.mapping.users)).toBe(true);
  });

  it('accepts the documented example file as shipped', () => {
    const file = join(import.meta.dirname, '../../../config/mapping.example.yaml');
    const snap = parseMapping(readFileSync(file, 'utf8'), file);
    expect(snap.contactsByPhone.get('+14155550100')).toEqual({ contactId: '003000000000001AAA' });
    expect(snap.contactsByPhone.get('+442079460018')).toEqual({ leadId: '00Q000000000001AAA' });
    expect(snap.contactsByName.get('tracy debolah')).toMatchObject({ contactId: '003000000000002AAA' });
  });

  it('keeps unquoted numeric extension ids as text', () => {
    const snap = parseMapping('users:\n  62288320001: { email: "a@example.com" }\n', 'm.yaml');
    expect(Object.keys(snap.mapping.users)).toEqual(['62288320001']);
  });

  it('names the file, line, column and key path of a wrong value', () => {
    const err = problems('users:\n  "62288320001":\n    salesforceUserId: "003000000000001AAA"\n');
    expect(err.problems).toHaveLength(1);
    expect(err.message).toContain('config/mapping.yaml has 1 problem');
    expect(err.problems[0]).toEqual({
      where: 'users."62288320001".salesforceUserId',
      message: 'expected a Salesforce User id (15 or 18 characters starting with 005)',
      line: 3,
      column: 23,
    });
    expect(err.message).toContain('line 3, column 23: users."62288320001".salesforceUserId: expected a Salesforce User id');
  });

  it('reports an unknown key where it stands, with a suggestion', () => {
    const err = problems('users: {}\nlookups:\n  ownerByEmail: true\nfollowups:\n  enabled: true\n');
    const byWhere = Object.fromEntries(err.problems.map((p) => [p.where, p]));
    expect(byWhere['lookups.ownerByEmail']).toMatchObject({ line: 3, column: 3 });
    expect(byWhere['lookups.ownerByEmail']?.message).toContain('did you mean "ownerByExtensionEmail"');
    expect(byWhere.followups).toMatchObject({ line: 4, column: 1 });
    expect(byWhere.followups?.message).toContain('did you mean "followUps"');
  });

  it('reports YAML syntax errors and duplicate keys with their position', () => {
    const syntax = problems('users:\n  "1": { email: "a@example.com"\n');
    expect(syntax.problems[0]?.where).toBe('YAML syntax');
    expect(syntax.problems[0]?.line).toBeGreaterThanOrEqual(2);
    const dup = problems('users:\n  "1": { email: "a@example.com" }\n  "1": { email: "b@example.com" }\n');
    expect(dup.problems[0]).toMatchObject({ where: 'YAML syntax', line: 3 });
  });

  it('checks enum values, numbers and e-mail addresses', () => {
    const err = problems('users:\n  "1": { email: "not-an-email" }\nnoMatch: { action: create_contact }\nfollowUps: { dueInBusinessDays: -1 }\n');
    expect(err.problems.map((p) => [p.where, p.line])).toEqual([
      ['users."1".email', 2],
      ['noMatch.action', 3],
      ['followUps.dueInBusinessDays', 4],
    ]);
  });

  it('refuses invalid and duplicate phone overrides after normalisation', () => {
    const err = problems(
      'contacts:\n  byPhone:\n    "+1 415 555 0100": { contactId: "003000000000001AAA" }\n    "(415) 555-0100": { contactId: "003000000000002AAA" }\n    "12": { ignore: true }\n',
    );
    expect(err.problems).toHaveLength(2);
    expect(err.problems.find((p) => p.where.includes('(415)'))?.message).toContain('same number');
    expect(err.problems.find((p) => p.where.includes('"12"'))).toMatchObject({ line: 5, column: 5 });
  });

  it('rejects extension ids that are not digits', () => {
    const err = problems('users:\n  "ext-1": { email: "a@example.com" }\n');
    expect(err.problems[0]).toMatchObject({ where: 'users."ext-1"', line: 2, column: 3 });
    expect(err.problems[0]?.message).toContain('extension ids are digits');
  });

  it('explains a missing file', () => {
    expect(() => loadMapping('/nonexistent/mapping.yaml')).toThrow(/file not found \(copy config\/mapping.example.yaml/);
  });

  it('accepts an empty file, and sections whose keys are all commented out, as defaults', () => {
    expect(parseMapping('', 'm.yaml').mapping.users).toEqual({});
    expect(parseMapping('users:\nsalesforce:\n  # externalIdField: X__c\n', 'm.yaml').mapping.salesforce).toEqual({});
  });
});
