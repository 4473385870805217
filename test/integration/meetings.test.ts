/**
 * Meetings (rcv, ms-teams) written as Salesforce Events, through the unmodified clients, both simulators and real
 * Redis: the facts from RingCentral Video's meeting history, the host as owner, the external participant matched by
 * the number they dialled in from, the follow-ups, exactly once after a duplicate, a newer version and a replay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_IDS, demoSeed } from '../../src/demo/demo-seed.ts';
import { MS_TEAMS_SAMPLE_MEETING_ID, msTeamsSampleMeeting, RCV_SAMPLE_MEETING_ID, rcvSampleMeeting } from '../../src/demo/sample-meetings.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { callJobId } from '../../src/queue/jobs.ts';
import { enqueueInsights } from '../../src/queue/producer.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

const MEETINGS = { RINGSENSE_DOMAINS: 'pbx,rcv,ms-teams' };
const quiet = () => createLogger({ level: 'error', format: 'json' });
const events = (pl: Pipeline) => pl.sims.sf.records('Event');
const relationsOf = (pl: Pipeline, eventId: string) =>
  pl.sims.sf
    .records('EventRelation')
    .filter((r) => r.EventId === eventId && r.IsDeleted !== true)
    .map((r) => ({ RelationId: r.RelationId, IsParent: r.IsParent, IsInvitee: r.IsInvitee }))
    .sort((a, b) => String(a.RelationId).localeCompare(String(b.RelationId)));
const followUps = (pl: Pipeline, id: string) => pl.tasks().filter((t) => String(t.CallObject).startsWith(`ringsense:${id}:step:`));

/** The rcv sample meeting in RingCentral (its history record and insights), its event published and written. */
async function syncRcvMeeting(pl: Pipeline): Promise<ReturnType<typeof rcvSampleMeeting>> {
  const sample = rcvSampleMeeting();
  pl.sims.rc.addMeeting(sample.meeting);
  pl.sims.rc.addRecording({ insights: sample.insights });
  pl.sims.rc.publishInsights(RCV_SAMPLE_MEETING_ID);
  expect(await pl.settled(1)).toEqual({ completed: 1, failed: 0 });
  return sample;
}

async function meetingsPipeline(env: Record<string, string> = {}, mappingYaml?: string): Promise<Pipeline> {
  const pl = await startPipeline({ env: { ...MEETINGS, ...env }, ...(mappingYaml ? { mappingYaml } : {}) });
  await waitFor(() => pl.sims.rc.subscriptions().some((s) => s.connected), 20_000, 'the subscription');
  return pl;
}

