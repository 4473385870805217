import type { RecordingInsights } from '../calls/recording-insights.ts';
import type { Mapping } from '../config/mapping.schema.ts';
import { localDate, UTC } from '../lib/local-date.ts';
import { singleLine } from '../lib/plain-text.ts';
import type { ResolvedParticipants } from '../mapping/resolve-participants.ts';
import { addBusinessDays } from './business-days.ts';
import { callKey, followUpKey, meetingMarker } from './call-key.ts';
import { describeCall } from './describe-call.ts';
import { plainInsights } from './plain-insights.ts';
import { cutOnWord, formatOffset } from './text.ts';

export interface TaskFields {
  Subject: string;
  Description: string;
  OwnerId: string;
  ActivityDate: string;
  Status: 'Completed' | 'Not Started';
  Priority: 'High' | 'Normal' | 'Low';
  TaskSubtype: 'Call' | 'Task';
  WhoId?: string;
  WhatId?: string;
  CallType?: 'Inbound' | 'Outbound' | 'Internal';
  CallDurationInSeconds?: number;
  Type?: string;
}

/** A meeting's Event (mapping `meetings.recordAs: event`): completed, its time the meeting's. */
export interface EventFields {
  Subject: string;
  Description: string;
  OwnerId: string;
  /** ISO 8601; EndDateTime is Salesforce's, from the start and DurationInMinutes. */
  StartDateTime: string;
  DurationInMinutes: number;
  /** Create-only: a meeting is an Event, not a Call or an Email. */
  EventSubtype: 'Event';
  WhoId?: string;
  WhatId?: string;
  Type?: string;
}

/** A Task to write, with the key that makes writing it idempotent. */
export interface TaskDraft {
  readonly key: string;
  readonly kind: 'call' | 'follow_up';
  readonly fields: TaskFields;
}

/**
 * A meeting's Event to write. Event has no CallObject: without the External ID field the key cannot live in a
 * field of its own, so the Event is found by where a meeting is (its start, and its owner's day) and told by the
 * `marker` line its Description carries (call-key.ts).
 */
export interface EventDraft {
  readonly key: string;
  readonly kind: 'meeting';
  readonly fields: EventFields;
  readonly marker: string;
}

/** A record the sync writes: a Task (a call, a follow-up, a meeting recorded as a task) or a meeting's Event. */
export type ActivityDraft = TaskDraft | EventDraft;

export interface CallDrafts {
  readonly sourceRecordId: string;
  /** lastModifiedTime of the insights these drafts come from. */
  readonly version: string;
  /** The conversation's activity: a Task, or a meeting's Event. */
  readonly call: ActivityDraft;
  readonly followUps: readonly TaskDraft[];
}

export interface DraftOptions {
  readonly activity: Mapping['activity'];
  readonly followUps: Mapping['followUps'];
  /** How meetings are written (default: as Events). */
  readonly meetings?: Mapping['meetings'];
}

export const SUBJECT_LIMIT = 255;
/** A speaker's label in a Description: at most what a Contact's or Lead's Name holds (a 15,000-character name would crowd out every line it labels). */
export const SPEAKER_NAME_LIMIT = 121;

export function speakerNamer(insights: RecordingInsights): (speakerId: string | null | undefined) => string {
  const names = new Map<string, string>();
  const label = (name: string) => (name.length > SPEAKER_NAME_LIMIT ? cutOnWord(name, SPEAKER_NAME_LIMIT) : name);
  insights.speakerInfo.forEach((s, i) => names.set(s.speakerId, label(s.name?.trim() ?? '') || `Speaker ${i + 1}`));
  return (id) => (id ? (names.get(id) ?? 'Unknown speaker') : 'Unknown speaker');
}

function callSubject(insights: RecordingInsights, prefix: string): string {
  const title = insights.title.trim() || (insights.meeting ? 'Meeting' : `${insights.callDirection ?? 'Recorded'} call`);
  return cutOnWord(`${prefix}${title}`, SUBJECT_LIMIT);
}

/** A meeting's length in whole minutes (Event.DurationInMinutes), at least one. */
const minutesOf = (ms: number): number => Math.max(1, Math.round(ms / 60_000));

/**
 * Turns validated insights and resolved participants into the Tasks to write: one completed call activity
 * and one open follow-up per next step. Pure and deterministic. Every text written comes through plainInsights
 * (the payload's) or singleLine (the mapping's): plain text, the only line breaks the product's own.
 */
