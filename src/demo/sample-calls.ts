/**
 * Sample RingSense notifications: the documented example completed into a whole call, plus edge cases.
 * The demo publishes them; test/support/make-fixtures.ts writes them as the test fixtures.
 * Between them they carry every ACE insight type (Transcript, Summary, Highlights/HighLights, NextSteps,
 * BulletedSummary, AIScore, Sentiment, CallNotes, and RingCX's QnA) and the newer fields (`eventType`, `rsRecordUri`,
 * `speakerInfo[].phoneNumber`). Some external speakers carry their number and some do not (the documented example,
 * the call without next steps), so both ways of matching the caller (the payload's number, the call log) are used.
 * Deterministic. People, numbers and companies are invented.
 */
export const SAMPLE_ACCOUNT_ID = '809646016';
export const REP_JOHN = '62288320001';
export const REP_MARIA = '62288320002';
const ACCOUNT = SAMPLE_ACCOUNT_ID;
const EVENT = `/ai/ringsense/v1/public/accounts/${ACCOUNT}/domains/pbx/insights`;

type U = { speakerId: string; text: string; start: number; end: number };

function envelope(uuid: string, ownerId: string, timestamp: string, body: Record<string, unknown>) {
  return { uuid, event: EVENT, timestamp, subscriptionId: '90e18302-2c4a-4b6a-9a63-5e3b1d0c7f21', ownerId, body };
}

export type SampleNotification = ReturnType<typeof envelope>;
export type SampleName = 'documented-example' | 'inbound-highlights' | 'no-external-speaker' | 'two-external-speakers' | 'no-next-steps' | 'very-long-call';

