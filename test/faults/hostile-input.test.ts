import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoSeed } from '../../src/demo/demo-seed.ts';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { CALLS_QUEUE } from '../../src/queue/jobs.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { runCli, spawnCli, type RunningCli } from '../support/cli.ts';
import { waitFor } from '../support/pipeline.ts';
import { demoMappingFile, type HostileRow } from './fault-harness.ts';

/**
 * Hostile input against a real service process (`start`: listener and worker), the simulators and a real Redis.
 * Each row: the process alive, its memory (RSS before, after, and the peak, read from /proc), nothing lost (the
 * event written, or in the failed set with its reason), and nothing of the payload's text in info-level logs.
 */

const MB = 1024 * 1024;
const SECRET = 'SECRET-CUSTOMER-SAID-THIS';

interface World {
  sims: Simulators;
  queue: Queue;
  redis: Redis;
  env: Record<string, string>;
  service: RunningCli;
  /** The service's operator endpoints (/healthz, /admin/queues). */
  http: string;
}
const ADMIN = { user: 'ops', password: 'a-long-admin-passphrase' };
const adminAuth = { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}` };
let w: World;

type Body = Record<string, unknown> & { insights: Record<string, unknown> };
const doc = (): Body => structuredClone(sampleCalls()['documented-example'].body) as Body;

/** Resident and peak resident memory of a process, in bytes (Linux). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resets the peak (VmHWM) to the current RSS, so each row reads its own peak. */
function resetPeak(pid: number): void {
  try {
    // "5" to clear_refs resets the peak RSS (Linux 4.0+); a container may not allow it: the peak is then cumulative.
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    /* cumulative peak */
  }
}

const settled = async (n: number) => {
  const c = await w.queue.getJobCounts('completed', 'failed');
  return (c.completed ?? 0) + (c.failed ?? 0) >= n;
};

async function failedJobs(): Promise<Job[]> {
  return w.queue.getJobs(['failed'], 0, -1);
}

/** The service's log lines above debug (the process logs at info). */
function infoLines(): string[] {
  return w.service.stdout().split('\n').filter(Boolean);
}

/** Runs one hostile input: memory before, the input, the wait for its outcome, memory after and the peak. */
async function row(scenario: string, boundMb: number, act: () => Promise<string>): Promise<HostileRow> {
  const pid = w.service.child.pid!;
  resetPeak(pid);
  const before = memoryOf(pid);
  const outcome = await act();
  // Let the collector return what the input took: the RSS after is what stays.
  await new Promise((r) => setTimeout(r, 1500));
  const after = memoryOf(pid);
  expect(w.service.child.exitCode, `${scenario}: the service is alive`).toBe(null);
  const r = { scenario, outcome, rssBeforeMb: before.rss / MB, rssAfterMb: after.rss / MB, peakGrowthMb: (Math.max(after.peak, after.rss) - before.rss) / MB, boundMb };
  expect(r.peakGrowthMb, `${scenario}: peak RSS growth`).toBeLessThan(boundMb);
  return r;
}

beforeAll(async () => {
  const sims = await startSimulators({ seed: demoSeed() });
  const prefix = `h${randomUUID().slice(0, 8)}`;
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const env = { ...sims.env, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, MAPPING_FILE: demoMappingFile(), LOG_LEVEL: 'info', ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password };
  const service = spawnCli(['start'], { env });
  const [listening] = await service.waitFor(/"message":"http_listening"[^\n]*/, 60_000);
  const port = /"port":(\d+)/.exec(listening)![1];
  await service.waitFor(/"message":"rc_subscription_registered"/, 60_000);
  await service.waitFor(/"message":"worker_started"/, 60_000);
  w = { sims, queue: new Queue(CALLS_QUEUE, { connection: redis, prefix }), redis, env, service, http: `http://127.0.0.1:${port}` };
  // One good call first: the process warm, its caches and pools in place, before any row measures it.
  sims.rc.publishInsights('2728084995101');
  await waitFor(() => settled(1), 60_000, 'the warm-up call');
}, 120_000);

afterAll(async () => {
  w?.service.child.kill('SIGKILL');
  await w?.queue.obliterate({ force: true }).catch(() => undefined);
  await w?.queue.close();
  w?.redis.disconnect();
  await w?.sims.stop();
});

