/**
 * ACE domains the admin enables (RINGSENSE_DOMAINS), through the unmodified clients, the simulators and real Redis:
 * one subscription with a filter per domain, a RingCX call written as a call activity owned by its agent, and an
 * event of a domain that is not enabled kept in the failed set, replayable once the domain is enabled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../src/demo/demo-seed.ts';
import { RCX_SAMPLE_RECORD_ID, rcxSampleCall } from '../../src/demo/sample-rcx-call.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

const callTask = (pl: Pipeline) => pl.tasks().find((t) => t.TaskSubtype === 'Call' && t.CallObject === `ringsense:${RCX_SAMPLE_RECORD_ID}`);

describe('ACE domains (RINGSENSE_DOMAINS)', () => {
  it('pbx,rcx: one subscription with both filters; a RingCX call written as a call owned by its agent; start says catch-up cannot cover rcx', async () => {
    p = await startPipeline({ env: { RINGSENSE_DOMAINS: 'pbx,rcx' } });
    await waitFor(() => p!.sims.rc.subscriptions().some((s) => s.connected), 20_000, 'the subscription');
    expect(p.sims.rc.subscriptions().map((s) => [...s.eventFilters].sort())).toEqual([[
      '/ai/ringsense/v1/public/accounts/809646016/domains/pbx/insights',
      '/ai/ringsense/v1/public/accounts/809646016/domains/rcx/insights',
    ]]);
    expect(p.logs.find((l) => l.message === 'catch_up_not_possible')).toMatchObject({ level: 'warn', domains: ['rcx'] });
    p.sims.rc.addRecording({ insights: rcxSampleCall() });
    p.sims.rc.publishInsights(RCX_SAMPLE_RECORD_ID);
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
    const task = callTask(p);
    // The agent (speaker 3304627, RingEX extension = ownerExtensionId) maps as a rep does; "Customer" by the number.
    expect(task).toMatchObject({ OwnerId: DEMO_IDS.userMaria, WhoId: DEMO_IDS.contactSean, CallType: 'Inbound', Status: 'Completed' });
    expect(String(task!.Description)).toContain('Score: 7/10 · Sentiment: Neutral');
    expect(String(task!.Description)).toContain('Questions asked');
    expect(p.tasks().filter((t) => t.TaskSubtype !== 'Call' && String(t.CallObject).startsWith(`ringsense:${RCX_SAMPLE_RECORD_ID}:`))).toHaveLength(1);
  });

  it('pbx only: a RingCX event is kept in the failed set as domain_not_enabled, and the subscription carries pbx alone', async () => {
    p = await startPipeline();
    await waitFor(() => p!.sims.rc.subscriptions().some((s) => s.connected), 20_000, 'the subscription');
    expect(p.sims.rc.subscriptions().map((s) => s.eventFilters)).toEqual([['/ai/ringsense/v1/public/accounts/809646016/domains/pbx/insights']]);
    expect(p.logs.some((l) => l.message === 'catch_up_not_possible')).toBe(false);
    // Not subscribed, so the gateway does not deliver it; as if it came anyway (a subscription made elsewhere), enqueued as received:
    const { enqueueNotification } = await import('../../src/queue/producer.ts');
    const { createLogger } = await import('../../src/lib/logger.ts');
    const envelope = { uuid: 'u-rcx-1', event: '/ai/ringsense/v1/public/accounts/809646016/domains/rcx/insights', timestamp: '2024-09-16T14:39:01.000Z', subscriptionId: 'sub', body: rcxSampleCall() };
    const r = await enqueueNotification(p.service.queue, envelope, createLogger({ level: 'error', format: 'json' }), { domains: ['pbx'] });
    expect(r.rejection).toMatchObject({ reason: 'domain_not_enabled', sourceRecordId: RCX_SAMPLE_RECORD_ID });
    expect(await p.settled(1)).toEqual({ completed: 0, failed: 1 });
    expect((await p.failedJobs())[0]?.failedReason).toMatch(/^domain_not_enabled: domain "rcx" \(RingCX contact center calls\) is not enabled: add it to RINGSENSE_DOMAINS/);
    expect(callTask(p)).toBeUndefined();
  });
});
