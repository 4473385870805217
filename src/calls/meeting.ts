/**
 * A meeting's insights completed into what the rest of the sync writes: the owner, start and length its event does
 * not carry, from the meeting's facts (rcv: RingCentral Video's meeting history) or, where no API has them
 * (ms-teams, or an rcv meeting the history no longer holds), estimated from the insights. Pure.
 */
import type { MeetingFacts } from './meeting-facts.ts';
import type { MeetingInsights, RecordingInsights, Speaker } from './recording-insights.ts';

export type Completed = { readonly ok: true; readonly call: RecordingInsights } | { readonly ok: false; readonly reason: 'unmapped_owner'; readonly message: string; readonly subject: string };

const nameKey = (n: string | null | undefined): string => (n ?? '').trim().toLowerCase().replace(/\s+/g, ' ');

/** How far into the recording the last thing the insights place in time ends, in seconds. */
function lastEnd(m: MeetingInsights): number {
  const i = m.insights;
  let end = 0;
  for (const list of [i.Transcript, i.Summary, i.Highlights, i.NextSteps, i.QnA ?? []]) {
    for (const u of list) if (typeof u.end === 'number' && u.end > end) end = u.end;
  }
  return end;
}

/**
 * The start and length without facts: as the payload gives them, else the insights' record was created when the
 * recording ended (creationTime, or the version's time), and the recording lasted as long as its last utterance.
 * An estimate: ACE analyses a recording after it ends, so the start comes out a few minutes late.
 */
function estimated(m: MeetingInsights): { start: string; durationMs: number; estimated: boolean } {
  const durationMs = m.recordingDurationMs ?? Math.round(lastEnd(m) * 1000);
  if (m.recordingStartTime !== undefined) return { start: m.recordingStartTime, durationMs, estimated: m.recordingDurationMs === undefined };
  const created = Date.parse(m.creationTime ?? m.lastModifiedTime);
  // Whole seconds: the same insights always give the same start.
  return { start: new Date(Math.floor((created - durationMs) / 1000) * 1000).toISOString(), durationMs, estimated: true };
}

/** Speakers with the number each external one dialled in from, when the meeting's record names them alike. */
function withCallerIds(speakers: readonly Speaker[], facts: MeetingFacts | undefined): Speaker[] {
  if (!facts) return [...speakers];
  const byName = new Map<string, string>();
  for (const p of facts.participants) if (p.callerId && !p.extensionId && p.name) byName.set(nameKey(p.name), p.callerId);
  return speakers.map((s) => {
    if (s.extensionId || s.phoneNumber) return s;
    const callerId = byName.get(nameKey(s.name));
    return callerId ? { ...s, phoneNumber: callerId } : s;
  });
}

/** Everyone who attended by name, host first, each once. */
function attendeesOf(m: MeetingInsights, facts: MeetingFacts | undefined, hostExt: string | undefined): string[] {
  const people: Array<{ name: string | undefined; ext: string | undefined }> = facts
    ? facts.participants.map((p) => ({ name: p.name, ext: p.extensionId }))
    : m.speakerInfo.map((s) => ({ name: s.name ?? undefined, ext: s.extensionId ?? undefined }));
  const ordered = [...people.filter((p) => hostExt !== undefined && p.ext === hostExt), ...people.filter((p) => hostExt === undefined || p.ext !== hostExt)];
  const seen = new Set<string>();
  const names: string[] = [];
  for (const p of ordered) {
    const name = p.name?.trim();
    if (!name || seen.has(nameKey(name))) continue;
    seen.add(nameKey(name));
    names.push(name);
  }
  return names;
}

/**
 * The meeting as a conversation to write. The owner is the host when the host is a user of the account (the facts,
 * else the payload's ownerExtensionId), else the first internal speaker; a meeting with none of them is refused
 * (`unmapped_owner`: the admin looks at it).
 */
export function completeMeeting(m: MeetingInsights, facts: MeetingFacts | undefined): Completed {
  const internal = m.speakerInfo.find((s) => s.extensionId)?.extensionId ?? undefined;
  const owner = facts?.hostExtensionId ?? m.ownerExtensionId ?? internal;
  if (!owner) {
    return {
      ok: false,
      reason: 'unmapped_owner',
      subject: `meeting ${m.sourceRecordId}`,
      message: `Meeting ${m.sourceRecordId} names no host or speaker from this RingCentral account, so no owner can be chosen for it (ACE analyses meetings of the account's users: check the meeting in RingCentral, then retry it).`,
    };
  }
  const guess = estimated(m);
  const time = !facts
    ? guess
    : facts.durationSeconds === undefined
      ? { start: facts.startTime, durationMs: guess.durationMs, estimated: true }
      : { start: facts.startTime, durationMs: facts.durationSeconds * 1000, estimated: false };
  const { meetingDomain, ownerExtensionId: _o, recordingStartTime: _s, recordingDurationMs: _d, ...rest } = m;
  const call: RecordingInsights = {
    ...rest,
    title: facts?.title ?? m.title,
    ownerExtensionId: owner,
    recordingStartTime: time.start,
    recordingDurationMs: time.durationMs,
    speakerInfo: withCallerIds(m.speakerInfo, facts),
    meeting: { platform: meetingDomain, attendees: attendeesOf(m, facts, owner), estimated: time.estimated },
  };
  return { ok: true, call };
}