describe('meetings as Events', () => {
  it('an rcv meeting: one Event at the meeting time, owned by its host, with the caller and follow-ups; once after a duplicate, a newer version and a replay', async () => {
    p = await meetingsPipeline();
    // One subscription, a filter per domain; catch-up covers pbx and rcv, not Teams, and start says so.
    expect(p.sims.rc.subscriptions().map((s) => [...s.eventFilters].sort())).toEqual([['pbx', 'rcv', 'ms-teams'].map((d) => `/ai/ringsense/v1/public/accounts/809646016/domains/${d}/insights`).sort()]);
    expect(p.logs.find((l) => l.message === 'catch_up_not_possible')).toMatchObject({ level: 'warn', domains: ['ms-teams'] });
    const { insights } = await syncRcvMeeting(p);
    expect(events(p)).toHaveLength(1);
    const event = events(p)[0]!;
    expect(event).toMatchObject({
      Subject: 'Northwind rollout planning',
      OwnerId: DEMO_IDS.userMaria,
      StartDateTime: '2024-09-17T15:00:00.000+0000',
      DurationInMinutes: 21,
      EventSubtype: 'Event',
      // Sean dialled in from the number his Contact has (the meeting history's callerId).
      WhoId: DEMO_IDS.contactSean,
    });
    expect(event.WhatId).toBeTruthy();
    const description = String(event.Description);
    expect(description).toContain("Attendees: Maria Garcia, Sean O'Brien, Tracy Debolah");
    expect(description).toContain(`RingCentral meeting ${RCV_SAMPLE_MEETING_ID}`);
    expect(description).toContain('RingCentral Video meeting, 21 min, started 2024-09-17 15:00:00 UTC');
    expect(followUps(p, RCV_SAMPLE_MEETING_ID)).toHaveLength(3);
    expect(followUps(p, RCV_SAMPLE_MEETING_ID).every((t) => t.WhoId === DEMO_IDS.contactSean && t.Status === 'Not Started')).toBe(true);
    expect(p.tasks().filter((t) => t.TaskSubtype === 'Call')).toHaveLength(0);
    // Tracy, the other external participant, matched by name: a related contact of the Event (Shared Activities),
    // beside Sean, the Event's Name (the platform's own relation).
    expect(relationsOf(p, String(event.Id))).toEqual([
      { RelationId: DEMO_IDS.contactTracy, IsParent: true, IsInvitee: false },
      { RelationId: DEMO_IDS.contactSean, IsParent: true, IsInvitee: false },
    ]);

    // The same version again (the second event of a meeting): nothing new.
    p.sims.rc.publishInsights(RCV_SAMPLE_MEETING_ID);
    await p.settled(1);
    await new Promise((r) => setTimeout(r, 500));
    // A newer version: the Event's text is updated, the time kept, a new step added.
    const newer = structuredClone(insights) as typeof insights & { lastModifiedTime: string; insights: { NextSteps: Array<Record<string, unknown>> } };
    newer.lastModifiedTime = '2024-09-17T16:05:00.000Z';
    newer.insights.NextSteps.push({ start: 80, end: 82, value: 'Send the meeting notes to Tracy.', speakerId: 'f130_28008' });
    p.sims.rc.addRecording({ insights: newer });
    p.sims.rc.publishInsights(RCV_SAMPLE_MEETING_ID);
    expect(await p.settled(2)).toEqual({ completed: 2, failed: 0 });
    expect(events(p)).toHaveLength(1);
    expect(String(events(p)[0]!.Description)).toContain('RingSense insights updated 2024-09-17T16:05:00.000Z');
    expect(events(p)[0]!.StartDateTime).toBe('2024-09-17T15:00:00.000+0000');
    expect(followUps(p, RCV_SAMPLE_MEETING_ID)).toHaveLength(4);

    // A replay looks in Salesforce first (not the ledger): it finds the Event by its time and marker. (As replay
    // --force does, the completed job of this version goes first.)
    await (await p.service.queue.getJob(callJobId(RCV_SAMPLE_MEETING_ID, newer.lastModifiedTime)))?.remove();
    const r = await enqueueInsights(p.service.queue, structuredClone(newer), 'replay', quiet(), { domains: ['pbx', 'rcv', 'ms-teams'] });
    expect(r.status).toBe('enqueued');
    // Two completed jobs, one removed: the replay's makes two again.
    expect(await p.settled(2)).toEqual({ completed: 2, failed: 0 });
    expect(events(p)).toHaveLength(1);
    expect(followUps(p, RCV_SAMPLE_MEETING_ID)).toHaveLength(4);
    expect(relationsOf(p, String(events(p)[0]!.Id))).toHaveLength(2);
  });

  it('an org without Shared Activities: the Event has its Name alone, and the Description names every attendee', async () => {
    const seed = demoSeed();
    p = await startPipeline({ env: MEETINGS, sims: { seed: { ...seed, salesforce: { ...seed.salesforce, sharedActivities: false } } } });
    await syncRcvMeeting(p);
    const event = events(p)[0]!;
    expect(event.WhoId).toBe(DEMO_IDS.contactSean);
    expect(relationsOf(p, String(event.Id))).toEqual([]);
    expect(String(event.Description)).toContain("Attendees: Maria Garcia, Sean O'Brien, Tracy Debolah");
    expect(p.logs.find((l) => l.message === 'meeting_attendees_related')).toBeUndefined();
  });

  it('a replay finds the Event a rep moved on the calendar (within a day), and an Event of someone else at that time is not taken for it', async () => {
    p = await meetingsPipeline();
    const { insights } = await syncRcvMeeting(p);
    const conn = await p.salesforce();
    const id = String(events(p)[0]!.Id);
    await conn.sobject('Event').update({ Id: id, StartDateTime: '2024-09-17T17:30:00.000Z', DurationInMinutes: 21 });
    // Another Event at the meeting's own start, with no marker: the rep's lunch.
    await conn.sobject('Event').create({ Subject: 'Lunch', OwnerId: DEMO_IDS.userMaria, StartDateTime: '2024-09-17T15:00:00.000Z', DurationInMinutes: 30 });
    await (await p.service.queue.getJob(callJobId(RCV_SAMPLE_MEETING_ID, String(insights.lastModifiedTime))))?.remove();
    await enqueueInsights(p.service.queue, structuredClone(insights), 'replay', quiet(), { domains: ['pbx', 'rcv', 'ms-teams'] });
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
    expect(events(p).filter((e) => typeof e.Description === 'string' && e.Description.includes(RCV_SAMPLE_MEETING_ID))).toHaveLength(1);
    expect(events(p)).toHaveLength(2);
    expect(events(p).find((e) => e.Id === id)?.StartDateTime).toBe('2024-09-17T17:30:00.000+0000');
  });

  it('a Teams meeting: no RingCentral API has its facts, so its time is estimated from the insights and said so; the contact matched by name', async () => {
    p = await meetingsPipeline();
    const { insights } = msTeamsSampleMeeting();
    p.sims.rc.addRecording({ insights });
    p.sims.rc.publishInsights(MS_TEAMS_SAMPLE_MEETING_ID);
    const settled = await p.settled(1);
    if (settled.failed) throw new Error((await p.failedJobs())[0]?.failedReason);
    const event = events(p)[0]!;
    // creationTime 09:41:12.210 less the 47 s the insights reach: 09:40:25.
    expect(event).toMatchObject({ OwnerId: DEMO_IDS.userMaria, StartDateTime: '2024-09-18T09:40:25.000+0000', DurationInMinutes: 1, WhoId: DEMO_IDS.contactPriya });
    expect(String(event.Description)).toContain('Microsoft Teams meeting, 47 s, started 2024-09-18 09:40:25 UTC (estimated from the insights)');
    expect(followUps(p, MS_TEAMS_SAMPLE_MEETING_ID)).toHaveLength(2);
  });

  it('meetings.recordAs: task writes a meeting as a completed Task, not an Event', async () => {
    const { DEMO_MAPPING_YAML } = await import('../../src/demo/demo-seed.ts');
    p = await meetingsPipeline({}, `${DEMO_MAPPING_YAML}\nmeetings:\n  recordAs: task\n`);
    await syncRcvMeeting(p);
    expect(events(p)).toHaveLength(0);
    const task = p.tasks().find((t) => t.CallObject === `ringsense:${RCV_SAMPLE_MEETING_ID}`);
    expect(task).toMatchObject({ Subject: 'Northwind rollout planning', TaskSubtype: 'Task', Status: 'Completed', OwnerId: DEMO_IDS.userMaria, WhoId: DEMO_IDS.contactSean, ActivityDate: '2024-09-17' });
    expect(task!.CallType ?? null).toBeNull();
  });

  it('the External ID mode: the Activity field holds the meeting key on its Event, and a replay finds it by that key (moved or not)', async () => {
    const { DEMO_MAPPING_YAML } = await import('../../src/demo/demo-seed.ts');
    p = await startPipeline({ env: MEETINGS, sims: { taskExternalIdField: 'RingSense_Call_Id__c' }, mappingYaml: `${DEMO_MAPPING_YAML}\nsalesforce: { externalIdField: RingSense_Call_Id__c }\n` });
    const { insights } = await syncRcvMeeting(p);
    expect(events(p)).toHaveLength(1);
    expect(events(p)[0]).toMatchObject({ RingSense_Call_Id__c: `ringsense:${RCV_SAMPLE_MEETING_ID}` });
    // The follow-ups hold their keys in the same field (not CallObject).
    expect(p.tasks().filter((t) => String(t.RingSense_Call_Id__c).startsWith(`ringsense:${RCV_SAMPLE_MEETING_ID}:step:`) && t.CallObject === null)).toHaveLength(3);
    // Moved three days away (beyond what the default mode looks at): found by its key all the same.
    const conn = await p.salesforce();
    await conn.sobject('Event').update({ Id: String(events(p)[0]!.Id), StartDateTime: '2024-09-20T15:00:00.000Z', DurationInMinutes: 21 });
    await (await p.service.queue.getJob(callJobId(RCV_SAMPLE_MEETING_ID, String(insights.lastModifiedTime))))?.remove();
    await enqueueInsights(p.service.queue, structuredClone(insights), 'replay', quiet(), { domains: ['pbx', 'rcv', 'ms-teams'] });
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
    expect(events(p)).toHaveLength(1);
  });
});
