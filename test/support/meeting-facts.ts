import type { MeetingFacts } from '../../src/calls/meeting-facts.ts';
import { rcvSampleMeeting } from '../../src/demo/sample-meetings.ts';

/** The rcv sample's facts as meeting-history.adapter.ts reads them from its history record. */
export function rcvFacts(over: Partial<MeetingFacts> = {}): MeetingFacts {
  const m = rcvSampleMeeting().meeting;
  return {
    meetingId: m.id,
    title: m.displayName,
    startTime: m.startTime,
    durationSeconds: m.duration ?? 0,
    hostExtensionId: m.hostInfo.extensionId,
    participants: m.participants.map((p) => ({ name: p.displayName, extensionId: p.extensionId, callerId: p.callerId })),
    recorded: true,
    ...over,
  };
}
