import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../../../src/config/load-mapping.ts';
import type { FieldStatusFacts, MappingInForce, OnlineCheckResult } from '../../../../src/http/console/mapping.port.ts';
import { mappingPage } from '../../../../src/http/console/mapping-page.ts';
import { mappingView, type MappingPageFacts } from '../../../../src/http/console/mapping-view.ts';

const HOSTILE = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(1)>';
const chrome = { title: 'Mapping', session: { user: 'ops', csrf: 'tok' }, readOnly: false, flash: undefined };
const LOADED = Date.UTC(2026, 11, 2, 9, 30, 0);

const YAML = `users:
  "62288320001": { salesforceUserId: "005000000000001AAA" }
  "62288320002": { email: "rep@example.com" }
contacts:
  byName:
    "${HOSTILE}": { ignore: true }
fields:
  task:
    RS_Sentiment__c: { from: sentiment, values: { "${IMG}": Good, Positive: Good } }
    RS_Score__c: aiScore
`;

function inForce(yaml = YAML): MappingInForce {
  const snap = parseMapping(yaml, '/etc/ringsense/mapping.yaml');
  return { file: snap.file, loadedAt: LOADED, empty: snap.empty, mapping: snap.mapping, contactsByPhone: snap.contactsByPhone.size, contactsByName: snap.contactsByName.size };
}

const noFields: FieldStatusFacts = { describedAt: undefined, fields: [], refusals: [], refusalsDays: 90, problem: undefined };

function facts(over: Partial<MappingPageFacts> = {}): MappingPageFacts {
  return { inForce: inForce(), file: { kind: 'same', empty: false }, online: { last: undefined, runningSince: undefined }, fields: noFields, ...over };
}

const checked = (problems: Array<{ what: string; key: string; problem: string }>): OnlineCheckResult => ({
  kind: 'checked', at: LOADED + 60_000, mappingLoadedAt: LOADED, tookMs: 120, problems, checked: { users: 2, contactRecords: 0, extensions: 2, taskFields: 2 }, salesforce: 'https://acme.my.salesforce.com', ringcentral: 'https://platform.ringcentral.com',
});

