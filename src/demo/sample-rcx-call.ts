/**
 * A RingCX (contact center) conversation as ACE sends it, in the shape of the public sample
 * (ringcentral-api-docs, code-samples/events/ace-rcx-event.json): `eventType`, `rsRecordUri`, ids of the RingCX kind
 * (`s-v-<hex>-<ms>`, `p-v-<hex>-<ms>-<hex>`), the agent as a speaker with a numeric RingCX id, the account and the
 * agent's RingEX extension (the same as ownerExtensionId), every speaker with a phone number, the customer named just
 * "Customer", and the insights RingCX has (QnA, a bulleted summary of values, a score and a sentiment).
 */
import { REP_MARIA, SAMPLE_ACCOUNT_ID } from './sample-calls.ts';

export const RCX_SAMPLE_RECORD_ID = 'p-v-a3ebb45eb0714dd7a78f80295fe9f64f-1726497000000-0093ec0eaf0a4';
const AGENT = '3304627';
const CUSTOMER = 'da06ad67-178f-4e26-822e-8b5f0b04a960';

/** Maria, as a RingCX agent, takes a support call from Sean O'Brien of Northwind (a contact in the demo org). */
export function rcxSampleCall(): Record<string, unknown> {
  return {
    eventType: 'Create',
    title: 'Inbound call with +13125550177',
    rsRecordUri: 'https://ringsense.ringcentral.com/calls/cfddf168-4749-4926-baf0-c2a2054eb91c',
    domain: 'rcx',
    sourceSessionId: 's-v-a3ebb45eb0714dd7a78f80295fe9f64f-1726497000000',
    sourceRecordId: RCX_SAMPLE_RECORD_ID,
    callDirection: 'Inbound',
    ownerExtensionId: REP_MARIA,
    recordingDurationMs: 219063,
    recordingStartTime: '2024-09-16T14:30:00.000Z',
    creationTime: '2024-09-16T14:39:00.000Z',
    lastModifiedTime: '2024-09-16T14:39:00.000Z',
    speakerInfo: [
      { speakerId: AGENT, name: 'Maria Garcia', accountId: SAMPLE_ACCOUNT_ID, extensionId: REP_MARIA, phoneNumber: '+14155550102' },
      { speakerId: CUSTOMER, name: 'Customer', accountId: null, extensionId: null, phoneNumber: '+13125550177' },
    ],
    insights: {
      Transcript: [
        { start: 4.52, end: 14.68, speakerId: AGENT, text: 'Acme Robotics support, this is Maria. How can I help?' },
        { start: 15.1, end: 32.28, speakerId: CUSTOMER, text: 'Hi Maria, our pick robots at the Chicago site stopped syncing their routes this morning.' },
        { start: 33.0, end: 47.4, speakerId: AGENT, text: 'I see the site. I will push the route update again and open a ticket for the firmware team.' },
        { start: 48.0, end: 61.0, speakerId: CUSTOMER, text: 'Thanks. Can someone call me when it is fixed?' },
        { start: 61.5, end: 70.0, speakerId: AGENT, text: 'Yes, I will call you back by 4 pm today.' },
      ],
      Summary: [
        { value: 'The customer reported that the pick robots at the Chicago site stopped syncing routes.', start: 0, end: 32 },
        { value: 'The agent pushed the route update again, opened a firmware ticket and promised a call back.', start: 33, end: 70 },
      ],
      NextSteps: [{ value: 'Call Sean back by 4 pm with the status of the firmware ticket.', speakerId: AGENT, start: 61.5, end: 70 }],
      AIScore: [{ value: '7' }],
      Sentiment: [{ value: 'Neutral' }],
      QnA: [{ value: 'Can someone call me when it is fixed?', speakerId: CUSTOMER, start: 48, end: 61 }],
      BulletedSummary: [{ value: 'Chicago pick robots stopped syncing routes' }, { value: 'Route update pushed again; firmware ticket opened' }],
    },
  };
}
