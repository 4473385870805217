import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.ts';
import { loadMapping, parseMapping } from '../../../src/config/load-mapping.ts';
import { DEMO_IDS, DEMO_MAPPING_YAML } from '../../../src/demo/demo-seed.ts';
import { REP_JOHN, REP_MARIA } from '../../../src/demo/sample-calls.ts';

const CONFIG = join(import.meta.dirname, '../../../config');

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

  it('accepts the documented example file as shipped; its ids are real ones of the simulators\' demo org', () => {
    const snap = loadMapping(join(CONFIG, 'mapping.example.yaml'));
    expect(snap.empty).toBe(false);
    expect(snap.mapping.users['62288320001']).toEqual({ salesforceUserId: DEMO_IDS.userJohn });
    expect(snap.contactsByPhone.get('+13125550177')).toEqual({ contactId: DEMO_IDS.contactSean });
    expect(snap.contactsByPhone.get('+442079460321')).toEqual({ leadId: DEMO_IDS.leadAmelia });
    expect(snap.contactsByName.get('tracy debolah')).toEqual({ contactId: DEMO_IDS.contactTracy, accountId: DEMO_IDS.accountDebolah });
  });

  it('ships config/mapping.simulate.yaml: the mapping the demo runs with, for `npm run simulate`', () => {
    const shipped = loadMapping(join(CONFIG, 'mapping.simulate.yaml'));
    expect(shipped.mapping).toEqual(parseMapping(DEMO_MAPPING_YAML, 'demo').mapping);
    expect(shipped.mapping.users).toEqual({ [REP_JOHN]: { salesforceUserId: DEMO_IDS.userJohn }, [REP_MARIA]: { email: 'maria.garcia@acme-robotics.example' } });
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
      message: '003000000000001AAA is a Contact id (it starts with 003); a User id is 15 or 18 letters and digits starting with 005',
      line: 3,
      column: 23,
    });
    expect(err.message).toContain('line 3, column 23: users."62288320001".salesforceUserId: 003000000000001AAA is a Contact id');
    const notText = problems('users:\n  "62288320001": { salesforceUserId: 5 }\n');
    expect(notText.problems[0]).toMatchObject({ line: 2, message: 'expected { salesforceUserId: "005…" } or { email: "rep@example.com" }' });
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
      `contacts:\n  byPhone:\n    "+1 415 555 0100": { contactId: "${DEMO_IDS.contactTracy}" }\n    "(415) 555-0100": { contactId: "${DEMO_IDS.contactSean}" }\n    "12": { ignore: true }\n`,
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

  it('accepts an empty file, and sections whose keys are all commented out, as defaults; says when it has no settings at all', () => {
    for (const text of ['', '\n\n', '# users:\n#   "1": { email: "a@example.com" }\n', '---\n# nothing\n', '~\n']) {
      const snap = parseMapping(text, 'm.yaml');
      expect(snap.mapping.users).toEqual({});
      expect(snap.empty, JSON.stringify(text)).toBe(true);
    }
    const commentedOut = parseMapping('users:\nsalesforce:\n  # externalIdField: X__c\n', 'm.yaml');
    expect(commentedOut.mapping.salesforce).toEqual({});
    expect(commentedOut.empty).toBe(false);
    expect(parseMapping('users: {}\n', 'm.yaml').empty).toBe(false);
  });

  it('checks every Salesforce id: shape, key prefix and 18-character checksum, each entry located', () => {
    const err = problems([
      'defaultOwner: { salesforceUserId: "005Dm0000000001AAA" }',
      'contacts:',
      '  byPhone:',
      '    "+14155550100": { leadId: "00Q000000000001AAA" }',
      `    "+14155550101": { contactId: "${DEMO_IDS.contactTracy}", accountId: "${DEMO_IDS.contactSean}" }`,
      `    "+14155550102": { contactId: "${DEMO_IDS.contactTracy.slice(0, 15)}", opportunityId: "006-Dm0000000001" }`,
      `    "+14155550103": { contactId: "${DEMO_IDS.contactTracy.toLowerCase()}" }`,
      '',
    ].join('\n'));
    expect(err.problems.map((p) => [p.where, p.line, p.message.split(':')[0]])).toEqual([
      ['defaultOwner.salesforceUserId', 1, '005Dm0000000001AAA is not a valid 18-character id'],
      ['contacts.byPhone."+14155550100".leadId', 4, '00Q000000000001AAA is not a valid 18-character id'],
      ['contacts.byPhone."+14155550101".accountId', 5, `${DEMO_IDS.contactSean} is a Contact id (it starts with 003); an Account id is 15 or 18 letters and digits starting with 001`],
      ['contacts.byPhone."+14155550102".opportunityId', 6, '"006-Dm0000000001" is not a Salesforce id'],
      ['contacts.byPhone."+14155550103".contactId', 7, `${DEMO_IDS.contactTracy.toLowerCase()} is not a valid 18-character id`],
    ]);
    expect(err.problems[0]?.message).toContain('a character was mistyped or its case changed');
    expect(err.problems[3]?.message).toContain('it has characters other than letters and digits; an Opportunity id is 15 or 18 letters and digits starting with 006');
  });

  it('reports problems in the order of the file\'s lines, whatever the schema checks first', () => {
    const err = problems('followUps: { priority: Urgent }\nusers:\n  "1": { email: nope }\nnoMatch: { action: maybe }\nbogus: 1\nphone: { defaultCountry: usa }\n');
    expect(err.problems.map((p) => p.line)).toEqual([1, 3, 4, 5, 6]);
  });

  it('refuses several YAML documents in one file with a message about the file, not the parser', () => {
    const err = problems('users:\n  "1": { email: "a@example.com" }\n---\nusers:\n  "2": { email: "b@example.com" }\n---\n');
    expect(err.problems).toEqual([{ where: 'file', message: expect.stringMatching(/^the mapping file must be one YAML document; found 3 /), line: 3, column: 1 }]);
    expect(err.message).not.toMatch(/parseAllDocuments/);
    expect(parseMapping('---\nusers: {}\n', 'm.yaml').empty).toBe(false);
  });
});
