/**
 * The admin commands as separate processes (`node src/cli/main.ts ...`) against the simulators (demo world) and a
 * real Redis: `config check --online`, `unmapped` and `backfill`.
 */
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startService, type RunningService } from '../../src/app/service.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { parseMapping } from '../../src/config/load-mapping.ts';
import { DEMO_IDS, DEMO_MAPPING_YAML } from '../../src/demo/demo-seed.ts';
import { REP_JOHN, REP_MARIA } from '../../src/demo/sample-calls.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { UnmappedStore } from '../../src/mapping/unmapped-store.ts';
import { callJobId } from '../../src/queue/jobs.ts';
import { sampleRecording } from '../../src/simulators/ringcentral/sample-data.ts';
import type { SimRecording } from '../../src/simulators/ringcentral/state.ts';
import { to18 } from '../../src/simulators/salesforce/ids.ts';
import { type Simulators } from '../../src/simulators/start-simulators.ts';
import { startCliWorld, type CliWorld } from '../support/cli-world.ts';
import { runCli } from '../support/cli.ts';
import { waitFor } from '../support/pipeline.ts';

const I = DEMO_IDS;
const UNKNOWN_USER = to18('005Dm0000000099');
const MISSING_CONTACT = to18('003Dm0000000099');
const CONVERTED_LEAD = to18('00QDm0000000002');
const UNKNOWN_EXT = '62288320099';
const NEW_REP_EXT = '62288320077';

const VALID_MAPPING = `${DEMO_MAPPING_YAML}
defaultOwner: { email: "John.Smith@acme-robotics.example" }
contacts:
  byPhone:
    "(650) 555-0142": { contactId: "${I.contactTracy}", accountId: "${I.accountDebolah}" }
  byName:
    "Amelia Hart": { leadId: "${I.leadAmelia}" }
    "Priya Natarajan": { contactId: "${I.contactPriya.slice(0, 15)}", opportunityId: "${I.oppContoso}" }
`;

const BROKEN_MAPPING = `
users:
  "${REP_JOHN}": { salesforceUserId: "${UNKNOWN_USER}" }
  "${REP_MARIA}": { email: "pat.former@acme-robotics.example" }
  "${UNKNOWN_EXT}": { email: "maria.garcia@acme-robotics.example" }
defaultOwner: { salesforceUserId: "${I.userFormer}" }
contacts:
  byPhone:
    "+14155550123": { contactId: "${MISSING_CONTACT}" }
  byName:
    "Old Lead": { leadId: "${CONVERTED_LEAD}" }
`;

const minutesAgo = (m: number): number => Date.now() - m * 60_000;
const recording = (id: string, startedMinutesAgo: number, analysed = true): SimRecording =>
  sampleRecording({ sourceRecordId: id, recordingStartTime: new Date(minutesAgo(startedMinutesAgo)).toISOString(), analysed, ownerExtensionId: REP_JOHN, ownerName: 'John Smith', customerName: 'Tracy Debolah', customerPhone: '+16505550142' });
const jobIdOf = (r: SimRecording): string => callJobId(String(r.insights.sourceRecordId), String(r.insights.lastModifiedTime));