export function sampleCalls(): Record<SampleName, SampleNotification> {
  const out = {} as Record<SampleName, SampleNotification>;
  const write = (file: string, value: SampleNotification, _compact = false): void => {
    out[file.replace(/\.json$/, '') as SampleName] = value;
  };

  // 1. The documented example (developers.ringcentral.com, RingSense for Sales), with the elided parts filled in.
  const s = 's-a0e7b361acc0az191bec7e275z7cae070000';
  const p1 = `p-a0e7b361acc0az191bec7e275z7cae070000-1`;
  const p2 = `p-a0e7b361acc0az191bec7e275z7cae070000-2`;
  const documentedTranscript: U[] = [
    { end: 14.52, text: 'Okay, I record this meeting so we will have the RingSense meeting insights.', start: 2.2, speakerId: p1 },
    { end: 19.8, text: 'Sure, that works for me. Thanks for setting this up, John.', start: 15.1, speakerId: p2 },
    { end: 27.36, text: 'So today I want to go through the tasks and the timeline for the API project.', start: 20.4, speakerId: p1 },
    { end: 35.9, text: 'Great. We need the developer guide before the partner launch next month.', start: 28.0, speakerId: p2 },
    { end: 40.44, text: 'And I have some action items for myself.', start: 36.6, speakerId: p1 },
    { end: 46.12, text: 'As I have to complete the test.', start: 42.52, speakerId: p1 },
    { end: 53.32, text: 'I will write the test with my own code for the API so we know every endpoint works.', start: 46.5, speakerId: p1 },
    { end: 64.92, text: 'Then I will write a developer guide for the API based on your tests.', start: 56.04, speakerId: p2 },
    { end: 72.4, text: 'Perfect. Can you send me the draft by Friday so I can review it?', start: 65.3, speakerId: p1 },
    { end: 80.4, text: 'Yes, I will send the draft guide to you by Friday.', start: 73.0, speakerId: p2 },
    { end: 99.56, text: 'After the review and editing I will publish the developer guide on the portal.', start: 82.92, speakerId: p1 },
    { end: 112.3, text: 'Sounds like a plan. I think that covers the timeline for now.', start: 100.2, speakerId: p2 },
    { end: 124.6, text: 'Agreed. Thanks Tracy, talk to you on Friday.', start: 113.0, speakerId: p1 },
    { end: 125.88, text: 'Goodbye.', start: 125.4, speakerId: p1 },
  ];
  write(
    'documented-example.json',
    envelope('4130446572007716222', REP_JOHN, '2024-09-04T21:16:16.390Z', {
      title: 'Call from John Smith to Tracy Debolah',
      domain: 'pbx',
      sourceSessionId: s,
      sourceRecordId: '2728084995017',
      callDirection: 'Outbound',
      ownerExtensionId: REP_JOHN,
      recordingDurationMs: 125963,
      recordingStartTime: '2024-09-04T20:44:16.390Z',
      creationTime: '2024-09-04T21:15:43.597Z',
      lastModifiedTime: '2024-09-04T21:15:43.591Z',
      speakerInfo: [
        { speakerId: p1, name: 'John Smith', accountId: ACCOUNT, extensionId: REP_JOHN },
        { speakerId: p2, name: 'Tracy Debolah', accountId: null, extensionId: null },
      ],
      insights: {
        Transcript: documentedTranscript,
        Summary: [{ start: 0, end: 1, value: 'The call is about discussing the tasks and timeline for completing a project.' }],
        HighLights: [
          { start: 28.0, end: 35.9, value: 'The developer guide is needed before the partner launch next month.', speakerId: p2 },
          { start: 65.3, end: 80.4, value: 'Tracy agreed to send the draft guide by Friday.', speakerId: p2 },
        ],
        NextSteps: [
          { start: 42.52, end: 53.32, value: 'Complete the test with own code for the API.', speakerId: p1 },
          { start: 56.04, end: 64.92, value: 'Write a developer guide for the API.', speakerId: p2 },
          { start: 65.3, end: 80.4, value: 'Send the draft developer guide to John by Friday for review.', speakerId: p2 },
          { start: 82.92, end: 99.56, value: 'Publish the developer guide after review and editing.', speakerId: p1 },
        ],
      },
    }),
  );

  // 2. Inbound call with every insight type: the API spec's "Highlights" spelling, a bulleted summary in sections,
  //    score, sentiment, questions (QnA), AI call notes, the RingSense link, and each speaker's number.
  const s2 = 's-b11f0c2de4a5ab7c8d9e0f1a2b3c4d5e0000';
  const q1 = `p-${s2.slice(2)}-1`;
  const q2 = `p-${s2.slice(2)}-2`;
  write(
    'inbound-highlights.json',
    envelope('4130446572007716300', REP_MARIA, '2024-09-05T15:02:11.004Z', {
      eventType: 'Create',
      title: "Call from Sean O'Brien to Maria Garcia",
      domain: 'pbx',
      sourceSessionId: s2,
      sourceRecordId: '2728084995101',
      rsRecordUri: 'https://ringsense.ringcentral.com/calls/7d3c1f9e-51a2-4c55-8c1b-0b9a2f6e4d11',
      callDirection: 'Inbound',
      ownerExtensionId: REP_MARIA,
      recordingDurationMs: 412500,
      recordingStartTime: '2024-09-05T14:40:02.120Z',
      creationTime: '2024-09-05T15:01:40.200Z',
      lastModifiedTime: '2024-09-05T15:01:40.200Z',
      speakerInfo: [
        { speakerId: q1, name: "Sean O'Brien", accountId: null, extensionId: null, phoneNumber: '+13125550177' },
        { speakerId: q2, name: 'Maria Garcia', accountId: ACCOUNT, extensionId: REP_MARIA, phoneNumber: '+14155550102' },
      ],
      insights: {
        Transcript: [
          { speakerId: q2, text: 'Thanks for calling Acme Robotics, this is Maria.', start: 1.0, end: 4.2 },
          { speakerId: q1, text: "Hi Maria, Sean O'Brien from Northwind. We are evaluating your warehouse robots.", start: 4.8, end: 11.5 },
          { speakerId: q2, text: 'Happy to help. How many sites are you looking to automate?', start: 12.0, end: 15.9 },
          { speakerId: q1, text: 'Three sites to start, about forty robots in total, with a pilot in November.', start: 16.4, end: 24.0 },
          { speakerId: q2, text: 'I will put together a quote for forty units and a pilot plan.', start: 300.2, end: 306.8 },
          { speakerId: q1, text: 'Great, and I will share our floor plans with you this week.', start: 307.5, end: 312.0 },
          { speakerId: q2, text: 'Perfect, talk soon.', start: 410.0, end: 412.0 },
        ],
        Summary: [{ start: 0, end: 412, value: 'Sean from Northwind is evaluating warehouse robots for three sites (about 40 units) with a pilot in November; Maria will send a quote and pilot plan.' }],
        Highlights: [
          { speakerId: q1, value: 'Three sites, about forty robots, pilot in November.', start: 16.4, end: 24.0 },
        ],
        NextSteps: [
          { speakerId: q2, value: 'Send Northwind a quote for 40 units and a pilot plan.', start: 300.2, end: 306.8 },
          { speakerId: q1, value: 'Share the floor plans of the three sites with Maria this week.', start: 307.5, end: 312.0 },
        ],
        BulletedSummary: [
          { value: 'Evaluating warehouse robots', section: 'Overview' },
          { value: 'Three sites, about forty robots', section: 'Overview' },
          { value: 'Pilot in November', section: 'Timeline' },
        ],
        AIScore: [{ value: '8' }],
        Sentiment: [{ value: 'Positive' }],
        QnA: [{ speakerId: q2, value: 'How many sites are you looking to automate?', start: 12.0, end: 15.9 }],
        CallNotes: [{ value: 'Northwind: 3 sites, about 40 robots, pilot in November. Maria sends the quote and pilot plan; Sean shares floor plans.' }],
      },
    }),
  );

  // 3. An internal call: both speakers are users of the account (no external party; their numbers are not a caller's).
  const s3 = 's-c22a1d3ef5b6bc8d9e0f1a2b3c4d5e6f0000';
  write(
    'no-external-speaker.json',
    envelope('4130446572007716400', REP_JOHN, '2024-09-06T10:15:00.000Z', {
      title: 'Call from John Smith to Maria Garcia',
      domain: 'pbx',
      sourceSessionId: s3,
      sourceRecordId: '2728084995202',
      callDirection: 'Outbound',
      ownerExtensionId: REP_JOHN,
      recordingDurationMs: 61000,
      recordingStartTime: '2024-09-06T10:00:00.000Z',
      creationTime: '2024-09-06T10:14:30.000Z',
      lastModifiedTime: '2024-09-06T10:14:30.000Z',
      speakerInfo: [
        { speakerId: `p-${s3.slice(2)}-1`, name: 'John Smith', accountId: ACCOUNT, extensionId: REP_JOHN, phoneNumber: '+14155550101' },
        { speakerId: `p-${s3.slice(2)}-2`, name: 'Maria Garcia', accountId: ACCOUNT, extensionId: REP_MARIA, phoneNumber: '+14155550102' },
      ],
      insights: {
        Transcript: [
          { speakerId: `p-${s3.slice(2)}-1`, text: 'Maria, can you take the Northwind pilot?', start: 1, end: 4 },
          { speakerId: `p-${s3.slice(2)}-2`, text: 'Yes, I will prepare the pilot plan.', start: 5, end: 8 },
        ],
        Summary: [{ value: 'John handed the Northwind pilot to Maria.', start: 0, end: 60 }],
        NextSteps: [{ speakerId: `p-${s3.slice(2)}-2`, value: 'Prepare the Northwind pilot plan.', start: 5, end: 8 }],
        CallNotes: [{ value: 'Handover: Maria owns the Northwind pilot from now on.' }],
      },
    }),
  );

  // 4. A conference call with two external parties: the first carries her number, the second none.
  const s4 = 's-d33b2e4f06c7cd9e0f1a2b3c4d5e6f7a0000';
  const r = (n: number) => `p-${s4.slice(2)}-${n}`;
  write(
    'two-external-speakers.json',
    envelope('4130446572007716500', REP_JOHN, '2024-09-09T17:45:00.000Z', {
      eventType: 'Create',
      title: 'Call from John Smith to Contoso Ltd',
      rsRecordUri: 'https://ringsense.ringcentral.com/calls/2b8e6f0a-93d4-4f1e-a7c2-5d0e9b3c6a44',
      domain: 'pbx',
      sourceSessionId: s4,
      sourceRecordId: '2728084995303',
      callDirection: 'Outbound',
      ownerExtensionId: REP_JOHN,
      recordingDurationMs: 1800000,
      recordingStartTime: '2024-09-09T17:00:00.000Z',
      creationTime: '2024-09-09T17:44:00.000Z',
      lastModifiedTime: '2024-09-09T17:44:00.000Z',
      speakerInfo: [
        { speakerId: r(1), name: 'John Smith', accountId: ACCOUNT, extensionId: REP_JOHN },
        { speakerId: r(2), name: 'Priya Natarajan', accountId: null, extensionId: null, phoneNumber: '+4930901820' },
        { speakerId: r(3), name: 'Lukas Becker', accountId: null, extensionId: null },
      ],
      insights: {
        Transcript: [
          { speakerId: r(1), text: 'Thanks both for joining.', start: 2, end: 4 },
          { speakerId: r(2), text: 'Happy to. Lukas runs procurement for us.', start: 5, end: 9 },
          { speakerId: r(3), text: 'We need pricing in euros and a security review.', start: 10, end: 15 },
          { speakerId: r(1), text: 'I will send both by Monday.', start: 16, end: 18 },
        ],
        Summary: [{ value: 'Contoso needs euro pricing and a security review before procurement.', start: 0, end: 1800 }],
        HighLights: [{ speakerId: r(3), value: 'Pricing must be in euros.', start: 10, end: 15 }],
        NextSteps: [
          { speakerId: r(1), value: 'Send euro pricing to Contoso.', start: 16, end: 18 },
          { speakerId: r(3), value: 'Start the security review once the questionnaire arrives.', start: 10, end: 15 },
        ],
        AIScore: [{ value: '6' }],
        Sentiment: [{ value: 'Neutral' }],
        QnA: [{ speakerId: r(3), value: 'Can you send the pricing in euros?', start: 10, end: 15 }],
      },
    }),
  );

  // 5. A short call with no next steps and no highlights, a bulleted summary without sections (as RingCX sends it),
  //    and no number in the payload: the caller's number comes from the call log.
  const s5 = 's-e44c3f5a17d8de0f1a2b3c4d5e6f7a8b0000';
  write(
    'no-next-steps.json',
    envelope('4130446572007716600', REP_MARIA, '2024-09-10T09:05:00.000Z', {
      title: 'Call from Maria Garcia to Tracy Debolah',
      domain: 'pbx',
      sourceSessionId: s5,
      sourceRecordId: '2728084995404',
      callDirection: 'Outbound',
      ownerExtensionId: REP_MARIA,
      recordingDurationMs: 45000,
      recordingStartTime: '2024-09-10T09:00:00.000Z',
      creationTime: '2024-09-10T09:04:00.000Z',
      lastModifiedTime: '2024-09-10T09:04:00.000Z',
      speakerInfo: [
        { speakerId: `p-${s5.slice(2)}-1`, name: 'Maria Garcia', accountId: ACCOUNT, extensionId: REP_MARIA },
        { speakerId: `p-${s5.slice(2)}-2`, name: 'Tracy Debolah', accountId: null, extensionId: null },
      ],
      insights: {
        Transcript: [
          { speakerId: `p-${s5.slice(2)}-1`, text: 'Just confirming you received the contract.', start: 1, end: 4 },
          { speakerId: `p-${s5.slice(2)}-2`, text: 'Yes, all signed. Thank you!', start: 5, end: 7 },
        ],
        Summary: [{ value: 'Tracy confirmed the contract was received and signed.', start: 0, end: 45 }],
        NextSteps: [],
        BulletedSummary: [{ value: 'The contract is signed.' }],
        AIScore: [{ value: '9' }],
        Sentiment: [{ value: 'Positive' }],
      },
    }),
  );

  // 6. A very long call: 45 minutes, about 1,500 utterances, 20 next steps (for truncation and size limits).
  const s6 = 's-f55d4a6b28e9ef1a2b3c4d5e6f7a8b9c0000';
  const v = (n: number) => `p-${s6.slice(2)}-${n}`;
  const words = 'pricing integration rollout security onboarding contract renewal dashboard latency budget timeline pilot training support migration'.split(' ');
  const longTranscript: U[] = [];
  for (let i = 0; i < 1500; i++) {
    const start = i * 1.8;
    const w = (k: number) => words[(i * 7 + k * 3) % words.length];
    longTranscript.push({
      speakerId: v((i % 3) + 1),
      text: `Point ${i + 1}: we discussed the ${w(0)} and the ${w(1)}, and how the ${w(2)} affects the ${w(3)} for the next quarter.`,
      start: Math.round(start * 100) / 100,
      end: Math.round((start + 1.6) * 100) / 100,
    });
  }
  write(
    'very-long-call.json',
    envelope('4130446572007716700', REP_JOHN, '2024-09-11T16:00:00.000Z', {
      eventType: 'Create',
      title: 'Call from John Smith to Fabrikam Inc (quarterly business review with the whole buying committee)',
      rsRecordUri: 'https://ringsense.ringcentral.com/calls/5f1c7a2e-0b6d-4e93-8a41-c3d2e9f07b18',
      domain: 'pbx',
      sourceSessionId: s6,
      sourceRecordId: '2728084995505',
      callDirection: 'Outbound',
      ownerExtensionId: REP_JOHN,
      recordingDurationMs: 2_700_000,
      recordingStartTime: '2024-09-11T15:00:00.000Z',
      creationTime: '2024-09-11T15:58:00.000Z',
      lastModifiedTime: '2024-09-11T15:58:00.000Z',
      speakerInfo: [
        { speakerId: v(1), name: 'John Smith', accountId: ACCOUNT, extensionId: REP_JOHN },
        { speakerId: v(2), name: 'Amelia Hart', accountId: null, extensionId: null, phoneNumber: '+44 20 7946 0321' },
        { speakerId: v(3), name: 'Maria Garcia', accountId: ACCOUNT, extensionId: REP_MARIA },
      ],
      insights: {
        Transcript: longTranscript,
        Summary: Array.from({ length: 12 }, (_, i) => ({
          value: `Part ${i + 1} of the review covered the ${words[i % words.length]} workstream: status, risks, owners and the dates agreed for the next quarter.`,
          start: i * 225,
          end: (i + 1) * 225,
        })),
        HighLights: Array.from({ length: 30 }, (_, i) => ({
          speakerId: v((i % 3) + 1),
          value: `Highlight ${i + 1}: the ${words[i % words.length]} needs a decision before the end of the month.`,
          start: i * 90,
          end: i * 90 + 5,
        })),
        NextSteps: Array.from({ length: 20 }, (_, i) => ({
          speakerId: v((i % 3) + 1),
          value: `Follow up on the ${words[i % words.length]} item ${i + 1} with the Fabrikam team and confirm owners and dates in writing.`,
          start: i * 130,
          end: i * 130 + 6,
        })),
        BulletedSummary: words.slice(0, 6).map((w, i) => ({ value: `The ${w} workstream is on track; owners confirmed.`, section: i < 3 ? 'Status' : 'Risks' })),
        AIScore: [{ value: '7' }],
        Sentiment: [{ value: 'Neutral' }],
        QnA: Array.from({ length: 15 }, (_, i) => ({
          speakerId: v(2),
          value: `Question ${i + 1}: what does the ${words[i % words.length]} change mean for our team next quarter?`,
          start: i * 170 + 3,
          end: i * 170 + 8,
        })),
        CallNotes: [{ value: `Notes from the review. ${words.map((w) => `The ${w} item was discussed and its owner confirmed.`).join(' ')}` }],
      },
    }),
    true,
  );
  return out;
}
