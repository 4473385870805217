/**
 * Video meetings as ACE sends them, hosted by the demo rep Maria with two contacts of the demo org (demo-seed.ts).
 *
 * rcv: in the shape of the public sample (ringcentral-api-docs, code-samples/events/rcv-ringsense-event.json at
 * 0070d948): a bare body with title "RingCentral Video meeting", sourceRecordId == sourceSessionId == the meeting id
 * (`<uuid>!<pod>@<region>`), speakers with participant-style ids (`f130_28008`), the internal one with accountId and
 * extensionId, the external ones with null ids, and no ownerExtensionId, recordingStartTime, recordingDurationMs or
 * callDirection (those come from the meeting history record, also built here; docs/ai/ace.md ties the ids to it).
 *
 * ms-teams: NO public sample exists (not at HEAD, not in the history of ringcentral-api-docs). This one is modelled
 * on the rcv shape with domain 'ms-teams' and an invented Teams-like meeting id (the `19:meeting_…@thread.v2` form of
 * a Teams meeting chat thread: note the `:` and `@`). There is no API to look ms-teams ids up (ace.md), so it has no
 * meeting history record: only events bring it.
 * People, numbers and companies are invented.
 */
import type { RcvMeeting } from '../simulators/ringcentral/rcvideo-meeting.ts';
import type { RingCentralSeed } from '../simulators/ringcentral/state.ts';
import { REP_MARIA, SAMPLE_ACCOUNT_ID } from './sample-calls.ts';

export const RCV_SAMPLE_MEETING_ID = '3c8e5a2f-7d41-4b9a-9e62-1f0d8b7a4c55!us-15-cmh06@us-15';
export const MS_TEAMS_SAMPLE_MEETING_ID = '19:meeting_NWQ3YzFlOGEtMmI0Zi00YTkxLWJjNjMtOWQwZTdmMTJhMzQ1@thread.v2';

/** Sean O'Brien's number as the demo org has it (MobilePhone '312-555-0177'), in E.164 as a dial-in caller id. */
export const SEAN_CALLER_ID = '+13125550177';

/** An ACE insights body (a SimRecording's `insights`; also what the event carries), with the ids typed. */
export type MeetingInsights = Record<string, unknown> & { domain: 'rcv' | 'ms-teams'; sourceRecordId: string; sourceSessionId: string };

export interface SampleMeeting {
  /** The RingCentral Video meeting history record (GET /rcvideo/v1/history/meetings/{id}). */
  meeting: RcvMeeting;
  insights: MeetingInsights;
}

export interface SampleTeamsMeeting {
  insights: MeetingInsights;
}

type Speaker = { id: string; name: string; internal: boolean };

function speakerInfo(speakers: readonly Speaker[]): Array<Record<string, unknown>> {
  return speakers.map((s) => ({
    speakerId: s.id,
    name: s.name,
    accountId: s.internal ? SAMPLE_ACCOUNT_ID : null,
    extensionId: s.internal ? REP_MARIA : null,
  }));
}

