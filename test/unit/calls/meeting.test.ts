import { describe, expect, it } from 'vitest';
import { rcvFacts } from '../../support/meeting-facts.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';
import { completeMeeting, type Completed } from '../../../src/calls/meeting.ts';
import { isMeeting, type MeetingInsights, type RecordingInsights } from '../../../src/calls/recording-insights.ts';
import { REP_MARIA } from '../../../src/demo/sample-calls.ts';
import { MS_TEAMS_SAMPLE_MEETING_ID, msTeamsSampleMeeting, RCV_SAMPLE_MEETING_ID, rcvSampleMeeting, SEAN_CALLER_ID } from '../../../src/demo/sample-meetings.ts';
import { parseInsightsBody } from '../../../src/ringcentral/insights-event.schema.ts';

/** A meeting's body as the schema parses it (what the worker completes). */
function parsed(body: unknown): MeetingInsights {
  const r = parseInsightsBody(body, ACE_DOMAINS);
  if (!r.ok) throw new Error(r.error.message);
  if (!isMeeting(r.value)) throw new Error('expected a meeting');
  return r.value;
}

const rcvInsights = (): MeetingInsights => parsed(rcvSampleMeeting().insights);
const teamsInsights = (): MeetingInsights => parsed(msTeamsSampleMeeting().insights);


function completed(c: Completed): RecordingInsights {
  if (!c.ok) throw new Error(`refused: ${c.message}`);
  return c.call;
}

const speaker = (call: RecordingInsights, name: string) => call.speakerInfo.find((s) => s.name === name);

describe('completeMeeting: an rcv meeting with its facts', () => {
  const call = completed(completeMeeting(rcvInsights(), rcvFacts()));

  it('takes the owner, start, length and title from the meeting history', () => {
    expect(call.ownerExtensionId).toBe(REP_MARIA);
    expect(call.recordingStartTime).toBe('2024-09-17T15:00:00.000Z');
    expect(call.recordingDurationMs).toBe(1_260_000);
    expect(call.title).toBe('Northwind rollout planning');
    expect(call.meeting).toEqual({ platform: 'rcv', attendees: ['Maria Garcia', "Sean O'Brien", 'Tracy Debolah'], estimated: false });
  });

  it('keeps the ids and the insights as they came', () => {
    expect(call.sourceRecordId).toBe(RCV_SAMPLE_MEETING_ID);
    expect(call.sourceSessionId).toBe(RCV_SAMPLE_MEETING_ID);
    expect(call.domain).toBe('rcv');
    expect(call.lastModifiedTime).toBe('2024-09-17T15:28:35.036Z');
    expect(call.insights.NextSteps).toHaveLength(3);
  });

  it('gives the dial-in speaker the number the meeting record has for that name; nobody else', () => {
    expect(speaker(call, "Sean O'Brien")?.phoneNumber).toBe(SEAN_CALLER_ID);
    expect(speaker(call, 'Maria Garcia')?.phoneNumber ?? undefined).toBeUndefined();
    expect(speaker(call, 'Tracy Debolah')?.phoneNumber ?? undefined).toBeUndefined();
  });

  it('matches the participant by name whatever its case and spacing', () => {
    const facts = rcvFacts({
      participants: [
        { name: 'Maria Garcia', extensionId: REP_MARIA, callerId: undefined },
        { name: "  SEAN   o'brien ", extensionId: undefined, callerId: '+13125550199' },
      ],
    });
    const c = completed(completeMeeting(rcvInsights(), facts));
    expect(speaker(c, "Sean O'Brien")?.phoneNumber).toBe('+13125550199');
  });

  it('never gives an internal participant\'s caller id to a speaker of the same name', () => {
    const facts = rcvFacts({ participants: [{ name: "Sean O'Brien", extensionId: '62288320099', callerId: '+13125550199' }] });
    const c = completed(completeMeeting(rcvInsights(), facts));
    expect(speaker(c, "Sean O'Brien")?.phoneNumber ?? undefined).toBeUndefined();
  });

  it('a speaker that already has a number keeps it', () => {
    const body = rcvSampleMeeting().insights;
    const speakers = (body.speakerInfo as Array<Record<string, unknown>>).map((s) => (s.name === "Sean O'Brien" ? { ...s, phoneNumber: '+13125550100' } : s));
    const c = completed(completeMeeting(parsed({ ...body, speakerInfo: speakers }), rcvFacts()));
    expect(speaker(c, "Sean O'Brien")?.phoneNumber).toBe('+13125550100');
  });

  it('lists the attendees host first, each once (by name, whatever its case and spacing), without blank names', () => {
    const facts = rcvFacts({
      participants: [
        { name: 'Tracy Debolah', extensionId: undefined, callerId: undefined },
        { name: "Sean O'Brien", extensionId: undefined, callerId: SEAN_CALLER_ID },
        { name: 'Maria Garcia', extensionId: REP_MARIA, callerId: undefined },
        { name: 'tracy  debolah', extensionId: undefined, callerId: undefined },
        { name: '   ', extensionId: undefined, callerId: undefined },
        { name: undefined, extensionId: undefined, callerId: '+15550000000' },
        { name: 'Maria Garcia', extensionId: REP_MARIA, callerId: undefined },
      ],
    });
    const c = completed(completeMeeting(rcvInsights(), facts));
    expect(c.meeting?.attendees).toEqual(['Maria Garcia', 'Tracy Debolah', "Sean O'Brien"]);
  });

  it('the title from the insights when the meeting has no name', () => {
    const c = completed(completeMeeting(rcvInsights(), rcvFacts({ title: undefined })));
    expect(c.title).toBe('RingCentral Video meeting');
  });

  it('the facts win over what the payload says', () => {
    const body = { ...rcvSampleMeeting().insights, ownerExtensionId: '11111', recordingStartTime: '2024-09-17T15:01:00.000Z', recordingDurationMs: 5_000 };
    const c = completed(completeMeeting(parsed(body), rcvFacts()));
    expect(c).toMatchObject({ ownerExtensionId: REP_MARIA, recordingStartTime: '2024-09-17T15:00:00.000Z', recordingDurationMs: 1_260_000 });
    expect(c.meeting?.estimated).toBe(false);
  });

  it('never carries meetingDomain (the result is a conversation to write, not a meeting to complete)', () => {
    expect(call).not.toHaveProperty('meetingDomain');
    expect(isMeeting(call)).toBe(false);
    const teams = completed(completeMeeting(teamsInsights(), undefined));
    expect(teams).not.toHaveProperty('meetingDomain');
    expect(isMeeting(teams)).toBe(false);
  });
});

