import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../src/demo/demo-seed.ts';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { CALL_JOB, CALL_JOB_ATTEMPTS, callJobId, PAYLOAD_ENCODING } from '../../src/queue/jobs.ts';
import { DESCRIPTION_LIMIT } from '../../src/sync/describe-call.ts';
import { eventOf, startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

const calls = sampleCalls();
const DOC = calls['documented-example'].body;
type Body = Record<string, unknown> & { insights: Record<string, unknown> };
const clone = (b: Record<string, unknown>): Body => structuredClone(b) as Body;
const callTasks = (pl: Pipeline) => pl.tasks().filter((t) => t.TaskSubtype === 'Call');
const followUps = (pl: Pipeline) => pl.tasks().filter((t) => t.TaskSubtype === 'Task');

describe('pipeline: RingCentral event -> queue -> worker -> Salesforce', () => {
  it('turns the documented example into one completed call Task and one open Task per next step', async () => {
    p = await startPipeline();
    p.sims.rc.publishInsights('2728084995017');
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
    const [call, ...more] = callTasks(p);
    expect(more).toEqual([]);
    expect(call).toMatchObject({
      Subject: 'Call from John Smith to Tracy Debolah',
      TaskSubtype: 'Call',
      Status: 'Completed',
      CallType: 'Outbound',
      CallDurationInSeconds: 126,
      ActivityDate: '2024-09-04',
      OwnerId: DEMO_IDS.userJohn,
      WhoId: DEMO_IDS.contactTracy,
      WhatId: DEMO_IDS.accountDebolah,
      CallObject: 'ringsense:2728084995017',
    });
    expect(call!.Description).toContain('The call is about discussing the tasks and timeline for completing a project.');
    expect(call!.Description).toContain('- [00:56] Tracy Debolah: Write a developer guide for the API.');
    // The docs spell the key "HighLights": its highlights are there all the same.
    expect(call!.Description).toContain('Highlights\n- [00:28] Tracy Debolah: The developer guide is needed before the partner launch next month.');
    const tasks = followUps(p);
    expect(tasks.map((t) => t.Subject).sort()).toEqual([
      'Complete the test with own code for the API.',
      'Publish the developer guide after review and editing.',
      'Send the draft developer guide to John by Friday for review.',
      'Write a developer guide for the API.',
    ]);
    for (const t of tasks) {
      expect(t).toMatchObject({ Status: 'Not Started', OwnerId: DEMO_IDS.userJohn, WhoId: DEMO_IDS.contactTracy, WhatId: DEMO_IDS.accountDebolah, ActivityDate: '2024-09-06', IsClosed: false });
    }
    // Logs carry ids, never call content.
    const synced = p.logs.find((l) => l.message === 'call_synced');
    expect(synced).toMatchObject({ sourceRecordId: '2728084995017', jobId: 'call-2728084995017-1725484543591', call: 'created', followUpsCreated: 4 });
    expect(JSON.stringify(p.logs)).not.toContain('developer guide');
  });

  it('relates the call to the open opportunity and assigns a step to the rep who said it', async () => {
    p = await startPipeline();
    p.sims.rc.publishInsights('2728084995101'); // inbound, Sean O'Brien (Northwind) -> Maria
    p.sims.rc.publishInsights('2728084995202'); // internal: John -> Maria; Maria said the next step
    await p.settled(2);
    const inbound = callTasks(p).find((t) => t.CallObject === 'ringsense:2728084995101');
    expect(inbound).toMatchObject({ OwnerId: DEMO_IDS.userMaria, WhoId: DEMO_IDS.contactSean, WhatId: DEMO_IDS.oppNorthwind, CallType: 'Inbound' });
    expect(inbound!.Description).toContain('Highlights\n- [00:16] Sean O\'Brien: Three sites, about forty robots, pilot in November.');
    const internal = followUps(p).find((t) => String(t.CallObject).startsWith('ringsense:2728084995202'));
    expect(internal).toMatchObject({ Subject: 'Prepare the Northwind pilot plan.', OwnerId: DEMO_IDS.userMaria });
    expect(internal!.WhoId).toBeNull();
  });

  it('writes nothing twice: duplicate events, and a newer version updates the call and adds only new steps', async () => {
    p = await startPipeline();
    p.sims.rc.publishInsights('2728084995017');
    p.sims.rc.publishInsights('2728084995017'); // the second event RingSense sends with AI Notes on
    await p.settled(1);
    await waitFor(() => (p!.service.listener?.stats().notifications ?? 0) >= 2);
    expect(callTasks(p)).toHaveLength(1);
    expect(followUps(p)).toHaveLength(4);

    // A rep edits and closes one follow-up.
    const conn = await p.salesforce();
    const edited = followUps(p).find((t) => t.Subject === 'Write a developer guide for the API.')!;
    await conn.sobject('Task').update({ Id: edited.Id as string, Subject: 'Guide: agreed with Tracy', Status: 'Completed' });

    const v2 = clone(DOC);
    v2.lastModifiedTime = '2024-09-04T21:30:00.000Z';
    v2.insights.Summary = [{ start: 0, end: 1, value: 'Updated summary: tasks, timeline and the partner launch.' }];
    (v2.insights.NextSteps as unknown[]).push({ start: 110, end: 115, value: 'Book the partner launch webinar.', speakerId: 'p-a0e7b361acc0az191bec7e275z7cae070000-1' });
    p.sims.rc.publishInsights(v2);
    await p.settled(2);
    const [call] = callTasks(p);
    expect(callTasks(p)).toHaveLength(1);
    expect(call!.Description).toContain('Updated summary: tasks, timeline and the partner launch.');
    expect(call!.Description).toContain('RingSense insights updated 2024-09-04T21:30:00.000Z');
    expect(followUps(p)).toHaveLength(5);
    expect(followUps(p).find((t) => t.Id === edited.Id)).toMatchObject({ Subject: 'Guide: agreed with Tracy', Status: 'Completed' });
    expect(p.logs.filter((l) => l.message === 'call_synced').map((l) => [l.call, l.followUpsCreated, l.followUpsExisting])).toEqual([
      ['created', 4, 0],
      ['updated', 1, 4],
    ]);

    // Replaying the old version changes nothing (its steps are not brought back either).
    const replay = clone(DOC);
    (replay.insights.NextSteps as unknown[]).push({ start: 100, end: 101, value: 'A step only the old analysis had.' });
    await p.service.queue.getJob('call-2728084995017-1725484543591').then((j) => j?.remove());
    p.sims.rc.publishInsights(replay);
    await p.settled(2);
    await waitFor(() => p!.logs.filter((l) => l.message === 'call_synced').length === 3);
    expect(p.logs.filter((l) => l.message === 'call_synced').at(-1)).toMatchObject({ call: 'unchanged', followUpsCreated: 0 });
    expect(p.tasks()).toHaveLength(6);
  });

  it('handles hostile names without injecting anything into SOQL or SOSL', async () => {
    p = await startPipeline();
    const hostile = clone(DOC);
    Object.assign(hostile, { sourceRecordId: '9000000000001', sourceSessionId: 's-hostile-0001', title: "Call from John Smith to \\' OR Name LIKE '%" });
    (hostile.speakerInfo as Array<Record<string, unknown>>)[1]!.name = "\\' OR Name LIKE '% {x} AND * ~";
    p.sims.rc.addRecording({ insights: hostile, callLog: { from: { phoneNumber: '+14155550101', extensionId: '62288320001' }, to: { phoneNumber: '+1 (212) 555-0000' } } });
    const obrien = clone(DOC);
    Object.assign(obrien, { sourceRecordId: '9000000000002', sourceSessionId: 's-obrien-0002', title: "Call from John Smith to Sean O'Brien" });
    (obrien.speakerInfo as Array<Record<string, unknown>>)[1]!.name = "Sean O'Brien";
    p.sims.rc.addRecording({ insights: obrien, callLog: { from: { phoneNumber: '+14155550101', extensionId: '62288320001' }, to: { extensionNumber: '0' } } });
    p.sims.rc.publishInsights('9000000000001');
    p.sims.rc.publishInsights('9000000000002');
    expect(await p.settled(2)).toEqual({ completed: 2, failed: 0 });
    const hostileTask = callTasks(p).find((t) => t.CallObject === 'ringsense:9000000000001');
    expect(hostileTask).toMatchObject({ WhoId: null, Subject: "Call from John Smith to \\' OR Name LIKE '%" });
    expect(callTasks(p).find((t) => t.CallObject === 'ringsense:9000000000002')).toMatchObject({ WhoId: DEMO_IDS.contactSean });
  });

  it('keeps a very long call under 32,000 characters with the transcript, instead of failing with STRING_TOO_LONG', async () => {
    p = await startPipeline({ mappingYaml: `users:\n  "62288320001": { salesforceUserId: "${DEMO_IDS.userJohn}" }\nactivity: { includeTranscript: true }\n` });
    p.sims.rc.publishInsights('2728084995505');
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
    const call = callTasks(p)[0]!;
    expect(String(call.Description).length).toBeLessThanOrEqual(DESCRIPTION_LIMIT);
    expect(call.Description).toMatch(/transcript lines cut to fit Salesforce's 32,000-character limit/);
    expect(call).toMatchObject({ WhoId: DEMO_IDS.leadAmelia, WhatId: null });
    expect(followUps(p)).toHaveLength(20);
  });

  it('fails an unmapped owner with a clear reason and keeps the event whole for replay', async () => {
    p = await startPipeline();
    const stranger = clone(DOC);
    Object.assign(stranger, { sourceRecordId: '9000000000003', ownerExtensionId: '62288320099' });
    p.sims.rc.publishInsights(stranger);
    expect(await p.settled(1)).toEqual({ completed: 0, failed: 1 });
    const [job] = await p.failedJobs();
    expect(job!.failedReason).toMatch(/^unmapped_owner: RingCentral extension 62288320099 is not mapped to a Salesforce user/);
    expect(job!.attemptsMade).toBe(1);
    expect((eventOf(job!) as { body: unknown }).body).toEqual(stranger);
    expect(p.tasks()).toEqual([]);
  });

  it('stores the event compressed, processes a job an earlier version enqueued (event inline), and fails a payload that does not decode', async () => {
    p = await startPipeline();
    const event = calls['documented-example'];
    const { sourceRecordId, lastModifiedTime } = event.body as { sourceRecordId: string; lastModifiedTime: string };
    await p.service.queue.add(CALL_JOB, { kind: 'notification', receivedAt: Date.now(), event }, { jobId: callJobId(sourceRecordId, lastModifiedTime), attempts: CALL_JOB_ATTEMPTS });
    const corrupt = { kind: 'notification', receivedAt: Date.now(), encoding: 'br64', payload: 'bm90IGJyb3RsaQ==' };
    await p.service.queue.add(CALL_JOB, corrupt, { jobId: 'call-corrupt-1', attempts: CALL_JOB_ATTEMPTS });
    expect(await p.settled(2)).toEqual({ completed: 1, failed: 1 });
    expect(callTasks(p)).toHaveLength(1);
    expect(followUps(p)).toHaveLength(4);
    const [failed] = await p.failedJobs();
    expect(failed!.id).toBe('call-corrupt-1');
    expect(failed!.failedReason).toMatch(/^invalid_job_data: the job's br64 payload does not decode: it is not valid brotli data/);
    expect(failed!.attemptsMade).toBe(1);
    // A new event: written compressed, its transcript apart, read back whole.
    p.sims.rc.publishInsights('2728084995404');
    expect(await p.settled(3)).toMatchObject({ completed: 2 });
    const job = (await p.service.queue.getCompleted()).find((j) => j.id !== callJobId(sourceRecordId, lastModifiedTime))!;
    expect(job.data).toMatchObject({ kind: 'notification', encoding: PAYLOAD_ENCODING, transcript: expect.any(String), receivedAt: expect.any(Number) });
    expect((eventOf(job) as { body: { sourceRecordId: string } }).body.sourceRecordId).toBe('2728084995404');
  });

  it('keeps a malformed event in the failed set with its specific reason, and goes on', async () => {
    p = await startPipeline();
    const broken = clone(DOC);
    delete broken.sourceRecordId;
    p.sims.rc.publishRaw(broken);
    p.sims.rc.publishInsights('2728084995017');
    expect(await p.settled(2)).toEqual({ completed: 1, failed: 1 });
    const [job] = await p.failedJobs();
    expect(job!.failedReason).toMatch(/^missing_source_record_id: /);
    expect((eventOf(job!) as { body: unknown }).body).toEqual(broken);
  });

  it('retries transient Salesforce faults and still writes exactly once', async () => {
    p = await startPipeline();
    p.sims.sf.injectFault({ status: 503, count: 2, method: 'POST' });
    p.sims.sf.injectFault({ status: 400, body: [{ message: 'unable to obtain exclusive access to this record', errorCode: 'UNABLE_TO_LOCK_ROW' }], count: 1, method: 'GET' });
    p.sims.rc.publishInsights('2728084995017');
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
    expect(callTasks(p)).toHaveLength(1);
    expect(followUps(p)).toHaveLength(4);
  });

  it('holds the work while Salesforce answers 401, re-authenticating a bounded number of times, and completes once it clears', async () => {
    p = await startPipeline();
    const tokensBefore = p.sims.sf.counters().tokenRequests;
    p.sims.sf.setAlways401(true);
    p.sims.rc.publishInsights('2728084995017');
    // Salesforce refuses the session: the work is held (the call back in the queue, no attempt used) and probed.
    await waitFor(() => p!.service.gate?.state().open === false, 20_000, 'the work to be held');
    expect(p.service.gate?.state()).toMatchObject({ open: false, cause: 'auth' });
    // Read once: until the worker's pause lands, a job put back can be taken again (and put back again) at once.
    let waiting: Awaited<ReturnType<typeof p.service.queue.getJobs>> = [];
    await waitFor(async () => (waiting = await p!.service.queue.getJobs(['wait', 'waiting'])).length === 1, 10_000, 'the call back in the queue');
    expect(waiting[0]!.attemptsMade).toBe(0);
    const tokensDuring = p.sims.sf.counters().tokenRequests - tokensBefore;
    expect(tokensDuring).toBeGreaterThan(0);
    expect(tokensDuring).toBeLessThanOrEqual(4); // jsforce alone would loop hundreds of times a second
    expect(p.tasks()).toEqual([]);
    p.sims.sf.setAlways401(false);
    expect(await p.settled(1, 30_000)).toEqual({ completed: 1, failed: 0 });
    expect(callTasks(p)).toHaveLength(1);
    expect(followUps(p)).toHaveLength(4);
  });

  it('fails a Salesforce validation error permanently with its code', async () => {
    p = await startPipeline();
    // Twice: a refusal of a shared collection request cannot be pinned on one call, so each call of it is then
    // written on its own; the second refusal is this call's own.
    p.sims.sf.injectFault({ status: 400, body: [{ message: 'Calls need a Type', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: ['Type'] }], count: 2, method: 'POST', path: /composite\/sobjects/ });
    p.sims.rc.publishInsights('2728084995017');
    expect(await p.settled(1)).toEqual({ completed: 0, failed: 1 });
    const [job] = await p.failedJobs();
    expect(job!.failedReason).toBe('salesforce_rejected: FIELD_CUSTOM_VALIDATION_EXCEPTION: Calls need a Type (fields: Type)');
  });

  it('upserts on an admin-created external id field when the mapping names one', async () => {
    p = await startPipeline({
      sims: { taskExternalIdField: 'RingSense_Call_Id__c' },
      mappingYaml: `users:\n  "62288320001": { salesforceUserId: "${DEMO_IDS.userJohn}" }\nsalesforce: { externalIdField: RingSense_Call_Id__c }\n`,
    });
    p.sims.rc.publishInsights('2728084995017');
    p.sims.rc.publishInsights('2728084995017');
    await p.settled(1);
    await waitFor(() => (p!.service.listener?.stats().notifications ?? 0) >= 2);
    expect(callTasks(p)).toHaveLength(1);
    expect(callTasks(p)[0]).toMatchObject({ RingSense_Call_Id__c: 'ringsense:2728084995017', CallObject: null });
    expect(followUps(p).every((t) => String(t.RingSense_Call_Id__c).startsWith('ringsense:2728084995017:step:'))).toBe(true);
  });
});
