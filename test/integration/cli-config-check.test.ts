/**
 * `config check` as a separate process: the warning for a mapping with no settings, the shipped example mapping
 * checked online against the simulators' demo org, and Salesforce refusing a lookup reported against its entry
 * (never as a raw SOQL error).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_MAPPING_YAML, demoRingCentralSeed, demoSalesforceSeed } from '../../src/demo/demo-seed.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { ROOT, runCli } from '../support/cli.ts';

const I = DEMO_IDS;
let sims: Simulators;
let dir: string;
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const check = (args: string[]) => runCli(['config', 'check', ...args], { env: { ...sims.env } });
/** Salesforce's answer to a SOQL filter on a malformed id: the query quoted, a caret, the culprit. */
const soqlRefusal = (errorCode: string, detail: string) => [{ errorCode, message: `\nSELECT Id FROM Contact WHERE Id IN ('${I.contactTracy}','${I.contactSean}')\n                              ^\nERROR at Row:1:Column:31\n${detail}` }];

beforeAll(async () => {
  sims = await startSimulators({ seed: { ringcentral: demoRingCentralSeed(), salesforce: demoSalesforceSeed() } });
  dir = mkdtempSync(join(tmpdir(), 'cli-config-check-'));
});
afterEach(() => sims.sf.clearFaults());
afterAll(async () => {
  await sims?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('config check', () => {
  it('warns about a file with no settings (empty or only comments), which a running service would refuse on reload', async () => {
    for (const text of ['', '# users:\n#   "62288320001": { email: "john@example.com" }\n']) {
      const r = await check(['--file', file('empty.yaml', text)]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('is valid.');
      expect(r.stdout).toContain('warning: the file has no settings (it is empty or only comments): every default applies and no user is mapped; a running service refuses such a file on reload');
    }
    const explicit = await check(['--file', file('explicit.yaml', 'users: {}\n')]);
    expect(explicit.stdout).not.toContain('no settings');
  });

  it('refuses a multi-document, a binary and a mistyped-id file with one clear line each', async () => {
    const multi = await check(['--file', file('multi.yaml', 'users: {}\n---\nusers: {}\n')]);
    expect(multi.code).toBe(1);
    expect(multi.stderr).toContain('line 2, column 1: file: the mapping file must be one YAML document; found 2');
    const binary = await check(['--file', file('binary.yaml', Buffer.from([0x75, 0, 0x73, 0xff]).toString('latin1'))]);
    expect(binary.code).toBe(1);
    expect(binary.stderr).toMatch(/binary\.yaml has 1 problem:\n {2}- file: the file (contains NUL bytes|is not UTF-8)/);
    const typo = await check(['--file', file('typo.yaml', `users:\n  "62288320001": { salesforceUserId: "${I.userJohn.slice(0, 17)}B" }\n`)]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(`line 2, column 38: users."62288320001".salesforceUserId: ${I.userJohn.slice(0, 17)}B is not a valid 18-character id`);
  });

  it('--online passes the shipped example mapping and the simulate mapping against the demo org', async () => {
    for (const shipped of ['mapping.example.yaml', 'mapping.simulate.yaml']) {
      const r = await check(['--online', '--file', join(ROOT, 'config', shipped)]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('Online: everything the mapping names exists');
      expect(r.code).toBe(0);
    }
  });

  it('--online reports a lookup Salesforce refuses against its entry, checks the others, and shows no SOQL', async () => {
    const mapping = file('refused.yaml', `${DEMO_MAPPING_YAML}
contacts:
  byPhone:
    "(650) 555-0142": { contactId: "${I.contactTracy}", accountId: "${I.accountDebolah}", opportunityId: "${I.oppNorthwind}" }
    "(312) 555-0177": { contactId: "${I.contactSean}", opportunityId: "${I.oppContoso}" }
    "+1 415 555 0123": { contactId: "${I.contactLukas.slice(0, 14)}X" }
`);
    // Any query naming Sean's id is refused, the batch as well as Sean's own lookup; Lukas's id (15 characters,
    // last one changed) passes the offline check and is simply not found.
    sims.sf.injectFault({ status: 400, body: soqlRefusal('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${I.contactSean}`), count: 2, query: I.contactSean });
    // The integration user cannot read opportunities at all: refused once, as the answer holds for every entry
    // (were each asked again, they would be found and this test would see no problem for them).
    sims.sf.injectFault({ status: 400, body: [{ errorCode: 'INVALID_TYPE', message: "\nSELECT Id FROM Opportunity WHERE Id IN ('x')\n               ^\nERROR at Row:1:Column:16\nsObject type 'Opportunity' is not supported." }], count: 1, query: 'FROM Opportunity' });
    sims.sf.resetCounters();
    const r = await check(['--online', '--file', mapping]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Online: 4 problems');
    const lines = r.stdout.split('\n');
    const row = (what: string, key: string) => lines.find((l) => l.startsWith(what) && l.includes(key)) ?? `(no row for ${key})`;
    expect(row('Contact', '"(312) 555-0177".contactId')).toMatch(/Salesforce refused the id as malformed \(INVALID_QUERY_FILTER_OPERATOR\): copy it again from the record's URL/);
    expect(row('Contact', '"+1 415 555 0123".contactId')).toContain(`no Contact ${I.contactLukas.slice(0, 14)}X (deleted`);
    for (const key of ['"(650) 555-0142".opportunityId', '"(312) 555-0177".opportunityId']) {
      expect(row('Opportunity', key)).toContain("the integration user cannot read Opportunity records (Salesforce INVALID_TYPE: sObject type 'Opportunity' is not supported.): give its profile or a permission set read access to Opportunity");
    }
    expect(lines.some((l) => l.includes('"(650) 555-0142".contactId') || l.includes('accountId'))).toBe(false);
    expect(r.stdout).not.toMatch(/SELECT|ERROR at Row|\^/);
    // Queries answered (the simulator does not count refused ones): users by id and by e-mail, Tracy and Lukas
    // each alone after the contacts' batch was refused, the account.
    expect(sims.sf.counters().byKind.query).toBe(5);
  });

  it('--online checks the mapped Task fields against describe: exists, editable, a fitting type, every picklist value', async () => {
    sims.sf.defineFields('Task', [
      { name: 'Cfg_Sentiment__c', label: 'Sentiment', type: 'picklist', picklistValues: ['Positive', 'Negative'], restrictedPicklist: true },
      { name: 'Cfg_Score__c', label: 'Score', type: 'double', precision: 3 },
      { name: 'Cfg_Locked__c', label: 'Locked', type: 'string', createable: false, updateable: false },
      { name: 'Cfg_Link__c', label: 'Link', type: 'url' },
    ]);
    const mapping = file('fields.yaml', `${DEMO_MAPPING_YAML}
fields:
  task:
    Cfg_Sentiment__c: sentiment
    Cfg_Score__c: sentiment
    Cfg_Locked__c: summary
    Cfg_Link__c: rsRecordUri
    Cfg_Gone__c: aiScore
`);
    const offline = await check(['--file', mapping]);
    expect(offline.stdout).toContain('mapped Task fields:    Cfg_Sentiment__c <- sentiment, Cfg_Score__c <- sentiment');
    sims.sf.resetCounters();
    const r = await check(['--online', '--file', mapping]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Online: 4 problems');
    const lines = r.stdout.split('\n');
    const row = (key: string) => lines.find((l) => l.startsWith('Task field') && l.includes(`fields.task.${key} `)) ?? `(no row for ${key})`;
    expect(row('Cfg_Sentiment__c')).toContain('Task.Cfg_Sentiment__c is a restricted picklist without "Neutral": add it to its values, or map sentiment to values it has');
    expect(row('Cfg_Score__c')).toContain('Task.Cfg_Score__c is a double field: a double field needs a number');
    expect(row('Cfg_Locked__c')).toContain('the integration user may not create or update Task.Cfg_Locked__c');
    expect(row('Cfg_Gone__c')).toContain('Task has no field Cfg_Gone__c the integration user can see');
    expect(lines.some((l) => l.startsWith('Task field') && l.includes('Cfg_Link__c'))).toBe(false);
    expect(r.stdout).toContain('Calls are written without these fields');
    // One describe for all of them.
    expect(sims.sf.counters().byKind.describe).toBe(1);
    // With a value map to values the picklist has, and a number for the number field, it passes.
    const fixed = file('fixed.yaml', `${DEMO_MAPPING_YAML}
fields:
  task:
    Cfg_Sentiment__c: { from: sentiment, values: { Neutral: Positive } }
    Cfg_Score__c: aiScore
    Cfg_Link__c: rsRecordUri
`);
    const ok = await check(['--online', '--file', fixed]);
    expect(ok.stdout).toContain('Online: everything the mapping names exists');
    expect(ok.stdout).toContain('3 mapped Task field(s)');
    expect(ok.code).toBe(0);
  });

  it('--online with opportunity.nextStep on checks that the integration user can edit Opportunity.NextStep', async () => {
    const mapping = file('next-step.yaml', `${DEMO_MAPPING_YAML}
opportunity:
  nextStep: latest_call
`);
    sims.sf.resetCounters();
    const ok = await check(['--online', '--file', mapping]);
    expect(ok.stdout).toContain('Online: everything the mapping names exists');
    expect(ok.code).toBe(0);
    expect(sims.sf.counters().byKind.describe).toBe(1);
    sims.sf.injectFault({ status: 403, body: [{ errorCode: 'INSUFFICIENT_ACCESS', message: 'insufficient access rights on object id' }], count: 1, path: '/sobjects/Opportunity/describe' });
    const refused = await check(['--online', '--file', mapping]);
    expect(refused.code).toBe(1);
    expect(refused.stdout.split('\n').find((l) => l.startsWith('Opportunity field'))).toContain('Salesforce refused to describe Opportunity (INSUFFICIENT_ACCESS)');
  });
});
