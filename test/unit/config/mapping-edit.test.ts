import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.ts';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { applyMappingChange, linesFor } from '../../../src/config/mapping-edit.ts';
import { writeMappingFile } from '../../../src/config/mapping-writer.ts';

const USER = '005Dm0000000009IAA';
const CONTACT = '003Dm0000000001IAA';
const FILE = `# The reps (RevOps keeps this list)
users:
  "62288320001": { email: "john@example.com" }   # John
contacts:
  byPhone:
    "(312) 555-0177": { ignore: true }
`;

describe('applyMappingChange: the file edited as an admin would', () => {
  it('adds a rep under users, keeping the comments and the other entries', () => {
    const r = applyMappingChange(FILE, { kind: 'user', extensionId: '62288320077', salesforceUserId: USER }, 'm.yaml');
    expect(r.unchanged).toBe(false);
    expect(r.text).toContain('# The reps (RevOps keeps this list)');
    expect(r.text).toContain('# John');
    expect(r.text).toContain(`"62288320077": { salesforceUserId: "${USER}" }`);
    expect(r.snapshot.mapping.users).toEqual({ '62288320001': { email: 'john@example.com' }, '62288320077': { salesforceUserId: USER } });
  });

  it('keeps an all-digit 15-character id a string (quoted), as Salesforce ids must be', () => {
    const r = applyMappingChange('users: {}\n', { kind: 'user', extensionId: '1', salesforceUserId: '005000000000001' }, 'm.yaml');
    expect(r.snapshot.mapping.users['1']).toEqual({ salesforceUserId: '005000000000001' });
  });

  it("replaces the entry of the same number written another way instead of adding a second one (the file's validation would refuse that)", () => {
    const r = applyMappingChange(FILE, { kind: 'caller_phone', phone: '+13125550177', target: { contactId: CONTACT } }, 'm.yaml');
    expect(r.snapshot.contactsByPhone.get('+13125550177')).toEqual({ contactId: CONTACT });
    expect(Object.keys(r.snapshot.mapping.contacts.byPhone)).toEqual(['(312) 555-0177']);
  });

  it('pins a name, matched as the sync matches names (case and spacing)', () => {
    const first = applyMappingChange(FILE, { kind: 'caller_name', name: 'Sean  OBrien', target: { ignore: true } }, 'm.yaml');
    const again = applyMappingChange(first.text, { kind: 'caller_name', name: 'sean obrien', target: { contactId: CONTACT } }, 'm.yaml');
    expect(Object.keys(again.snapshot.mapping.contacts.byName)).toEqual(['Sean  OBrien']);
    expect(again.snapshot.contactsByName.get('sean obrien')).toEqual({ contactId: CONTACT });
  });

  it('says unchanged when the mapping already says it, and writes into a file of comments only', () => {
    const once = applyMappingChange(FILE, { kind: 'user', extensionId: '62288320077', salesforceUserId: USER }, 'm.yaml');
    expect(applyMappingChange(once.text, { kind: 'user', extensionId: '62288320077', salesforceUserId: USER }, 'm.yaml').unchanged).toBe(true);
    const fromComments = applyMappingChange('# nothing yet\n', { kind: 'user', extensionId: '7', salesforceUserId: USER }, 'm.yaml');
    expect(fromComments.text.startsWith('# nothing yet')).toBe(true);
    expect(fromComments.snapshot.mapping.users['7']).toEqual({ salesforceUserId: USER });
  });

  it('refuses a change to a file that is not valid, naming its problems', () => {
    expect(() => applyMappingChange('users:\n  "1": { email: nope }\n', { kind: 'user', extensionId: '2', salesforceUserId: USER }, 'm.yaml')).toThrow(ConfigError);
  });

  it('gives the exact lines to add, nested under their sections', () => {
    expect(linesFor({ kind: 'caller_phone', phone: '+14155550123', target: { leadId: '00QDm0000000001IAA' } })).toBe('contacts:\n  byPhone:\n    "+14155550123": { leadId: "00QDm0000000001IAA" }\n');
    const lines = linesFor({ kind: 'user', extensionId: '62288320077', salesforceUserId: USER });
    expect(parseMapping(lines, 'lines').mapping.users['62288320077']).toEqual({ salesforceUserId: USER });
  });
});

describe('writeMappingFile: atomic, the previous version kept', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'mapping-write-'));

  it('replaces the file by a rename and keeps the previous text beside it, leaving no temporary file', () => {
    const d = dir();
    const file = join(d, 'mapping.yaml');
    writeFileSync(file, FILE);
    const r = writeMappingFile(file, 'users: {}\n', FILE);
    expect(r).toEqual({ kind: 'written', file, previous: `${file}.previous` });
    expect(readFileSync(file, 'utf8')).toBe('users: {}\n');
    expect(readFileSync(`${file}.previous`, 'utf8')).toBe(FILE);
    expect(readdirSync(d).sort()).toEqual(['mapping.yaml', 'mapping.yaml.previous']);
  });

  it('writes nothing when the file changed since it was read', () => {
    const file = join(dir(), 'mapping.yaml');
    writeFileSync(file, 'users: {}\n');
    expect(writeMappingFile(file, 'x: 1\n', FILE).kind).toBe('changed_meanwhile');
    expect(readFileSync(file, 'utf8')).toBe('users: {}\n');
  });

  it('treats a file nobody may write as read-only, even for root, and writes nothing', () => {
    const d = dir();
    const file = join(d, 'mapping.yaml');
    writeFileSync(file, FILE);
    chmodSync(file, 0o444);
    const r = writeMappingFile(file, 'users: {}\n', FILE);
    expect(r).toMatchObject({ kind: 'read_only', reason: 'it is marked read-only (mode 444)' });
    expect(readFileSync(file, 'utf8')).toBe(FILE);
    expect(existsSync(`${file}.previous`)).toBe(false);
  });

  it('writes the file a symlink points to, keeping the link (a mapping linked from elsewhere)', () => {
    const d = dir();
    const real = join(d, 'real.yaml');
    writeFileSync(real, FILE);
    const link = join(d, 'mapping.yaml');
    symlinkSync(real, link);
    expect(writeMappingFile(link, 'users: {}\n', FILE).kind).toBe('written');
    expect(readFileSync(real, 'utf8')).toBe('users: {}\n');
    expect(readFileSync(`${real}.previous`, 'utf8')).toBe(FILE);
  });
});