describe('completeMeeting: a meeting without facts (ms-teams)', () => {
  const call = completed(completeMeeting(teamsInsights(), undefined));

  it('estimates the start as the insights\' creation minus the last end of anything timed, in whole seconds', () => {
    // creationTime 09:41:12.210, the last utterance ends 47.0 s in: 09:40:25.210, whole seconds.
    expect(call.recordingStartTime).toBe('2024-09-18T09:40:25.000Z');
    expect(call.recordingDurationMs).toBe(47_000);
    expect(call.meeting).toEqual({ platform: 'ms-teams', attendees: ['Maria Garcia', 'Priya Natarajan', 'Lukas Becker'], estimated: true });
    expect(call.sourceRecordId).toBe(MS_TEAMS_SAMPLE_MEETING_ID);
  });

  it('the owner is the first internal speaker when the payload names none', () => {
    expect(call.ownerExtensionId).toBe(REP_MARIA);
  });

  it('the last end of any timed unit counts (a next step, a highlight, a question), not only the transcript', () => {
    const body = msTeamsSampleMeeting().insights;
    const ins = body.insights as Record<string, unknown>;
    const withLate = { ...body, insights: { ...ins, Highlights: [{ value: 'late', start: 50, end: 61.5 }], QnA: [{ value: 'q?', start: 62, end: 70.25 }] } };
    const c = completed(completeMeeting(parsed(withLate), undefined));
    expect(c.recordingDurationMs).toBe(70_250);
    // 09:41:12.210 - 70.25 s = 09:40:01.960: whole seconds, down.
    expect(c.recordingStartTime).toBe('2024-09-18T09:40:01.000Z');
  });

  it('the same insights always give the same start', () => {
    const again = completed(completeMeeting(teamsInsights(), undefined));
    expect(again.recordingStartTime).toBe(call.recordingStartTime);
  });

  it('from lastModifiedTime when the insights have no creationTime', () => {
    const { creationTime: _c, ...body } = msTeamsSampleMeeting().insights;
    const c = completed(completeMeeting(parsed({ ...body, lastModifiedTime: '2024-09-18T10:00:00.500Z' }), undefined));
    // 10:00:00.500 - 47 s.
    expect(c.recordingStartTime).toBe('2024-09-18T09:59:13.000Z');
    expect(c.meeting?.estimated).toBe(true);
  });

  it('the payload\'s start and length win when present, and then nothing is estimated', () => {
    const body = { ...msTeamsSampleMeeting().insights, recordingStartTime: '2024-09-18T09:30:00.000Z', recordingDurationMs: 600_000 };
    const c = completed(completeMeeting(parsed(body), undefined));
    expect(c).toMatchObject({ recordingStartTime: '2024-09-18T09:30:00.000Z', recordingDurationMs: 600_000 });
    expect(c.meeting?.estimated).toBe(false);
  });

  it('the payload\'s length alone: the start is counted back from it', () => {
    const body = { ...msTeamsSampleMeeting().insights, recordingDurationMs: 600_000 };
    const c = completed(completeMeeting(parsed(body), undefined));
    expect(c.recordingDurationMs).toBe(600_000);
    expect(c.recordingStartTime).toBe('2024-09-18T09:31:12.000Z');
    expect(c.meeting?.estimated).toBe(true);
  });

  it('the owner is the payload\'s ownerExtensionId before any speaker, and the attendees start with that speaker', () => {
    const body = msTeamsSampleMeeting().insights;
    const speakers = (body.speakerInfo as Array<Record<string, unknown>>).map((s) => (s.name === 'Lukas Becker' ? { ...s, extensionId: '62288320077' } : s));
    const c = completed(completeMeeting(parsed({ ...body, speakerInfo: speakers, ownerExtensionId: '62288320077' }), undefined));
    expect(c.ownerExtensionId).toBe('62288320077');
    expect(c.meeting?.attendees).toEqual(['Lukas Becker', 'Maria Garcia', 'Priya Natarajan']);
  });

  it('an ownerExtensionId sent as a number is the owner as a string', () => {
    const c = completed(completeMeeting(parsed({ ...msTeamsSampleMeeting().insights, ownerExtensionId: 62288320055 }), undefined));
    expect(c.ownerExtensionId).toBe('62288320055');
  });

  it('attendees from the speakers, each once, unnamed ones left out', () => {
    const body = msTeamsSampleMeeting().insights;
    const speakers = [...(body.speakerInfo as Array<Record<string, unknown>>), { speakerId: 'c4e2_51004', name: 'PRIYA natarajan' }, { speakerId: 'c4e2_51005', name: null }];
    const c = completed(completeMeeting(parsed({ ...body, speakerInfo: speakers }), undefined));
    expect(c.meeting?.attendees).toEqual(['Maria Garcia', 'Priya Natarajan', 'Lukas Becker']);
    expect(c.speakerInfo).toHaveLength(5);
  });
});