export function buildDrafts(received: RecordingInsights, who: ResolvedParticipants, opts: DraftOptions): CallDrafts {
  const insights = plainInsights(received);
  const subjectPrefix = singleLine(opts.activity.subjectPrefix);
  const type = opts.activity.type === undefined ? undefined : singleLine(opts.activity.type).trim();
  const name = speakerNamer(insights);
  // The rep's day: a call at 7:30 pm in California is that day's call, and its follow-ups count from that day.
  const callDate = localDate(insights.recordingStartTime, who.ownerTimeZone ?? UTC);
  const hasExternal = insights.speakerInfo.some((s) => !s.extensionId);
  const relation = {
    ...(who.who ? { WhoId: who.who.id } : {}),
    ...(who.whatId && who.who?.type !== 'Lead' ? { WhatId: who.whatId } : {}),
  };
  const description = describeCall(insights, {
    includeHighlights: opts.activity.includeHighlights,
    includeNextSteps: opts.activity.includeNextSteps,
    includeTranscript: opts.activity.includeTranscript,
    speakerName: name,
  });
  const subject = callSubject(insights, subjectPrefix);
  const call: ActivityDraft =
    insights.meeting && (opts.meetings?.recordAs ?? 'event') === 'event'
      ? {
          key: callKey(insights.sourceRecordId),
          kind: 'meeting',
          marker: meetingMarker(insights.sourceRecordId),
          fields: {
            Subject: subject,
            Description: description,
            OwnerId: who.ownerUserId,
            StartDateTime: new Date(Date.parse(insights.recordingStartTime)).toISOString(),
            DurationInMinutes: minutesOf(insights.recordingDurationMs),
            EventSubtype: 'Event',
            ...(type ? { Type: type } : {}),
            ...relation,
          },
        }
      : {
          key: callKey(insights.sourceRecordId),
          kind: 'call',
          fields: {
            Subject: subject,
            Description: description,
            OwnerId: who.ownerUserId,
            ActivityDate: callDate,
            Status: 'Completed',
            Priority: 'Normal',
            // A meeting recorded as a task is a completed task, not a phone call.
            TaskSubtype: insights.meeting ? 'Task' : 'Call',
            ...(insights.meeting ? {} : !hasExternal ? { CallType: 'Internal' as const } : insights.callDirection ? { CallType: insights.callDirection } : {}),
            ...(insights.meeting ? {} : { CallDurationInSeconds: Math.round(insights.recordingDurationMs / 1000) }),
            ...(type ? { Type: type } : {}),
            ...relation,
          },
        };

  const followUps: TaskDraft[] = [];
  if (opts.followUps.enabled) {
    const due = addBusinessDays(callDate, opts.followUps.dueInBusinessDays);
    // A meeting's times are the recording's, which may have started after the meeting did.
    const noun = insights.meeting ? 'recording' : 'call';
    const seen = new Set<string>();
    for (const step of insights.insights.NextSteps) {
      const value = step.value.trim();
      if (!value) continue;
      const key = followUpKey(insights.sourceRecordId, value);
      if (seen.has(key)) continue; // the same step twice in one call is one task
      seen.add(key);
      const speakerUser = step.speakerId ? who.speakerUserIds.get(step.speakerId) : undefined;
      const owner = opts.followUps.assignTo === 'speaker_or_owner' && speakerUser ? speakerUser : who.ownerUserId;
      const said = step.speakerId ? `${name(step.speakerId)} said this` : 'This came up';
      const when = step.start !== undefined ? ` at ${formatOffset(step.start)} into the ${noun}` : '';
      const description = [
        value,
        '',
        `${said}${when}.`,
        insights.meeting
          ? `Meeting: ${subject.slice(subjectPrefix.length) || 'meeting'} (${callDate}, ${meetingMarker(insights.sourceRecordId)}).`
          : `Call: ${insights.title.trim() || 'recorded call'} (${callDate}, RingCentral recording ${insights.sourceRecordId}).`,
        ...(insights.rsRecordUri ? [`RingSense: ${insights.rsRecordUri}`] : []),
        'Next step captured by RingSense for Sales.',
      ].join('\n');
      followUps.push({
        key,
        kind: 'follow_up',
        fields: {
          Subject: cutOnWord(value, SUBJECT_LIMIT),
          Description: description.length > 32_000 ? cutOnWord(description, 32_000) : description,
          OwnerId: owner,
          ActivityDate: due,
          Status: 'Not Started',
          Priority: opts.followUps.priority,
          TaskSubtype: 'Task',
          ...relation,
        },
      });
    }
  }
  return { sourceRecordId: insights.sourceRecordId, version: insights.lastModifiedTime, call, followUps };
}
