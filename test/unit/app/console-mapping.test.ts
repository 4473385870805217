/**
 * The Mapping page's adapter over a real mapping file in a temporary directory: the file on disk validated as a
 * reload reads it, compared with the snapshot in force; the online check refused where it cannot run, and
 * remembered. No Salesforce or RingCentral here (test/browser/mapping.test.ts runs the check against the simulators).
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleMappingFacts } from '../../../src/app/console-mapping.adapter.ts';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { silentLogger } from '../../../src/lib/logger.ts';

const YAML = `users:
  "62288320001": { salesforceUserId: "005000000000001AAA" }
fields:
  task:
    RS_Score__c: aiScore
`;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'console-mapping-'));
  file = join(dir, 'mapping.yaml');
  writeFileSync(file, YAML);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A Redis that is away: every script fails. */
const away = { eval: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) };

function facts(redis: { eval(...a: unknown[]): Promise<unknown> } = away) {
  const snap = parseMapping(YAML, file);
  return consoleMappingFacts({ file, mapping: () => snap, salesforce: () => undefined, ringcentral: () => undefined, ringcentralServer: 'https://rc.example', redis, prefix: 't', logger: silentLogger(), now: () => 1_000 });
}

describe('console Mapping adapter', () => {
  it('finds the file on disk the same as the mapping in force, even written in another order and layout', () => {
    const f = facts();
    expect(f.checkFile()).toEqual({ kind: 'same', empty: false });
    writeFileSync(file, `fields: { task: { RS_Score__c: aiScore } }\n# a comment\nusers: { "62288320001": { salesforceUserId: "005000000000001AAA" } }\n`);
    expect(f.checkFile()).toEqual({ kind: 'same', empty: false });
    expect(f.inForce()).toMatchObject({ file, empty: false, contactsByPhone: 0, contactsByName: 0 });
  });

  it('says a valid change is not in force yet, an empty file is empty, and a missing one is missing', () => {
    const f = facts();
    writeFileSync(file, YAML.replace('users:\n', 'users:\n  "62288320002": { email: "rep@example.com" }\n'));
    expect(f.checkFile()).toEqual({ kind: 'changed', empty: false });
    writeFileSync(file, '# nothing yet\n');
    expect(f.checkFile()).toEqual({ kind: 'changed', empty: true });
    unlinkSync(file);
    expect(f.checkFile()).toEqual({ kind: 'missing' });
  });

  it('lists every problem of an invalid file with its line and column', () => {
    writeFileSync(file, 'users:\n  "62288320001": { salesforceUserId: "nope" }\nlookups:\n  contactByPhon: true\n');
    const c = facts().checkFile();
    expect(c.kind).toBe('invalid');
    if (c.kind !== 'invalid') return;
    expect(c.problems.map((p) => [p.line, p.where])).toEqual([[2, 'users."62288320001".salesforceUserId'], [4, 'lookups.contactByPhon']]);
    expect(c.problems[1]!.message).toContain('did you mean "contactByPhone"?');
  });

  it('refuses the online check where this process has no worker, keeps the result, and shows fields not described yet', async () => {
    const f = facts();
    expect(f.online()).toEqual({ last: undefined, runningSince: undefined });
    const r = await f.checkOnline();
    expect(r).toEqual({ kind: 'unavailable', at: 1_000, reason: 'this process does not write to Salesforce (no worker role), or its worker has not started yet' });
    expect(f.online()).toEqual({ last: r, runningSince: undefined });
    const status = await f.fieldStatus(1_000);
    expect(status.describedAt).toBeUndefined();
    expect(status.fields).toEqual([{ name: 'RS_Score__c', from: 'aiScore', values: undefined, field: undefined, problems: undefined }]);
    // Redis away: the refusals are unavailable, said why; the rest still shows.
    expect(status.refusals).toBeUndefined();
    expect(status.problem).toContain('ECONNREFUSED');
  });
});
