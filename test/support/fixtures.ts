import { isMeeting, type ConversationInsights, type RecordingInsights } from '../../src/calls/recording-insights.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_NAMES = [
  'documented-example',
  'inbound-highlights',
  'no-external-speaker',
  'two-external-speakers',
  'no-next-steps',
  'very-long-call',
] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

/** A fresh, mutable copy of an insights notification fixture (the envelope the WebSocket delivers). */
export function loadEventFixture(name: FixtureName): { body: Record<string, unknown> } & Record<string, unknown> {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'insights-events', `${name}.json`), 'utf8')) as {
    body: Record<string, unknown>;
  } & Record<string, unknown>;
}

/** Parsed insights that must be a recorded call's (a fixture of pbx, rcx or nice-incontact), typed as one. */
export function asCall(c: ConversationInsights): RecordingInsights {
  if (isMeeting(c)) throw new Error(`${c.sourceRecordId} is a meeting (${c.meetingDomain}), not a call`);
  return c;
}