describe('admin commands (as separate processes, on the simulators and a real Redis)', () => {
  let sims: Simulators;
  let dir: string;
  let prefix: string;
  let redis: Redis;
  let queue: Queue;
  let worker: RunningService | undefined;

  let world: CliWorld | undefined;
  const file = (name: string, text: string): string => world!.file(name, text);
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { env: { ...sims.env, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, MAPPING_FILE: join(dir, 'mapping.yaml'), ...env } });

  beforeAll(async () => {
    world = await startCliWorld('adm', VALID_MAPPING);
    ({ sims, dir, prefix, redis, queue } = world);
    sims.sf.seed({ records: { Lead: [{ Id: CONVERTED_LEAD, FirstName: 'Old', LastName: 'Lead', Company: 'Debolah Consulting', IsConverted: true, ConvertedContactId: I.contactTracy }] } });
    sims.rc.seed({ extensions: [{ id: NEW_REP_EXT, extensionNumber: '107', name: 'Alex Doe', email: 'alex.doe@acme-robotics.example' }] });
  });

  afterAll(async () => {
    await worker?.stop();
    await world?.stop();
  });

  describe('config check --online', () => {
    it('passes the demo mapping (users by id and e-mail, overrides with 15- and 18-character ids) with few requests', async () => {
      sims.sf.resetCounters();
      const extensionGets = sims.rc.counters().requests.extension ?? 0;
      const r = await cli(['config', 'check', '--online']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('is valid.');
      expect(r.stdout).toContain('Online: everything the mapping names exists: 3 Salesforce user reference(s), 5 contact/lead override record(s), 2 RingCentral extension(s) checked');
      // One query per kind: users by id, users by e-mail, leads, contacts, accounts, opportunities.
      expect(sims.sf.counters().byKind.query).toBe(6);
      expect((sims.rc.counters().requests.extension ?? 0) - extensionGets).toBe(2);
    });

    it('lists an unknown user, an inactive one (by e-mail and by id), a missing contact, a converted lead and an unknown extension; exit 1', async () => {
      const r = await cli(['config', 'check', '--online', '--file', file('broken.yaml', BROKEN_MAPPING)]);
      expect(r.code).toBe(1);
      const lines = r.stdout.split('\n');
      expect(r.stdout).toContain('Online: 6 problems');
      expect(lines.find((l) => l.startsWith('WHAT'))).toMatch(/^WHAT\s+KEY\s+PROBLEM$/);
      const row = (what: string, key: string, problem: string) => expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${what}\\s+${key.replace(/[.+*?()[\]]/g, '\\$&')}\\s+${problem}`)));
      row('Salesforce user', `users."${REP_JOHN}".salesforceUserId`, `no User ${UNKNOWN_USER} \\(deleted`);
      row('Salesforce user', `users."${REP_MARIA}".email`, `no active User has the e-mail pat.former@acme-robotics.example; inactive: ${I.userFormer} \\(Pat Former\\)`);
      row('Salesforce user', 'defaultOwner.salesforceUserId', `User ${I.userFormer} \\(Pat Former\\) is inactive`);
      row('Contact', 'contacts.byPhone."+14155550123".contactId', `no Contact ${MISSING_CONTACT}`);
      row('Lead', 'contacts.byName."Old Lead".leadId', `Lead ${CONVERTED_LEAD} is converted \\(to Contact ${I.contactTracy}\\)`);
      row('RingCentral extension', `users."${UNKNOWN_EXT}"`, `no extension ${UNKNOWN_EXT} in the RingCentral account`);
    });

    it('an offline problem stops before connecting; missing credentials are named', async () => {
      const bad = await cli(['config', 'check', '--online', '--file', file('bad.yaml', 'users:\n  "1": { email: nope }\n')]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('expected an e-mail address');
      const noCreds = await cli(['config', 'check', '--online'], { SALESFORCE_CLIENT_ID: '', SALESFORCE_CLIENT_SECRET: '' });
      expect(noCreds.code).toBe(1);
      expect(noCreds.stderr).toContain('SALESFORCE_CLIENT_ID');
    });
  });

  describe('unmapped', () => {
    it('lists what was recorded, newest first, with counts, the last call and the mapping lines to add; --json parses', async () => {
      const store = new UnmappedStore(redis, prefix);
      const now = Date.now();
      const t = (m: number) => now - m * 60_000;
      await store.record({ reason: 'unmapped_owner', subject: NEW_REP_EXT, sourceRecordId: '600001', at: t(120) });
      await store.record({ reason: 'unmapped_owner', subject: NEW_REP_EXT, sourceRecordId: '600002', at: t(60) });
      await store.record({ reason: 'unmapped_owner', subject: UNKNOWN_EXT, sourceRecordId: '600003', at: t(50) });
      await store.record({ reason: 'no_contact_match', subject: '+14155550123', sourceRecordId: '600004', at: t(40) });
      await store.record({ reason: 'no_contact_match', subject: '+14155550123', sourceRecordId: '600004', at: t(39) }); // the same call again
      await store.record({ reason: 'logged_without_contact', subject: 'Jordan Pike', sourceRecordId: '600005', at: t(30) });
      await store.record({ reason: 'unmapped_owner', subject: REP_MARIA, sourceRecordId: '600006', at: t(20) }); // mapped since
      await store.record({ reason: 'logged_without_contact', subject: '+14155550999', sourceRecordId: '600007', at: t(40 * 24 * 60) }); // 40 days ago

      const r = await cli(['unmapped']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Unmapped in the last 30 days: 3 owner extensions, 2 external parties (newest first).');
      const rows = r.stdout.split('\n').filter((l) => /^(unmapped_owner|no_contact_match|logged_without_contact) /.test(l));
      expect(rows.map((l) => l.split(/\s{2,}/).slice(0, 3))).toEqual([
        ['unmapped_owner', REP_MARIA, '1'],
        ['logged_without_contact', 'Jordan Pike', '1'],
        ['no_contact_match', '+14155550123', '1'],
        ['unmapped_owner', UNKNOWN_EXT, '1'],
        ['unmapped_owner', NEW_REP_EXT, '2'],
      ]);
      const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 10)} ${new Date(ms).toISOString().slice(11, 16)} UTC`;
      expect(rows[4]).toMatch(new RegExp(`${utc(t(120)).slice(0, 13)}.*${utc(t(60)).slice(0, 13)}.*600002\\s+to map$`));
      expect(rows[0]).toMatch(/600006\s+in mapping now$/);
      expect(r.stdout).not.toContain('+14155550999');

      expect(r.stdout).toContain(`users:\n  "${UNKNOWN_EXT}": { email: "<rep e-mail>" }`);
      expect(r.stdout).toContain(`  "${NEW_REP_EXT}": { email: "alex.doe@acme-robotics.example" }   # ext 107 Alex Doe; 2 calls failed (unmapped_owner), last`);
      expect(r.stdout).toContain('contacts:\n  byPhone:\n    "+14155550123": { contactId: "003…" }   # 1 call failed (no_contact_match)');
      expect(r.stdout).toContain('  byName:\n    "Jordan Pike": { contactId: "003…" }   # 1 call logged without a contact');
      expect(r.stdout).not.toContain(`"${REP_MARIA}": {`);
      expect(r.stdout).toContain('ringsense-sync failed retry --all --reason unmapped_owner; ringsense-sync failed retry --all --reason no_contact_match');

      const json = await cli(['unmapped', '--json', '--days', '60']);
      expect(json.code).toBe(0);
      const parsed = JSON.parse(json.stdout) as { days: number; entries: Array<Record<string, unknown>> };
      expect(parsed.days).toBe(60);
      expect(parsed.entries).toHaveLength(6);
      expect(parsed.entries.at(-1)).toMatchObject({ reason: 'logged_without_contact', subject: '+14155550999', kind: 'phone', count: 1 });
      expect(parsed.entries.find((e) => e.subject === NEW_REP_EXT)).toEqual({
        reason: 'unmapped_owner', subject: NEW_REP_EXT, kind: 'extension', count: 2,
        firstSeen: new Date(t(120)).toISOString(), lastSeen: new Date(t(60)).toISOString(), lastSourceRecordId: '600002', inMapping: false,
        extension: { id: NEW_REP_EXT, extensionNumber: '107', name: 'Alex Doe', email: 'alex.doe@acme-robotics.example', status: 'Enabled' },
        suggestion: { section: 'users', line: `"${NEW_REP_EXT}": { email: "alex.doe@acme-robotics.example" }` },
      });
      expect(parsed.entries.find((e) => e.subject === REP_MARIA)).toMatchObject({ inMapping: true, suggestion: null });

      expect(await cli(['unmapped', '--days', '0'])).toMatchObject({ code: 2 });
      const empty = await cli(['unmapped'], { QUEUE_PREFIX: `${prefix}x` });
      expect(empty).toMatchObject({ code: 0, stdout: 'Nothing unmapped in the last 30 days.\n' });
    });
  });

  describe('backfill', () => {
    const recs = [recording('510001', 30), recording('510002', 40), recording('510003', 50), recording('510004', 60), recording('510005', 70, false)];
    const window = () => ['--since', new Date(minutesAgo(120)).toISOString(), '--until', new Date(minutesAgo(1)).toISOString()];
    const count = (out: string, label: string) => Number(new RegExp(`^  ${label}\\s+(\\d+)$`, 'm').exec(out)?.[1]);

    it('queues every analysed recording of the window once, lists the not analysed one, and reports them as queued, then synced, on later runs', async () => {
      for (const r of recs) sims.rc.addRecording(r);
      const first = await cli(['backfill', ...window()]);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('5 recordings in the call log (1 page).');
      expect([count(first.stdout, 'queued'), count(first.stdout, 'already queued'), count(first.stdout, 'already synced'), count(first.stdout, 'not analysed')]).toEqual([4, 0, 0, 1]);
      expect(first.stdout).toMatch(/Not analysed \(no RingSense insights.*\): 510005$/m);
      for (const r of recs.slice(0, 4)) expect((await queue.getJob(jobIdOf(r)))?.data).toMatchObject({ kind: 'insights', source: 'backfill' });
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 4 });

      const second = await cli(['backfill', ...window()]);
      expect(second.code).toBe(0);
      expect([count(second.stdout, 'queued'), count(second.stdout, 'already queued'), count(second.stdout, 'not analysed')]).toEqual([0, 4, 1]);
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 4 });

      // A worker writes them to Salesforce; a third run finds them synced.
      const cfg = loadConfig({ ...sims.env, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix }, { ringcentral: true, salesforce: true }, dir);
      const mapping = parseMapping(DEMO_MAPPING_YAML, 'mapping.yaml');
      worker = await startService(cfg, () => mapping, { listen: false, work: true }, silentLogger());
      await waitFor(async () => (await queue.getJobCounts('completed')).completed === 4, 30_000, 'the backfilled calls to be synced');
      const third = await cli(['backfill', ...window()]);
      expect([count(third.stdout, 'queued'), count(third.stdout, 'already synced'), count(third.stdout, 'not analysed')]).toEqual([0, 4, 1]);
      expect(sims.sf.records('Task').filter((t) => t.TaskSubtype === 'Call')).toHaveLength(4);
    });

    it('--dry-run queues nothing; a date alone means the whole day (UTC); a 429 is waited out', async () => {
      sims.rc.rateLimit('insights', { count: 1, retryAfterSeconds: 1 });
      const r = await cli(['backfill', '--since', '2024-09-05', '--until', '2024-09-06', '--dry-run']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Waited 1 s for RingCentral rate limits.');
      expect(r.stdout).toContain('Dry run (nothing queued): 2024-09-05 00:00 UTC to 2024-09-07 00:00 UTC: 2 recordings in the call log (1 page).');
      expect(count(r.stdout, 'to queue')).toBe(2);
      expect(await queue.getJob(callJobId('2728084995101', '2024-09-05T15:01:40.200Z'))).toBeUndefined();
    });

    it('refuses --since after --until, and dates that are not dates (exit 2)', async () => {
      const r = await cli(['backfill', '--since', '2024-06-10', '--until', '2024-06-01']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--since 2024-06-10 (2024-06-10 00:00 UTC) is not before --until 2024-06-01 (2024-06-02 00:00 UTC, the end of that day): the window is empty.');
      expect(r.stdout).toBe('');
      const future = await cli(['backfill', '--since', new Date(Date.now() + 3600_000).toISOString()]);
      expect(future.code).toBe(2);
      expect(future.stderr).toContain('is not before now');
      for (const args of [['--since', 'yesterday'], ['--since', '2024-02-30'], ['--since', '2024-06-01', '--until', '2024-06-01T25:00Z'], []]) {
        const bad = await cli(['backfill', ...args]);
        expect(bad.code, args.join(' ')).toBe(2);
        expect(bad.stderr).toContain('Usage: ringsense-sync backfill --since <date>');
      }
    });
  });
});
