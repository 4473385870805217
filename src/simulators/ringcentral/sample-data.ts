/**
 * Builders for realistic seed data in the documented RingSense / call-log shapes (invented people).
 * Used by the contract tests and the demo; override any field per call.
 */
import type { CallDirection, SimExtension, SimRecording } from './state.ts';

export interface SampleRecordingInput {
  sourceRecordId: string;
  sourceSessionId?: string;
  ownerExtensionId?: string;
  ownerName?: string;
  accountId?: string;
  direction?: CallDirection;
  customerName?: string;
  customerPhone?: string;
  ownerPhone?: string;
  recordingStartTime?: string;
  recordingDurationMs?: number;
  analysed?: boolean;
  /** Spell the highlights key as the docs do (`HighLights`) instead of the spec (`Highlights`). */
  docsHighlightsKey?: boolean;
}

export const SAMPLE_EXTENSIONS: SimExtension[] = [
  { id: '62264425016', extensionNumber: '101', name: 'Avery Quinn', email: 'avery.quinn@example.com' },
  { id: '62264425017', extensionNumber: '102', name: 'Jordan Blake', email: 'jordan.blake@example.com' },
];

export function sampleRecording(input: SampleRecordingInput): SimRecording {
  const ownerExtensionId = input.ownerExtensionId ?? '62264425016';
  const ownerName = input.ownerName ?? 'Avery Quinn';
  const customerName = input.customerName ?? 'Morgan Ellis';
  const direction = input.direction ?? 'Outbound';
  const sessionId = input.sourceSessionId ?? `s-a0e7b361acc0az191bec7e275z7cae${input.sourceRecordId.slice(-6).padStart(6, '0')}`;
  const core = sessionId.replace(/^s-/, '');
  const start = input.recordingStartTime ?? new Date(Date.now() - 30 * 60_000).toISOString();
  const durationMs = input.recordingDurationMs ?? 125_963;
  const analysedAt = new Date(Date.parse(start) + durationMs + 5 * 60_000).toISOString();
  const agent = `p-${core}-1`;
  const customer = `p-${core}-2`;
  const highlightsKey = input.docsHighlightsKey ? 'HighLights' : 'Highlights';
  const title = direction === 'Outbound' ? `Call from ${ownerName} to ${customerName}` : `Call from ${customerName} to ${ownerName}`;
  const ownerParty = { name: ownerName, extensionId: ownerExtensionId, phoneNumber: input.ownerPhone ?? '+16505550100' };
  const customerParty = { name: customerName, phoneNumber: input.customerPhone ?? '+14155550123' };
  return {
    analysed: input.analysed ?? true,
    insights: {
      title,
      domain: 'pbx',
      sourceSessionId: sessionId,
      sourceRecordId: input.sourceRecordId,
      callDirection: direction,
      ownerExtensionId,
      recordingDurationMs: durationMs,
      recordingStartTime: start,
      creationTime: analysedAt,
      lastModifiedTime: analysedAt,
      speakerInfo: [
        { speakerId: agent, name: ownerName, accountId: input.accountId ?? '809646016', extensionId: ownerExtensionId },
        { speakerId: customer, name: customerName, accountId: null, extensionId: null },
      ],
      insights: {
        Transcript: [
          { start: 2.2, end: 14.52, text: 'Thanks for taking the call, I wanted to walk through the renewal.', speakerId: agent },
          { start: 15.1, end: 22.8, text: 'Sure, we mainly need pricing for the extra seats.', speakerId: customer },
        ],
        Summary: [{ start: 0, end: 1, value: 'The call covered the renewal and pricing for additional seats.' }],
        [highlightsKey]: [{ start: 15.1, end: 22.8, value: 'Customer needs pricing for extra seats.', speakerId: customer }],
        NextSteps: [
          { start: 42.52, end: 53.32, value: 'Send a quote for 20 additional seats.', speakerId: agent },
          { start: 56.04, end: 64.92, value: 'Schedule a follow-up demo next week.', speakerId: customer },
        ],
        Sentiment: [{ value: 'Positive' }],
      },
    },
    callLog: {
      from: direction === 'Outbound' ? ownerParty : customerParty,
      to: direction === 'Outbound' ? customerParty : ownerParty,
      startTime: start,
      durationSeconds: Math.ceil(durationMs / 1000),
    },
  };
}
