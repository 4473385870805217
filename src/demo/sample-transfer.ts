/**
 * A transferred RingEX call: one telephony session, two recorded legs, each owned by a different rep. Sean O'Brien
 * (Northwind, a contact of the demo org) calls John, who hands him over to Maria, Northwind's account owner.
 * docs/ai/ace.md: the sessions endpoint "returns the ACE data for all call recordings associated with the specified
 * telephony session … in scenarios such as call transfers between agents, where each leg of the call is recorded
 * separately", each leg with its own sourceRecordId (the call recording id) and the session's sourceSessionId.
 * Each leg has its call-log record, as demo-seed.ts gives its recordings. Deterministic; people are invented.
 */
import type { RingCentralSeed, SimRecording } from '../simulators/ringcentral/state.ts';
import { demoRingCentralSeed } from './demo-seed.ts';
import { REP_JOHN, REP_MARIA, SAMPLE_ACCOUNT_ID } from './sample-calls.ts';

export const TRANSFER_SESSION_ID = 's-f66e5b7c39fa0a1b2c3d4e5f6a7b8c9d0000';
/** The recording id of each leg: John's first, Maria's after the transfer. */
export const TRANSFER_LEG_IDS = { john: '2728084995606', maria: '2728084995607' } as const;

const CORE = TRANSFER_SESSION_ID.slice(2);
const SEAN = `p-${CORE}-1`;
const JOHN = `p-${CORE}-2`;
const MARIA = `p-${CORE}-3`;
const SEAN_PHONE = '(312) 555-0177';

function leg(input: {
  sourceRecordId: string;
  owner: { extensionId: string; name: string; phone: string; speakerId: string };
  recordingStartTime: string;
  durationSeconds: number;
  transcript: Array<{ speakerId: string; text: string; start: number; end: number }>;
  summary: string;
  nextSteps: Array<{ speakerId: string; value: string; start: number; end: number }>;
}): SimRecording {
  const { owner } = input;
  const durationMs = input.durationSeconds * 1000;
  const analysedAt = new Date(Date.parse(input.recordingStartTime) + durationMs + 4 * 60_000).toISOString();
  return {
    insights: {
      title: `Call from Sean O'Brien to ${owner.name}`,
      domain: 'pbx',
      sourceSessionId: TRANSFER_SESSION_ID,
      sourceRecordId: input.sourceRecordId,
      callDirection: 'Inbound',
      ownerExtensionId: owner.extensionId,
      recordingDurationMs: durationMs,
      recordingStartTime: input.recordingStartTime,
      creationTime: analysedAt,
      lastModifiedTime: analysedAt,
      speakerInfo: [
        { speakerId: SEAN, name: "Sean O'Brien", accountId: null, extensionId: null },
        { speakerId: owner.speakerId, name: owner.name, accountId: SAMPLE_ACCOUNT_ID, extensionId: owner.extensionId },
      ],
      insights: {
        Transcript: input.transcript,
        Summary: [{ start: 0, end: input.durationSeconds, value: input.summary }],
        NextSteps: input.nextSteps,
      },
    },
    callLog: {
      from: { phoneNumber: SEAN_PHONE, name: "Sean O'Brien" },
      to: { phoneNumber: owner.phone, name: owner.name, extensionId: owner.extensionId },
      startTime: input.recordingStartTime,
      durationSeconds: input.durationSeconds,
      result: 'Accepted',
    },
  };
}

/** The two legs, in call order: John's (before the transfer), then Maria's. */
export function transferSampleLegs(): [SimRecording, SimRecording] {
  return [
    leg({
      sourceRecordId: TRANSFER_LEG_IDS.john,
      owner: { extensionId: REP_JOHN, name: 'John Smith', phone: '+14155550101', speakerId: JOHN },
      recordingStartTime: '2024-09-19T16:00:00.000Z',
      durationSeconds: 95,
      transcript: [
        { speakerId: JOHN, text: 'Acme Robotics, John speaking.', start: 1.0, end: 3.1 },
        { speakerId: SEAN, text: "Hi John, Sean O'Brien from Northwind. I have a question about the pilot contract.", start: 3.8, end: 9.6 },
        { speakerId: JOHN, text: 'Maria owns the Northwind account, let me transfer you to her.', start: 10.2, end: 14.9 },
      ],
      summary: 'Sean from Northwind asked about the pilot contract; John transferred him to Maria, the account owner.',
      nextSteps: [{ speakerId: JOHN, value: "Transfer Sean O'Brien to Maria Garcia.", start: 10.2, end: 14.9 }],
    }),
    leg({
      sourceRecordId: TRANSFER_LEG_IDS.maria,
      owner: { extensionId: REP_MARIA, name: 'Maria Garcia', phone: '+14155550102', speakerId: MARIA },
      recordingStartTime: '2024-09-19T16:01:40.000Z',
      durationSeconds: 240,
      transcript: [
        { speakerId: MARIA, text: 'Hi Sean, Maria here. John said you have a question on the pilot contract?', start: 0.8, end: 5.2 },
        { speakerId: SEAN, text: 'Yes, legal wants the liability clause changed before we sign.', start: 5.9, end: 11.4 },
        { speakerId: MARIA, text: 'I will send you the revised clause by tomorrow.', start: 12.0, end: 15.3 },
        { speakerId: SEAN, text: 'Great, then I can get the signature this week.', start: 16.0, end: 19.2 },
      ],
      summary: 'Northwind legal wants the liability clause of the pilot contract changed; Maria will send a revised clause by tomorrow.',
      nextSteps: [
        { speakerId: MARIA, value: 'Send Sean the revised liability clause by tomorrow.', start: 12.0, end: 15.3 },
        { speakerId: SEAN, value: 'Get the pilot contract signed this week.', start: 16.0, end: 19.2 },
      ],
    }),
  ];
}

/** The demo account's reps with the transferred call only. */
export function transferRingCentralSeed(): RingCentralSeed {
  return { ...demoRingCentralSeed([]), recordings: transferSampleLegs() };
}
