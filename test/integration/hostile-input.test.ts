import { ACE_DOMAINS } from '../../src/calls/domains.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DEMO_IDS } from '../../src/demo/demo-seed.ts';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { runCli } from '../support/cli.ts';
import { eventOf, startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

type Body = Record<string, unknown> & { insights: Record<string, unknown> };
const doc = (): Body => structuredClone(sampleCalls()['documented-example'].body) as Body;

describe('hostile and broken input', () => {
  it('puts each malformed event in the failed set with a specific reason, whole, and keeps going (one too large to read: test/faults/hostile-input.test.ts)', async () => {
    p = await startPipeline();
    const cases: Array<[string, Body]> = [];
    const noStart = doc();
    delete noStart.recordingStartTime;
    cases.push(['invalid_event', noStart]);
    const wrongType = doc();
    wrongType.speakerInfo = 'John and Tracy';
    cases.push(['invalid_event', wrongType]);
    const video = doc();
    video.domain = 'rcv';
    cases.push(['domain_not_enabled', video]);
    const zoom = doc();
    zoom.domain = 'zoom';
    cases.push(['unsupported_domain', zoom]);
    const ghost = doc();
    (ghost.insights.Transcript as Array<Record<string, unknown>>)[0]!.speakerId = 'p-nobody';
    cases.push(['unknown_speaker', ghost]);
    for (const [, body] of cases) p.sims.rc.publishRaw(body);
    p.sims.rc.publishRaw('not even an object');
    p.sims.rc.publishInsights('2728084995017'); // a good one after all of that
    expect(await p.settled(cases.length + 2, 60_000)).toEqual({ completed: 1, failed: cases.length + 1 });
    const failed = await p.failedJobs();
    const reasons = failed.map((j) => j.failedReason.split(':')[0]).sort();
    expect(reasons).toEqual([...cases.map(([r]) => r), 'not_an_object'].sort());
    for (const [reason, body] of cases) {
      const job = failed.find((j) => j.failedReason.startsWith(`${reason}:`) && JSON.stringify((eventOf(j) as { body: unknown }).body) === JSON.stringify(body));
      expect(job, reason).toBeDefined(); // the event is kept whole for replay
    }
    expect(failed.find((j) => j.failedReason.startsWith('domain_not_enabled'))!.failedReason).toContain('domain "rcv" (RingEX Video meetings) is not enabled: add it to RINGSENSE_DOMAINS');
    expect(failed.find((j) => j.failedReason.startsWith('unsupported_domain'))!.failedReason).toContain('domain "zoom" is not an ACE domain this version knows');
    expect(p.tasks().filter((t) => t.TaskSubtype === 'Call')).toHaveLength(1);
  });

  it('an event nested thousands of levels deep, an unbounded record id and payload text in the domain: each in the failed set as invalid_event, none of the text in info logs', async () => {
    p = await startPipeline();
    const rss = process.memoryUsage().rss;
    // 6,000 levels: JSON.stringify of it overflows the stack (the event was dropped, logged once, never failed).
    let deep: unknown = 'the bottom';
    for (let i = 0; i < 6000; i++) deep = { a: deep };
    const nested = { ...doc(), sourceRecordId: '900000000000001', extra: deep };
    const envelope = { uuid: 'u-deep', event: '/ai/ringsense/v1/public/accounts/~/domains/pbx/insights', timestamp: new Date().toISOString(), subscriptionId: 's', ownerId: '1', body: nested };
    const { enqueueNotification } = await import('../../src/queue/producer.ts');
    const { createLogger } = await import('../../src/lib/logger.ts');
    const { PassThrough } = await import('node:stream');
    const sink = new PassThrough();
    const lines: string[] = [];
    sink.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    const logger = createLogger({ level: 'info', format: 'json', stream: sink });
    const deepResult = await enqueueNotification(p.service.queue, envelope, logger, { domains: ACE_DOMAINS });
    // Over the size limit, however it arrives (here an object handed over in process): kept as ids and first bytes.
    const bigResult = await enqueueNotification(p.service.queue, { ...envelope, body: { ...doc(), sourceRecordId: '900000000000009', pad: 'x'.repeat(9 * 1024 * 1024) } }, logger, { domains: ACE_DOMAINS });
    expect(bigResult.rejection).toMatchObject({ reason: 'payload_too_large', sourceRecordId: '900000000000009' });
    const bigJob = await p.service.queue.getJob(bigResult.jobId);
    expect(bigJob!.data).toMatchObject({ kind: 'oversized', source: 'notification', ids: { sourceRecordId: '900000000000009' } });
    expect(JSON.stringify(bigJob!.data).length).toBeLessThan(2_000);
    expect(deepResult.rejection).toMatchObject({ reason: 'invalid_event', sourceRecordId: '900000000000001' });
    // A record id of 1.5 MB, and text in the domain: through the WebSocket, as RingCentral would send them.
    const longId = { ...doc(), sourceRecordId: `9${'7'.repeat(1_500_000)}` };
    const talkative = { ...doc(), sourceRecordId: '900000000000002', domain: 'SECRET-CUSTOMER-SAID-THIS' };
    p.sims.rc.publishRaw(longId);
    p.sims.rc.publishRaw(talkative);
    expect(await p.settled(4, 60_000)).toEqual({ completed: 0, failed: 4 });
    const failed = await p.failedJobs();
    expect(failed.map((j) => j.failedReason.split(':')[0]).sort()).toEqual(['invalid_event', 'invalid_event', 'payload_too_large', 'unsupported_domain']);
    expect(failed.find((j) => j.failedReason.includes('nests more than 32 levels'))).toBeDefined();
    // The deep event is kept, cut, for the admin (its ids are there to replay it by).
    const kept = failed.find((j) => j.failedReason.includes('nests more than'))!;
    expect((eventOf(kept) as { body: { sourceRecordId: string } }).body.sourceRecordId).toBe('900000000000001');
    // Nothing of the payload's text at info level, and no log line near the id's size.
    const info = [...lines, ...p.logs.map((l) => JSON.stringify(l))].filter((l) => !l.includes('"level":"debug"'));
    expect(info.some((l) => l.includes('SECRET-CUSTOMER-SAID-THIS'))).toBe(false);
    expect(Math.max(...info.map((l) => l.length))).toBeLessThan(10_000);
    expect(p.logs.filter((l) => l.message === 'event_rejected')).toHaveLength(2); // the two over the WebSocket (the others logged to `sink`)
    expect(process.memoryUsage().rss - rss).toBeLessThan(300 * 1024 * 1024);
  });

  it('drops a contact deleted since the lookup from the cache and writes the call without it', async () => {
    p = await startPipeline();
    p.sims.rc.publishInsights('2728084995017'); // caches Tracy Debolah for +16505550142
    await p.settled(1);
    const conn = await p.salesforce();
    await conn.sobject('Contact').destroy(DEMO_IDS.contactTracy);
    p.sims.rc.publishInsights('2728084995404'); // Maria calls the same number: the cached contact is gone
    expect(await p.settled(2)).toEqual({ completed: 2, failed: 0 });
    const second = p.tasks().find((t) => t.CallObject === 'ringsense:2728084995404');
    expect(second).toMatchObject({ WhoId: null, WhatId: null, OwnerId: DEMO_IDS.userMaria });
    expect(p.logs.some((l) => l.message === 'stale_reference_retry')).toBe(true);
    expect(p.tasks().filter((t) => t.CallObject === 'ringsense:2728084995404')).toHaveLength(1);
  });

  it('refuses to start with a broken mapping file, saying where and what', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'badmap-'));
    const file = join(dir, 'mapping.yaml');
    writeFileSync(file, 'users:\n  "62288320001": { salesforceUserId: "not-an-id" }\nnoMatch: { action: shrug }\n');
    const r = await runCli(['start'], {
      env: { MAPPING_FILE: file, REDIS_URL: inject('redisUrl'), RINGCENTRAL_CLIENT_ID: 'x', RINGCENTRAL_CLIENT_SECRET: 'y', RINGCENTRAL_JWT: 'z', SALESFORCE_CLIENT_ID: 'a', SALESFORCE_CLIENT_SECRET: 'b' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file} has 2 problems`);
    expect(r.stderr).toContain('line 2, column 38: users."62288320001".salesforceUserId: "not-an-id" is not a Salesforce id');
    expect(r.stderr).toMatch(/line 3, column \d+: noMatch\.action: Invalid option/);
  });

  it('refuses to start with a broken environment, naming every variable, never a secret', async () => {
    const r = await runCli(['start'], { env: { REDIS_URL: 'localhost:6379', RINGCENTRAL_CLIENT_SECRET: 'super-secret-value', WORKER_CONCURRENCY: '0', MAPPING_FILE: 'config/mapping.example.yaml' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('REDIS_URL: must be a redis:// or rediss:// URL');
    expect(r.stderr).toContain('WORKER_CONCURRENCY: must be at least 1');
    expect(r.stderr).not.toContain('super-secret-value');
  });

  it('survives an event for an unknown owner extension while other calls go through', async () => {
    p = await startPipeline();
    const stranger = doc();
    stranger.ownerExtensionId = '999';
    stranger.sourceRecordId = '9100000000001';
    p.sims.rc.publishInsights(stranger);
    p.sims.rc.publishInsights('2728084995101');
    await waitFor(async () => (await p!.service.queue.getJobCounts('completed', 'failed')).failed === 1);
    expect(await p.settled(2)).toEqual({ completed: 1, failed: 1 });
  });
});
