import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisAnswers, redisServerInstalled } from '../../src/lib/local-redis.ts';
import { runCli, spawnCli, type RunningCli } from '../support/cli.ts';
import { waitFor } from '../support/pipeline.ts';

function expectDemoOutput(stdout: string) {
  expect(stdout).toContain('8 events received, 7 jobs (1 duplicate dropped by its job id): 7 calls and meetings synced, 0 failed');
  expect(stdout).toContain('Call activities (Task, subtype Call, Completed): 6');
  expect(stdout).toContain("Meetings (Event, at the meeting's time): 1");
  // The video meeting at its time, owned by its host, related to both contacts, with its three follow-ups.
  expect(stdout).toMatch(/2024-09-17 15:00\s+Northwind rollout planning\s+Maria Garcia\s+Sean O'Brien, Tracy Debolah\s+Northwind - warehouse robots, 3 sites\s+21 min\s+3\s+Maria Garcia, Sean O'Brien, Tracy Debolah/);
  expect(stdout).toContain('Follow-up tasks (open, one per RingSense next step): 32');
  expect(stdout).toMatch(/2024-09-04\s+Call from John Smith to Tracy Debolah\s+John Smith\s+Tracy Debolah \(Contact\)\s+Debolah Consulting\s+Outbound\s+2 min\s+4/);
  expect(stdout).toMatch(/2024-09-06\s+Write a developer guide for the API\.\s+John Smith\s+Tracy Debolah \(Contact\)\s+Not Started/);
  // Score and sentiment as a rep reads them, and one call activity's Comments whole, every insight in its place.
  expect(stdout).toMatch(/Call from Sean O'Brien to Maria Garcia\s+Maria Garcia\s+Sean O'Brien \(Contact\).*Inbound\s+7 min\s+2\s+8\/10 · Positive/);
  expect(stdout).toContain('Comments of "Call from Sean O\'Brien to Maria Garcia":');
  // Each call's whole transcript as a note on the call and its people, and the deals' next steps.
  expect(stdout).toContain('Transcript notes (the whole conversation, one per call or meeting): 7');
  expect(stdout).toMatch(/Transcript: Northwind rollout planning \[RingSense .*SNOTE\s+[\d.]+ KB\s+the meeting, Sean O'Brien, Northwind - warehouse robots, 3 sites/);
  expect(stdout).toMatch(/Transcript: Call from Sean O'Brien to Maria Garcia \[RingSense .*SNOTE\s+[\d.]+ KB\s+the call, Sean O'Brien, Northwind - warehouse robots, 3 sites/);
  // The meeting (17 September) came after the call (5 September): the deal's next step is the meeting's.
  expect(stdout).toMatch(/Northwind - warehouse robots, 3 sites\s+Send Northwind the revised quote with the training package by Thursday\./);
  expect(stdout).toMatch(/Summary \(RingSense\)[\s\S]*Score: 8\/10 · Sentiment: Positive[\s\S]*Next steps[\s\S]*Highlights[\s\S]*Questions asked[\s\S]*Call notes[\s\S]*RingSense: https:/);
}

/** No Redis answers here, so the demo starts its own. */
const NO_REDIS = { REDIS_URL: 'redis://127.0.0.1:1' };
/** The demo's own redis-server: the URL it printed. */
async function privateRedisOf(demo: RunningCli): Promise<string> {
  const [, url] = await demo.waitFor(/Redis\s+(redis:\/\/127\.0\.0\.1:\d+) \(started for the demo\)/);
  expect(await redisAnswers(url!)).toBe(true);
  return url!;
}
const gone = (url: string) => waitFor(async () => !(await redisAnswers(url, 300)), 10_000, `the redis-server at ${url} to be stopped`);

describe('ringsense-sync demo (as a separate process)', () => {
  let redis: Redis;
  /**
   * What a demo that borrowed the tests' Redis may touch: its own keys (none must be left) and another's key (it must
   * stay). Other test files write keys of their own meanwhile, so the whole keyspace is not compared.
   */
  const allKeys = async () => [...(await redis.keys('ringsense-demo-*')), ...(await redis.keys('someone-else:*'))].sort();
  beforeAll(async () => {
    redis = new Redis(inject('redisUrl'));
    await redis.set('someone-else:key', 'theirs');
  });
  afterAll(async () => {
    await redis.del('someone-else:key');
    await redis.quit();
  });

  it('runs the whole flow against the simulators, prints what landed in Salesforce, and leaves no key in the Redis it used', async () => {
    const before = await allKeys();
    const r = await runCli(['demo'], { env: { REDIS_URL: inject('redisUrl') } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Redis {18}${inject('redisUrl')} \\(keys under ringsense-demo-[0-9a-f]{8}:, deleted at the end\\)`));
    expectDemoOutput(r.stdout);
    expect(await allKeys()).toEqual(before);
  });

  it('stopped by SIGINT half-way, or with its output closed (`demo | head`), it still deletes its keys', async () => {
    const before = await allKeys();
    const interrupted = spawnCli(['demo'], { env: { REDIS_URL: inject('redisUrl') } });
    await interrupted.waitFor(/Listener subscribed/);
    interrupted.child.kill('SIGINT');
    expect(await interrupted.exited()).toBe(130);
    expect(interrupted.stderr()).toContain('The demo stopped (SIGINT); what it started is stopped and its Redis keys are deleted.');
    expect(await allKeys()).toEqual(before);

    const piped = spawnCli(['demo'], { env: { REDIS_URL: inject('redisUrl') } });
    await piped.waitFor(/^- Redis/m);
    piped.child.stdout!.destroy(); // the reader goes away: the demo's next line gets EPIPE
    expect(await piped.exited()).toBe(0);
    expect(piped.stderr()).toBe('');
    expect(await allKeys()).toEqual(before);
  });

  it('--console: prints the console URL and a password for this run, which opens it, and stays up until stopped', async () => {
    const before = await allKeys();
    const demo = spawnCli(['demo', '--console'], { env: { REDIS_URL: inject('redisUrl'), ADMIN_PASSWORD: 'the-shells-own-password' } });
    const m = await demo.waitFor(/^The admin console: (http:\/\/127\.0\.0\.1:\d+\/admin) {2}\(user (\w+), password (\S+): this run only\)$/m, 60_000);
    const [, url, user, password] = m;
    expectDemoOutput(demo.stdout());
    expect(password).not.toBe('the-shells-own-password');
    const login = await fetch(`${url!}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('name="password"');
    // The same credentials open the queue dashboard for a script (HTTP Basic); others do not.
    const basic = (u: string, pw: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${pw}`).toString('base64')}` });
    expect((await fetch(`${url!}/queues/api/queues`, { headers: basic(user!, password!) })).status).toBe(200);
    expect((await fetch(`${url!}/queues/api/queues`, { headers: basic(user!, 'the-shells-own-password') })).status).toBe(401);
    demo.child.kill('SIGINT');
    expect(await demo.exited()).toBe(0);
    expect(demo.stdout()).toContain('Stopping the demo: the console, the worker, the simulators.');
    expect(await allKeys()).toEqual(before);
  });

  describe.runIf(redisServerInstalled())('with a redis-server of its own', () => {
    it('starts it when none answers at REDIS_URL, and stops it at the end', async () => {
      const demo = spawnCli(['demo'], { env: NO_REDIS });
      const url = await privateRedisOf(demo);
      expect(await demo.exited()).toBe(0);
      expectDemoOutput(demo.stdout());
      expect(await redisAnswers(url)).toBe(false);
    });

    it('never orphans it: not when its output closes (EPIPE), nor on SIGTERM or SIGHUP, nor when killed with SIGKILL', async () => {
      const piped = spawnCli(['demo'], { env: NO_REDIS });
      const pipedUrl = await privateRedisOf(piped);
      piped.child.stdout!.destroy();
      expect(await piped.exited()).toBe(0);
      await gone(pipedUrl);

      for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
        const demo = spawnCli(['demo'], { env: NO_REDIS });
        const url = await privateRedisOf(demo);
        demo.child.kill(signal);
        expect(await demo.exited()).toBe(code);
        expect(demo.stderr()).toContain(`The demo stopped (${signal})`);
        await gone(url);
      }

      // SIGKILL cannot be handled: the watchdog that holds a pipe from the demo ends the server when it closes.
      const killed = spawnCli(['demo'], { env: NO_REDIS });
      const killedUrl = await privateRedisOf(killed);
      killed.child.kill('SIGKILL');
      await killed.exited();
      await gone(killedUrl);
    });
  });
});