describe('hostile input against a running service (real processes)', () => {
  let jobsSoFar = 1;
  const next = async (n = 1) => {
    jobsSoFar += n;
    await waitFor(() => settled(jobsSoFar), 90_000, `${jobsSoFar} jobs settled`);
  };

  it('an event 6,000 levels deep (over the WebSocket, as sent): in the failed set as invalid_event, cut, with its id', async ({ task }) => {
    task.meta.hostile = await row('event nested 6,000 levels', 100, async () => {
      const head = JSON.stringify({ ...doc(), sourceRecordId: '900000000000001' }).slice(0, -1);
      w.sims.rc.publishRawJson(`${head},"extra":${'{"a":'.repeat(6000)}"the bottom"${'}'.repeat(6000)}}`);
      await next();
      const job = (await failedJobs()).find((j) => j.failedReason.includes('nests more than 32 levels'));
      expect(job?.failedReason).toMatch(/^invalid_event:/);
      expect(JSON.stringify(job!.data).length).toBeLessThan(20_000);
      return 'failed set: invalid_event';
    });
  });

  it('a 50 MB and a 90 MB event: refused before parsing, kept as ids and first bytes; replay fetches the call again and writes it', async ({ task }) => {
    const sizes = [50, 90];
    const rows: HostileRow[] = [];
    for (const mb of sizes) {
      rows.push(
        // Bound: the message's bytes as ws assembles them, twice, and some; kept whole it took 483 MB for 50 MB.
        await row(`${mb} MB event on the WebSocket`, 2.5 * mb + 25, async () => {
          const body = { ...doc(), sourceRecordId: '2728084995017', padding: `${SECRET} ${'z'.repeat(mb * MB)}` };
          w.sims.rc.publishRaw(body);
          await next();
          const job = (await failedJobs()).find((j) => j.failedReason.startsWith('payload_too_large:') && j.data.source === 'notification' && j.data.bytes > mb * MB);
          expect(job, 'a payload_too_large job').toBeDefined();
          expect(job!.failedReason).toContain('ringsense-sync replay 2728084995017');
          // What is kept: ids, size, the first bytes, when. Not the payload.
          expect(job!.data).toMatchObject({ kind: 'oversized', ids: { sourceRecordId: '2728084995017' }, receivedAt: expect.any(Number) });
          expect(JSON.stringify(job!.data).length).toBeLessThan(2_000);
          // What the admin reads: the reason, the ids and the size; the first bytes (the title...) only on request.
          const shown = await runCli(['failed', 'show', job!.id!], { env: w.env });
          expect(shown.stdout).toContain('payload_too_large');
          expect(shown.stdout).toContain('2728084995017');
          expect(shown.stdout).not.toContain(String(doc().title));
          const revealed = await runCli(['failed', 'show', job!.id!, '--content'], { env: w.env });
          expect(revealed.stdout).toContain(String(doc().title));
          return 'failed set: payload_too_large (ids, size, 512 bytes)';
        }),
      );
    }
    // The same message twice is one job; the call itself is fetched again over REST.
    const r = await runCli(['replay', '2728084995017'], { env: w.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await next();
    expect(w.sims.sf.records('Task').filter((t) => t.CallObject === 'ringsense:2728084995017')).toHaveLength(1);
    expect(infoLines().some((l) => l.includes(SECRET))).toBe(false);
    expect(Math.max(...infoLines().map((l) => l.length))).toBeLessThan(10_000);
    task.meta.hostile = rows[rows.length - 1];
    task.meta.hostileRows = rows;
  });

  it('insights over the limit read over REST (replay): counted, not held, kept as ids and first bytes', async ({ task }) => {
    task.meta.hostile = await row('20 MB insights over REST (replay)', 150, async () => {
      const insights = { ...doc(), sourceRecordId: '9300000000001', sourceSessionId: '9300000000001', padding: `${SECRET} ${'q'.repeat(20 * MB)}` };
      w.sims.rc.addRecording({ insights });
      const r = await runCli(['replay', '9300000000001'], { env: w.env });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('payload_too_large');
      await next();
      const job = (await failedJobs()).find((j) => j.data.kind === 'oversized' && j.data.source === 'replay');
      expect(job?.data).toMatchObject({ ids: { sourceRecordId: '9300000000001' } });
      expect(job!.data.bytes).toBeGreaterThan(20 * MB);
      expect(JSON.stringify(job!.data).length).toBeLessThan(2_000);
      return 'failed set: payload_too_large (source replay)';
    });
  });

  it('a 1.5 MB record id and payload text in the domain: invalid_event and unsupported_domain, neither in info logs', async ({ task }) => {
    task.meta.hostile = await row('1.5 MB record id; text in domain', 100, async () => {
      w.sims.rc.publishRaw({ ...doc(), sourceRecordId: `9${'7'.repeat(1_500_000)}` });
      w.sims.rc.publishRaw({ ...doc(), sourceRecordId: '900000000000002', domain: SECRET });
      await next(2);
      const reasons = (await failedJobs()).map((j) => j.failedReason.split(':')[0]);
      expect(reasons).toContain('unsupported_domain');
      expect(infoLines().some((l) => l.includes(SECRET))).toBe(false);
      expect(Math.max(...infoLines().map((l) => l.length))).toBeLessThan(10_000);
      const keys = await w.redis.keys(`${w.env.QUEUE_PREFIX}:*`);
      expect(Math.max(...keys.map((k) => k.length))).toBeLessThan(400);
      return 'failed set: invalid_event, unsupported_domain';
    });
  });
  it('the dashboard after those events: the failed list is small, redacted, without stack traces, and /healthz stays quick', async ({ task }) => {
    task.meta.hostile = await row('dashboard failed list after the big events', 100, async () => {
      // One more failed call, its content all over: title, names, summary, transcript.
      const content = doc();
      content.title = `${SECRET} title`;
      delete content.recordingStartTime;
      (content.speakerInfo as Array<Record<string, unknown>>)[1]!.name = `${SECRET} name`;
      (content.insights.Summary as Array<Record<string, unknown>>)[0]!.value = `${SECRET} summary`;
      (content.insights.Transcript as Array<Record<string, unknown>>)[0]!.text = `${SECRET} said`;
      w.sims.rc.publishRaw(content);
      await next();
      const started = Date.now();
      const page = fetch(`${w.http}/admin/queues/api/queues?activeQueue=calls&status=failed&page=1&jobsPerPage=50`, { headers: adminAuth });
      const health = await fetch(`${w.http}/healthz`);
      const healthMs = Date.now() - started;
      const res = await page;
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(health.status).toBe(200);
      expect(healthMs).toBeLessThan(1_000);
      const failed = (JSON.parse(text) as { queues: Array<{ name: string; jobs: Array<{ stacktrace: unknown[] }> }> }).queues.find((q) => q.name === 'calls')!.jobs;
      expect(failed.length).toBeGreaterThanOrEqual(5);
      // 215 MB of JSON for the failed list before; now a few KB per job, no content, no server paths.
      expect(text.length).toBeLessThan(failed.length * 8_000);
      // The failure messages quote an odd domain short and escaped, as `failed list` does; no call content.
      expect(text).not.toMatch(new RegExp(`${SECRET} (title|name|summary|said)`));
      expect(text).not.toContain('Debolah');
      expect(text).not.toMatch(/\.ts:\d+|\/src\//);
      for (const job of failed) expect(job.stacktrace).toEqual([]);
      return `${failed.length} jobs in ${(text.length / 1024).toFixed(0)} KB; /healthz in ${healthMs} ms`;
    });
  });

  it('a 15,000-character speaker name and control characters in names and text: the call is written, in plain text', async ({ task }) => {
    task.meta.hostile = await row('15,000-character name; controls, ANSI, U+202E, CRLF', 100, async () => {
      const body = doc();
      const speakers = body.speakerInfo as Array<Record<string, unknown>>;
      const external = speakers.find((s) => !s.extensionId)!;
      external.name = `Tracy${' Debolah'.repeat(2_000)}`;
      const internal = speakers.find((s) => s.extensionId)!;
      internal.name = 'John\u0000 Smith\u0007\u001b[31m\r\nINJECTED: fake line\u202e';
      body.title = 'Renewal\r\nINJECTED: subject\u001b[2J';
      body.sourceRecordId = '9400000000001';
      w.sims.rc.publishRaw(body);
      await next();
      const task = w.sims.sf.records('Task').find((t) => t.CallObject === 'ringsense:9400000000001');
      expect(task, 'the call Task').toBeDefined();
      const text = `${String(task!.Subject)}\n${String(task!.Description)}`;
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      expect(String(task!.Subject)).not.toContain('\n');
      expect(String(task!.Description).split('\n').some((l) => l.startsWith('INJECTED'))).toBe(false);
      return 'written; no control, escape or bidi character; no forged line';
    });
  });

  it('a forged X-Forwarded-Host does not pass the cross-site guard without TRUST_PROXY', async ({ task }) => {
    task.meta.hostile = await row('forged X-Forwarded-Host on a write', 50, async () => {
      const res = await fetch(`${w.http}/admin/queues/api/queues/calls/retry/failed`, {
        method: 'PUT',
        headers: { ...adminAuth, origin: 'http://evil.example', 'x-forwarded-host': 'evil.example' },
      });
      expect(res.status).toBe(403);
      return '403 cross_site_request';
    });
  });
  it('500 wrong dashboard passwords: throttled after 5, each failure logged without what was typed', async ({ task }) => {
    task.meta.hostile = await row('500 wrong dashboard passwords', 50, async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 500; i++) {
        const auth = `Basic ${Buffer.from(`${ADMIN.user}:guess-${i}-typed-by-attacker`).toString('base64')}`;
        statuses.push((await fetch(`${w.http}/admin/queues`, { headers: { authorization: auth } })).status);
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
      expect(infoLines().some((l) => l.includes('typed-by-attacker'))).toBe(false);
      // The first failures one line each; the one that starts the throttle one line; the refused ones none.
      expect(infoLines().filter((l) => l.includes('"admin_sign_in_failed"'))).toHaveLength(4);
      expect(infoLines().filter((l) => l.includes('"admin_sign_in_throttled"'))).toHaveLength(1);
      return '5 x 401, then 429 with Retry-After';
    });
  });

  it('ADMIN_PASSWORD=a: start refuses, saying how long a password must be, never printing it', async () => {
    const r = await runCli(['start'], { env: { ...w.env, QUEUE_PREFIX: `${w.env.QUEUE_PREFIX}x`, ADMIN_PASSWORD: 'a' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ADMIN_PASSWORD: must be at least 12 characters');
    expect(r.stderr).not.toMatch(/ADMIN_PASSWORD=a\b/);
  });
});