describe('completeMeeting: no owner', () => {
  const external = (body: Record<string, unknown>) => ({
    ...body,
    speakerInfo: (body.speakerInfo as Array<Record<string, unknown>>).map((s) => ({ ...s, accountId: null, extensionId: null })),
  });

  it('no host and no internal speaker: refused as unmapped_owner, naming the meeting', () => {
    const c = completeMeeting(parsed(external(msTeamsSampleMeeting().insights)), undefined);
    expect(c).toMatchObject({ ok: false, reason: 'unmapped_owner', subject: `meeting ${MS_TEAMS_SAMPLE_MEETING_ID}` });
    if (c.ok) return;
    expect(c.message).toContain(`Meeting ${MS_TEAMS_SAMPLE_MEETING_ID} `);
    expect(c).not.toHaveProperty('call');
  });

  it('facts without a host that is a user, and no internal speaker: refused too', () => {
    const facts = rcvFacts({ hostExtensionId: undefined, participants: [] });
    const c = completeMeeting(parsed(external(rcvSampleMeeting().insights)), facts);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.reason).toBe('unmapped_owner');
    expect(c.message).toContain(RCV_SAMPLE_MEETING_ID);
  });

  it('a host that is a user owns the meeting even when no speaker is internal', () => {
    const c = completed(completeMeeting(parsed(external(rcvSampleMeeting().insights)), rcvFacts()));
    expect(c.ownerExtensionId).toBe(REP_MARIA);
  });

  it('facts without a host: the payload\'s owner, else the first internal speaker', () => {
    const body = rcvSampleMeeting().insights;
    const noHost = rcvFacts({ hostExtensionId: undefined });
    expect(completed(completeMeeting(parsed({ ...body, ownerExtensionId: '33333' }), noHost)).ownerExtensionId).toBe('33333');
    expect(completed(completeMeeting(parsed(body), noHost)).ownerExtensionId).toBe(REP_MARIA);
  });
});

describe('completeMeeting: lengths it must estimate', () => {
  it('facts without a duration take the length from the insights, said to be estimated', () => {
    const { meeting, insights } = rcvSampleMeeting();
    const parsed = parseInsightsBody(structuredClone(insights), ['rcv']);
    if (!parsed.ok || !isMeeting(parsed.value)) throw new Error('not a meeting');
    const r = completeMeeting(parsed.value, { meetingId: meeting.id, title: undefined, startTime: meeting.startTime, durationSeconds: undefined, hostExtensionId: meeting.hostInfo.extensionId, participants: [], recorded: true });
    if (!r.ok) throw new Error(r.message);
    expect(r.call.recordingStartTime).toBe(meeting.startTime);
    expect(r.call.recordingDurationMs).toBe(83_000);
    expect(r.call.meeting?.estimated).toBe(true);
  });

  it('a payload start without a length: the length is estimated, and said so', () => {
    const { insights } = msTeamsSampleMeeting();
    const parsed = parseInsightsBody({ ...structuredClone(insights), recordingStartTime: '2024-09-18T09:00:00.000Z' }, ['ms-teams']);
    if (!parsed.ok || !isMeeting(parsed.value)) throw new Error('not a meeting');
    const r = completeMeeting(parsed.value, undefined);
    if (!r.ok) throw new Error(r.message);
    expect([r.call.recordingStartTime, r.call.recordingDurationMs, r.call.meeting?.estimated]).toEqual(['2024-09-18T09:00:00.000Z', 47_000, true]);
  });
});
