import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DEMO_IDS } from '../../src/demo/demo-seed.ts';
import { runCli, spawnCli, type RunningCli } from '../support/cli.ts';
import { waitFor } from '../support/pipeline.ts';

let running: RunningCli | undefined;
let service: RunningCli | undefined;
let cleanupPrefix: string | undefined;
afterEach(async () => {
  running?.child.kill('SIGKILL');
  service?.child.kill('SIGKILL');
  if (cleanupPrefix) {
    const redis = new Redis(inject('redisUrl'));
    const keys = await redis.keys(`${cleanupPrefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
  [running, service, cleanupPrefix] = [undefined, undefined, undefined];
});

describe('ringsense-sync simulate', () => {
  it('serves both simulators with the demo data, prints how to use them, and stops cleanly on Ctrl-C', async () => {
    running = spawnCli(['simulate']);
    const [, rcUrl] = await running.waitFor(/RingCentral\s+(http:\/\/127\.0\.0\.1:\d+)/);
    const [, sfUrl] = await running.waitFor(/Salesforce\s+(http:\/\/127\.0\.0\.1:\d+)/);
    expect(running.stdout()).toContain('RINGCENTRAL_JWT=sim-rc-jwt');
    expect(running.stdout()).toContain(`SALESFORCE_LOGIN_URL=${sfUrl}`);

    // The printed credentials work against the printed URLs, over the real protocols.
    const token = await fetch(`${sfUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=sim-sf-client-id&client_secret=sim-sf-client-secret',
    });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const q = await fetch(`${sfUrl}/services/data/v62.0/query?q=${encodeURIComponent("SELECT Name FROM Contact WHERE LastName = 'O\\'Brien'")}`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(((await q.json()) as { records: Array<{ Name: string }> }).records.map((r) => r.Name)).toEqual(["Sean O'Brien"]);
    const rcToken = await fetch(`${rcUrl}/restapi/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('sim-rc-client-id:sim-rc-client-secret').toString('base64')}` },
      body: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=sim-rc-jwt',
    });
    expect(rcToken.status).toBe(200);

    running.child.kill('SIGINT');
    expect(await running.exited()).toBe(0);
    expect(running.stdout()).toContain('Simulators stopped.');
  });

  it('prints everything the first call needs: with its variables and mapping, `start` writes the call the printed curl publishes', async () => {
    running = spawnCli(['simulate']);
    await running.waitFor(/See the Tasks written/);
    const out = running.stdout();
    const env = Object.fromEntries([...out.matchAll(/^ {2}([A-Z_]+)=(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
    expect(env.MAPPING_FILE).toBe('config/mapping.simulate.yaml');
    const publish = /curl -X POST (\S+) -H 'content-type: application\/json' -d '(\{.*\})'/.exec(out)!;
    const tasks = /curl (\S+\/_sim\/records\/Task)/.exec(out)![1]!;
    const prefix = `sim${randomUUID().slice(0, 8)}`;
    service = spawnCli(['start'], { env: { ...env, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix } });
    cleanupPrefix = prefix;
    await service.waitFor(/rc_subscription_registered/);
    expect((await fetch(publish[1]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: publish[2]! })).ok).toBe(true);
    const written = async () => ((await (await fetch(tasks)).json()) as Array<Record<string, unknown>>).filter((t) => t.TaskSubtype === 'Call');
    await waitFor(async () => (await written()).length === 1, 20_000, 'the published call in Salesforce');
    const [call] = await written();
    expect(call).toMatchObject({ CallObject: 'ringsense:2728084995017', OwnerId: DEMO_IDS.userJohn, WhoId: DEMO_IDS.contactTracy, Status: 'Completed' });
    expect(service.stdout()).not.toContain('unmapped_owner');
    service.child.kill('SIGTERM');
    expect(await service.exited()).toBe(0);
  });

  it('with --seed or --empty, prints no mapping (the demo org is not loaded)', async () => {
    running = spawnCli(['simulate', '--empty']);
    await running.waitFor(/See the Tasks written/);
    expect(running.stdout()).not.toContain('MAPPING_FILE=');
  });

  it('takes ports and a seed file, and refuses a broken seed file clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-'));
    writeFileSync(join(dir, 'seed.yaml'), 'salesforce:\n  records:\n    Contact:\n      - { FirstName: Ada, LastName: Lovelace, Phone: "+44 20 7946 0000" }\n');
    writeFileSync(join(dir, 'bad.yaml'), 'salesforce:\n  record: {}\n');
    running = spawnCli(['simulate', '--seed', join(dir, 'seed.yaml'), '--sf-port', '0']);
    const [, sfUrl] = await running.waitFor(/Salesforce\s+(http:\/\/127\.0\.0\.1:\d+)/);
    const contacts = (await (await fetch(`${sfUrl}/_sim/records/Contact`)).json()) as Array<{ Name: string }>;
    expect(contacts.map((c) => c.Name)).toEqual(['Ada Lovelace']);
    running.child.kill('SIGTERM');
    expect(await running.exited()).toBe(0);

    const bad = await runCli(['simulate', '--seed', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('bad.yaml has 1 problem');
    expect(bad.stderr).toContain('salesforce: Unrecognized key: "record"');
    const badPort = await runCli(['simulate', '--rc-port', 'eighty']);
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toContain('--rc-port: must be a port number');
  });
});

describe('ringsense-sync config check', () => {
  it('accepts the example mapping, explains a missing one, and reports a broken one with file, line and column', async () => {
    const good = await runCli(['config', 'check', '--file', 'config/mapping.example.yaml']);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('config/mapping.example.yaml is valid.');
    expect(good.stdout).toContain('contact overrides:     3 by phone, 1 by name');
    const none = await runCli(['config', 'check'], { cwd: mkdtempSync(join(tmpdir(), 'empty-')) });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('config/mapping.yaml has 1 problem');
    expect(none.stderr).toContain('file not found (copy config/mapping.example.yaml to start one)');
    const dir = mkdtempSync(join(tmpdir(), 'map-'));
    writeFileSync(join(dir, 'm.yaml'), 'users:\n  "62288320001": { emial: "a@example.com" }\n');
    const bad = await runCli(['config', 'check', '--file', join(dir, 'm.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${join(dir, 'm.yaml')} has 1 problem`);
    expect(bad.stderr).toMatch(/line 2, column \d+: users\."62288320001"/);
  });

  it('start refuses bad RingCentral credentials with a clear message instead of retrying forever', async () => {
    running = spawnCli(['simulate']);
    const [, rcUrl] = await running.waitFor(/RingCentral\s+(http:\/\/127\.0\.0\.1:\d+)/);
    const [, sfUrl] = await running.waitFor(/Salesforce\s+(http:\/\/127\.0\.0\.1:\d+)/);
    const r = await runCli(['start'], {
      env: {
        RINGCENTRAL_SERVER_URL: rcUrl, RINGCENTRAL_CLIENT_ID: 'sim-rc-client-id', RINGCENTRAL_CLIENT_SECRET: 'sim-rc-client-secret', RINGCENTRAL_JWT: 'wrong-jwt',
        SALESFORCE_LOGIN_URL: sfUrl, SALESFORCE_CLIENT_ID: 'sim-sf-client-id', SALESFORCE_CLIENT_SECRET: 'sim-sf-client-secret',
        MAPPING_FILE: 'config/mapping.example.yaml', REDIS_URL: inject('redisUrl'),
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RingCentral refused the credentials (invalid_grant)');
    expect(r.stderr).not.toContain('wrong-jwt');
  });

  it('prints help and rejects unknown commands', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('simulate');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });
});