/** Maria hosts a RingCentral Video meeting on the Northwind rollout: Sean O'Brien dials in by phone, Tracy Debolah joins from the app. */
export function rcvSampleMeeting(): SampleMeeting {
  const maria: Speaker = { id: 'f130_28008', name: 'Maria Garcia', internal: true };
  const sean: Speaker = { id: 'f130_28009', name: "Sean O'Brien", internal: false };
  const tracy: Speaker = { id: 'f130_28010', name: 'Tracy Debolah', internal: false };
  const startTime = '2024-09-17T15:00:00.000Z';
  const recordingStart = Date.parse(startTime) + 42_000;
  const meeting: RcvMeeting = {
    id: RCV_SAMPLE_MEETING_ID,
    shortId: '215334719',
    bridgeId: 'cmh06-c02-ndb7f3a91c2e04b5d8a6f1e2c3b4a59',
    startTime,
    displayName: 'Northwind rollout planning',
    hostInfo: { accountId: SAMPLE_ACCOUNT_ID, extensionId: REP_MARIA, displayName: 'Maria Garcia' },
    duration: 1260,
    type: 'Meeting',
    status: 'Done',
    rights: ['download', 'share', 'delete'],
    participants: [
      { id: maria.id, accountId: SAMPLE_ACCOUNT_ID, extensionId: REP_MARIA, displayName: 'Maria Garcia', type: 'Leave' },
      { id: sean.id, displayName: "Sean O'Brien", callerId: SEAN_CALLER_ID, type: 'Leave' },
      { id: tracy.id, displayName: 'Tracy Debolah', type: 'Leave' },
    ],
    recordings: [
      {
        id: '8b1d2f4e-6a3c-4e5f-9d7b-0c2a4e6f8a1b',
        startTime: recordingStart,
        status: 'Processed',
        availabilityStatus: 'Alive',
        url: 'https://media.ringcentral.com/rcvideo/v1/recordings/k3Jf9_Qw2Lx7_Zp0Ym4A==',
        metadata: { duration: 1200, fileSize: 48_213_376 },
      },
    ],
  };
  const insights: MeetingInsights = {
    title: 'RingCentral Video meeting',
    domain: 'rcv',
    sourceRecordId: RCV_SAMPLE_MEETING_ID,
    sourceSessionId: RCV_SAMPLE_MEETING_ID,
    creationTime: '2024-09-17T15:28:35.047Z',
    lastModifiedTime: '2024-09-17T15:28:35.036Z',
    speakerInfo: speakerInfo([maria, sean, tracy]),
    insights: {
      Transcript: [
        { end: 9.8, text: 'Okay, I am recording this meeting so we get the meeting insights. Thanks for joining, both of you.', start: 2.2, speakerId: maria.id },
        { end: 18.4, text: 'Happy to. I am on the phone from the Chicago warehouse, so the line may be noisy.', start: 11.0, speakerId: sean.id },
        { end: 29.6, text: 'Tracy is helping us with the change management for the three sites.', start: 19.1, speakerId: sean.id },
        { end: 41.2, text: 'Right. The site leads need training before the pilot robots arrive in November.', start: 30.3, speakerId: tracy.id },
        { end: 55.7, text: 'Then I will send the revised quote with the training package by Thursday.', start: 42.0, speakerId: maria.id },
        { end: 66.9, text: 'And I will draft the training schedule for the site leads and share it next week.', start: 56.5, speakerId: tracy.id },
        { end: 78.3, text: 'Good. I will confirm the pilot start date with our operations team.', start: 67.4, speakerId: sean.id },
        { end: 83.0, text: 'Great, thanks everyone. Goodbye.', start: 79.2, speakerId: maria.id },
      ],
      Summary: [
        { start: 0, end: 1, value: 'The meeting planned the Northwind pilot: training for the site leads before the robots arrive in November, a revised quote and the pilot start date.' },
      ],
      NextSteps: [
        { start: 42.0, end: 55.7, value: 'Send Northwind the revised quote with the training package by Thursday.', speakerId: maria.id },
        { start: 56.5, end: 66.9, value: 'Draft the training schedule for the site leads and share it next week.', speakerId: tracy.id },
        { start: 67.4, end: 78.3, value: 'Confirm the pilot start date with the Northwind operations team.', speakerId: sean.id },
      ],
    },
  };
  return { meeting, insights };
}

/** Maria hosts a Microsoft Teams meeting on the Contoso EU rollout with Priya Natarajan and Lukas Becker. */
export function msTeamsSampleMeeting(): SampleTeamsMeeting {
  const maria: Speaker = { id: 'c4e2_51001', name: 'Maria Garcia', internal: true };
  const priya: Speaker = { id: 'c4e2_51002', name: 'Priya Natarajan', internal: false };
  const lukas: Speaker = { id: 'c4e2_51003', name: 'Lukas Becker', internal: false };
  return {
    insights: {
      title: 'Microsoft Teams meeting',
      domain: 'ms-teams',
      sourceRecordId: MS_TEAMS_SAMPLE_MEETING_ID,
      sourceSessionId: MS_TEAMS_SAMPLE_MEETING_ID,
      creationTime: '2024-09-18T09:41:12.210Z',
      lastModifiedTime: '2024-09-18T09:41:12.205Z',
      speakerInfo: speakerInfo([maria, priya, lukas]),
      insights: {
        Transcript: [
          { end: 7.5, text: 'Hello both, I am recording so we have the notes afterwards.', start: 1.5, speakerId: maria.id },
          { end: 16.2, text: 'Fine with us. Lukas has the procurement questions.', start: 8.1, speakerId: priya.id },
          { end: 27.9, text: 'We need the data processing agreement signed before the EU rollout can start.', start: 17.0, speakerId: lukas.id },
          { end: 38.4, text: 'I will send you our data processing agreement and the security whitepaper today.', start: 28.6, speakerId: maria.id },
          { end: 47.0, text: 'Then I will book the rollout kickoff with our Berlin team for October.', start: 39.2, speakerId: priya.id },
        ],
        Summary: [{ start: 0, end: 1, value: 'Contoso needs a signed data processing agreement before the EU rollout; the kickoff is planned for October.' }],
        NextSteps: [
          { start: 28.6, end: 38.4, value: 'Send Contoso the data processing agreement and the security whitepaper.', speakerId: maria.id },
          { start: 39.2, end: 47.0, value: 'Book the EU rollout kickoff with the Berlin team for October.', speakerId: priya.id },
        ],
      },
    },
  };
}

/** Both meetings as a simulator seed: the rcv history record and the two insights (each under its own domain). */
export function sampleMeetingsSeed(): RingCentralSeed {
  const rcv = rcvSampleMeeting();
  return { meetings: [rcv.meeting], recordings: [{ insights: rcv.insights }, { insights: msTeamsSampleMeeting().insights }] };
}