describe('console Mapping page: the view (pure) and its template', () => {
  it('shows the mapping in force: file, when loaded, users, contact overrides and its settings as YAML', () => {
    const v = mappingView(facts(), { canCheck: true, csrf: 'tok' });
    expect([v.file, v.loadedAt, v.users, v.contacts]).toEqual(['/etc/ringsense/mapping.yaml', '2026-12-02 09:30:00 UTC', 2, '0 by phone, 1 by name']);
    expect(v.userRows).toEqual([
      { extension: '62288320001', user: 'User 005000000000001AAA' },
      { extension: '62288320002', user: 'the active User with e-mail rep@example.com' },
    ]);
    expect(v.settings).toContain('"62288320001":');
    expect(v.settings).toContain('defaultCountry: US');
    expect(v.fileCheck).toEqual({ state: 'valid', summary: '/etc/ringsense/mapping.yaml is valid: it is the mapping in force.', problems: [], warning: undefined });
    expect(v.online).toEqual({ running: undefined, result: undefined });
  });

  it('names every problem of an invalid file with its line, and says the previous mapping stays in force', () => {
    const v = mappingView(facts({ file: { kind: 'invalid', problems: [
      { where: 'users."62288320001".salesforceUserId', message: 'expected a Salesforce User id', line: 2, column: 38 },
      { where: 'file', message: 'the file is UTF-16 text; save it as UTF-8', line: undefined, column: undefined },
    ] } }), { canCheck: true, csrf: 'tok' });
    expect(v.fileCheck.state).toBe('invalid');
    expect(v.fileCheck.summary).toBe('/etc/ringsense/mapping.yaml has 2 problems. The previous mapping (loaded 2026-12-02 09:30:00 UTC) stays in force until the file is fixed.');
    expect(v.fileCheck.problems.map((p) => p.at)).toEqual(['line 2, column 38', '']);
  });

  it('warns of a file with no settings, as config check does, and of a valid file not yet in force', () => {
    const same = mappingView(facts({ inForce: inForce(''), file: { kind: 'same', empty: true } }), { canCheck: true, csrf: 'tok' });
    expect(same.fileCheck.warning).toContain('the file has no settings (it is empty or only comments)');
    expect(same.warnings).toEqual(['The mapping in force came from a file with no settings: every default applies and no user is mapped.']);
    const emptied = mappingView(facts({ file: { kind: 'changed', empty: true } }), { canCheck: true, csrf: 'tok' });
    expect(emptied.fileCheck.summary).toContain('a running service refuses such a file on reload. The previous mapping');
    const changed = mappingView(facts({ file: { kind: 'changed', empty: false } }), { canCheck: true, csrf: 'tok' });
    expect(changed.fileCheck.summary).toContain('differs from the mapping in force: the service takes it on its next reload');
    expect(mappingView(facts({ inForce: inForce('lookups: { ownerByExtensionEmail: false }') }), { canCheck: true, csrf: 'tok' }).warnings[0]).toContain('every call will fail as unmapped_owner');
  });

  it("says the online check's result with its time: no problem, the problems, or why it could not finish", () => {
    const ok = mappingView(facts({ online: { last: checked([]), runningSince: undefined } }), { canCheck: true, csrf: 'tok' }).online.result!;
    expect(ok).toEqual({ at: '2026-12-02 09:31:00 UTC', state: 'ok', summary: 'all 2 users, 0 records, 2 extensions, 2 fields checked against https://acme.my.salesforce.com and https://platform.ringcentral.com: no problem.', stale: undefined, problems: [] });
    const reloaded = mappingView(facts({ inForce: { ...inForce(), loadedAt: LOADED + 120_000 }, online: { last: checked([]), runningSince: undefined } }), { canCheck: true, csrf: 'tok' }).online.result!;
    expect(reloaded.stale).toBe('This checked the mapping loaded 2026-12-02 09:30:00 UTC; the one in force was loaded since (2026-12-02 09:32:00 UTC): run the check again.');
    const bad = mappingView(facts({ online: { last: checked([{ what: 'Salesforce user', key: 'users."62288320002".email', problem: 'no User has the e-mail rep@example.com' }]), runningSince: undefined } }), { canCheck: true, csrf: 'tok' }).online.result!;
    expect(bad.state).toBe('problems');
    expect(bad.summary).toMatch(/^1 problem \(all 2 users/);
    const away = mappingView(facts({ online: { last: { kind: 'unfinished', at: LOADED, reason: 'Salesforce ECONNREFUSED: connect refused' }, runningSince: LOADED } }), { canCheck: true, csrf: 'tok' }).online;
    expect(away.result!.summary).toBe('The online check could not finish: Salesforce ECONNREFUSED: connect refused');
    expect(away.running).toBe('An online check is running (started 2026-12-02 09:30:00 UTC): reload the page to see its result.');
  });

  it("shows each mapped field's value, and once Task was described whether it exists, its type and its problems", () => {
    const notYet: FieldStatusFacts = { ...noFields, fields: [{ name: 'RS_Score__c', from: 'aiScore', values: undefined, field: undefined, problems: undefined }] };
    const before = mappingView(facts({ fields: notYet }), { canCheck: true, csrf: 'tok' }).fields;
    expect(before.described).toMatch(/^Task has not been described yet: run the online check/);
    expect(before.rows).toEqual([{ name: 'RS_Score__c', takes: 'aiScore', exists: 'not described yet', type: '', problems: [], ok: undefined }]);
    const described: FieldStatusFacts = {
      ...noFields,
      describedAt: LOADED,
      fields: [
        { name: 'RS_Sentiment__c', from: 'sentiment', values: { Positive: 'Good' }, field: { name: 'RS_Sentiment__c', label: 'Sentiment', type: 'picklist', restrictedPicklist: true }, problems: ['Task.RS_Sentiment__c is a restricted picklist without "Neutral"'] },
        { name: 'RS_Score__c', from: 'aiScore', values: undefined, field: { name: 'RS_Score__c', label: 'Score', type: 'double', restrictedPicklist: false }, problems: [] },
        { name: 'RS_Gone__c', from: 'summary', values: undefined, field: undefined, problems: ['Task has no field RS_Gone__c the integration user can see'] },
      ],
    };
    const after = mappingView(facts({ fields: described }), { canCheck: true, csrf: 'tok' }).fields;
    expect(after.described).toBe("As Task's describe said at 2026-12-02 09:30:00 UTC (the last online check).");
    expect(after.rows.map((r) => [r.takes, r.exists, r.type, r.ok])).toEqual([
      ['sentiment, mapped: Positive → Good', 'yes', 'picklist (restricted)', false],
      ['aiScore', 'yes', 'double', true],
      ['summary', 'no', '', false],
    ]);
  });

  it('renders hostile keys, problems, values and refusals as inert text, and the check form with its CSRF token', () => {
    const html = mappingPage(chrome, mappingView(facts({
      file: { kind: 'invalid', problems: [{ where: `contacts.byName."${HOSTILE}"`, message: IMG, line: 6, column: 5 }] },
      online: { last: checked([{ what: 'Contact', key: `contacts.byName."${HOSTILE}"`, problem: IMG }]), runningSince: undefined },
      fields: {
        ...noFields,
        fields: [{ name: 'RS_Sentiment__c', from: 'sentiment', values: { [IMG]: 'Good' }, field: undefined, problems: [IMG] }],
        refusals: [{ field: 'RS_Sentiment__c', code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: IMG, count: 3, lastSeen: LOADED, lastSourceRecordId: HOSTILE }],
      },
    }), { canCheck: true, csrf: 'tok' }));
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<form method="post" action="/admin/mapping/check" class="check-online"><input type="hidden" name="_csrf" value="tok">');
    expect(html).toContain('line 6, column 5');
    expect(html).toContain('1 mapped field refusal in the last 90 days, 3 calls written without the field');
  });
});
