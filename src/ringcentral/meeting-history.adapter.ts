/**
 * A RingCentral Video meeting's facts from the meeting history API (GET /rcvideo/v1/history/meetings/{meetingId},
 * Light rate group), validated here once: the start (ISO 8601), the duration (seconds), the host, the participants
 * and whether a recording was kept. Meeting ids hold `!` and `@` (`<uuid>!us-15-cmh06@us-15`): sent encoded.
 */
import { z } from 'zod';
import type { MeetingFacts } from '../calls/meeting-facts.ts';
import type { MeetingInsights } from '../calls/recording-insights.ts';
import type { Logger } from '../lib/logger.ts';
import { err, ok, type Result } from '../lib/result.ts';
import { toRingCentralError } from './ringcentral-error.ts';
import type { Platform } from './sdk.ts';

export const meetingHistoryPath = (meetingId: string): string => `/rcvideo/v1/history/meetings/${encodeURIComponent(meetingId)}`;

const optionalId = z.string().nullish().transform((v) => (v ? v : undefined));

const meetingSchema = z.object({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  startTime: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' }),
  duration: z.number().int().nonnegative().optional(),
  hostInfo: z.object({ extensionId: optionalId, displayName: z.string().nullish() }).partial().optional(),
  participants: z.array(z.object({ displayName: z.string().nullish(), extensionId: optionalId, callerId: optionalId })).default([]),
  recordings: z.array(z.object({ availabilityStatus: z.string().optional() })).default([]),
});

/** Whether a meeting history answer is a meeting with a recording RingCentral kept (false for anything else). */
export function meetingWasRecorded(body: unknown): boolean {
  const m = meetingSchema.safeParse(body);
  return m.success && recordedOf(m.data);
}

const recordedOf = (m: z.output<typeof meetingSchema>): boolean => m.recordings.some((r) => r.availabilityStatus === undefined || r.availabilityStatus === 'Alive');

/**
 * The meeting's facts; `undefined` when RingCentral has no such meeting (404), an error Result when its answer does
 * not have the shape of a meeting (the reason, never the payload). A failed request throws RingCentralError (a 429
 * keeps its Retry-After).
 */
export async function readMeetingFacts(platform: Platform, meetingId: string): Promise<Result<MeetingFacts, string> | undefined> {
  let body: unknown;
  try {
    body = await (await platform.get(meetingHistoryPath(meetingId))).json();
  } catch (e) {
    const error = await toRingCentralError(e);
    if (error.failure.code === 'not_found') return undefined;
    throw error;
  }
  const parsed = meetingSchema.safeParse(body);
  if (!parsed.success) return err(`the meeting history answer for ${meetingId} is not a meeting (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')})`);
  const m = parsed.data;
  return ok({
    meetingId: m.id,
    title: m.displayName?.trim() || undefined,
    startTime: m.startTime,
    durationSeconds: m.duration,
    hostExtensionId: m.hostInfo?.extensionId,
    participants: m.participants.map((p) => ({ name: p.displayName ?? undefined, extensionId: p.extensionId, callerId: p.callerId })),
    recorded: recordedOf(m),
  });
}

/**
 * The worker's source of meeting facts: RingCentral Video's history for an rcv meeting (by its id, the event's
 * sourceSessionId); nothing for ms-teams, whose meetings no RingCentral API lists. A history answer that is not a
 * meeting is a warning, and the meeting is written with what its insights say.
 */
export function meetingFactsFrom(platform: Platform, logger: Pick<Logger, 'warn'>): (meeting: MeetingInsights) => Promise<MeetingFacts | undefined> {
  return async (meeting) => {
    if (meeting.meetingDomain !== 'rcv') return undefined;
    const facts = await readMeetingFacts(platform, meeting.sourceSessionId);
    if (facts?.ok === false) logger.warn('meeting_history_unreadable', { reason: facts.error });
    return facts?.ok ? facts.value : undefined;
  };
}
