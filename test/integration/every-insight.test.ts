import { asCall } from '../support/fixtures.ts';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMapping } from '../../src/config/load-mapping.ts';
import { DEMO_IDS } from '../../src/demo/demo-seed.ts';
import { REP_MARIA, sampleCalls } from '../../src/demo/sample-calls.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { parseInsightsNotification } from '../../src/ringcentral/insights-event.schema.ts';
import { processCall } from '../../src/sync/process-call.ts';
import { FakePeople, FakeTelephony } from '../fakes/fake-directory.ts';
import { FakeTaskStore } from '../fakes/fake-task-store.ts';
import { eventOf, startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { ACE_DOMAINS } from '../../src/calls/domains.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

type Body = Record<string, unknown> & { insights: Record<string, unknown>; speakerInfo: Array<Record<string, unknown>> };
const inbound = (): Body => structuredClone(sampleCalls()['inbound-highlights'].body) as Body;
const callTask = (pl: Pipeline, id: string) => pl.tasks().find((t) => t.TaskSubtype === 'Call' && t.CallObject === `ringsense:${id}`);
const callLogRequests = (pl: Pipeline) => pl.sims.rc.counters().requests['call-log'] ?? 0;
/** The listener's catch-up reads the call log once at start: counted before, so only the worker's requests are compared. */
const startupCatchUp = (pl: Pipeline) => waitFor(() => pl.logs.some((l) => l.message === 'catchup_finished' && l.reason === 'startup'), 20_000, 'the startup catch-up');
/** The first line of each block of a Description. */
const blocks = (text: unknown) => String(text).split('\n\n').map((b) => b.split('\n')[0]);

describe('every ACE insight through the pipeline, with the official clients and real Redis', () => {
  it('writes every insight type into the Description in the order a rep reads, and matches the caller by the number in the event', async () => {
    p = await startPipeline();
    await startupCatchUp(p);
    const before = callLogRequests(p);
    p.sims.rc.publishInsights('2728084995101'); // Sean O'Brien -> Maria: every insight type, numbers on the speakers
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
    const task = callTask(p, '2728084995101');
    expect(task).toMatchObject({ OwnerId: DEMO_IDS.userMaria, WhoId: DEMO_IDS.contactSean, WhatId: DEMO_IDS.oppNorthwind, CallType: 'Inbound' });
    expect(blocks(task!.Description)).toEqual([
      'Summary (RingSense)',
      'Score: 8/10 · Sentiment: Positive',
      'Next steps',
      'Highlights',
      'Questions asked',
      'Call notes',
      'RingSense: https://ringsense.ringcentral.com/calls/7d3c1f9e-51a2-4c55-8c1b-0b9a2f6e4d11',
      'Inbound call, 6 min 53 s, started 2024-09-05 14:40:02 UTC',
    ]);
    const d = String(task!.Description);
    expect(d).toContain('Sean from Northwind is evaluating warehouse robots'); // Summary
    expect(d).toContain('Overview:\n- Evaluating warehouse robots\n- Three sites, about forty robots\nTimeline:\n- Pilot in November'); // BulletedSummary
    expect(d).toContain('- [05:00] Maria Garcia: Send Northwind a quote for 40 units and a pilot plan.'); // NextSteps
    expect(d).toContain("- [00:16] Sean O'Brien: Three sites, about forty robots, pilot in November."); // Highlights
    expect(d).toContain('- [00:12] Maria Garcia: How many sites are you looking to automate?'); // QnA
    expect(d).toContain('Call notes\nNorthwind: 3 sites, about 40 robots'); // CallNotes
    // The event named Sean's number: the call log was not asked.
    expect(callLogRequests(p) - before).toBe(0);
    // Logs carry ids, never the content.
    expect(JSON.stringify(p.logs)).not.toContain('How many sites');
  });

  it('asks the call log for the same call without a number in the event: one RingCentral request more, the same match', async () => {
    p = await startPipeline();
    const body = inbound();
    Object.assign(body, { sourceRecordId: '9000000001401', sourceSessionId: 's-no-number-0001', recordingStartTime: '2024-09-12T14:40:02.120Z', lastModifiedTime: '2024-09-12T15:01:40.200Z' });
    for (const s of body.speakerInfo) delete s.phoneNumber;
    p.sims.rc.addRecording({ insights: body, callLog: { from: { phoneNumber: '(312) 555-0177', name: "Sean O'Brien" }, to: { phoneNumber: '+14155550102', name: 'Maria Garcia', extensionId: REP_MARIA } } });
    await startupCatchUp(p);
    const before = callLogRequests(p);
    p.sims.rc.publishInsights('9000000001401');
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
    expect(callLogRequests(p) - before).toBe(1);
    expect(callTask(p, '9000000001401')).toMatchObject({ WhoId: DEMO_IDS.contactSean, WhatId: DEMO_IDS.oppNorthwind });

    // The number back in the event (another call, the same caller): no call-log request.
    const withNumber = inbound();
    Object.assign(withNumber, { sourceRecordId: '9000000001402', sourceSessionId: 's-with-number-0002', recordingStartTime: '2024-09-19T14:40:02.120Z', lastModifiedTime: '2024-09-19T15:01:40.200Z' });
    p.sims.rc.publishInsights(withNumber);
    expect(await p.settled(2)).toEqual({ completed: 2, failed: 0 });
    expect(callLogRequests(p) - before).toBe(1);
    expect(callTask(p, '9000000001402')).toMatchObject({ WhoId: DEMO_IDS.contactSean });
  });

  it('writes a call whose event has insight types the product does not know, and keeps them in the job data', async () => {
    p = await startPipeline();
    const body = inbound();
    Object.assign(body, { sourceRecordId: '9000000001403' });
    Object.assign(body.insights, { TalkRatio: [{ speakerId: body.speakerInfo[0]!.speakerId, value: 0.42 }], Keywords: ['robots', 'pilot'] });
    p.sims.rc.publishInsights(body);
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
    const [job] = await p.service.queue.getCompleted();
    const kept = (eventOf(job!) as { body: Body }).body.insights;
    expect(kept.TalkRatio).toEqual(body.insights.TalkRatio);
    expect(kept.Keywords).toEqual(['robots', 'pilot']);
    const d = String(callTask(p, '9000000001403')!.Description);
    expect(d).not.toMatch(/TalkRatio|Keywords|0\.42/);
    expect(blocks(d)[0]).toBe('Summary (RingSense)');
  });
});

describe('processCall names the insight types it does not know in a debug log', () => {
  it('logs their names only, at debug, and writes the call', async () => {
    const event = structuredClone(sampleCalls()['inbound-highlights']) as unknown as { body: Body };
    Object.assign(event.body.insights, { TalkRatio: [{ value: 'secret ratio text' }] });
    const parsed = parseInsightsNotification(event, ACE_DOMAINS);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const lines: Array<Record<string, unknown>> = [];
    const stream = new PassThrough();
    stream.on('data', (d: Buffer) => d.toString().split('\n').filter(Boolean).forEach((l) => lines.push(JSON.parse(l) as Record<string, unknown>)));
    const people = new FakePeople();
    people.users = [{ id: DEMO_IDS.userMaria, isActive: true }];
    const tasks = new FakeTaskStore();
    const snap = parseMapping(`users:\n  "${REP_MARIA}": { salesforceUserId: "${DEMO_IDS.userMaria}" }\n`, 'm.yaml');
    const logger = createLogger({ level: 'debug', format: 'json', stream });
    const r = await processCall(asCall(parsed.value.body), { mapping: () => snap, people, telephony: new FakeTelephony(), tasks, logger });
    expect(r.report.call).toBe('created');
    await new Promise((resolve) => setImmediate(resolve));
    const logged = lines.filter((l) => l.message === 'unknown_insight_types');
    expect(logged).toEqual([expect.objectContaining({ level: 'debug', types: ['TalkRatio'] })]);
    expect(JSON.stringify(lines)).not.toContain('secret ratio text');
  });
});
