/**
 * A recorded call as the core sees it: RingSense's insights for one recording, already validated. mapping/ and
 * sync/ work on this type; the edges parse into it (src/ringcentral/insights-event.schema.ts checks at compile
 * time that its zod schema produces exactly this type, so the two cannot drift). This folder imports nothing.
 *
 * Property names follow RingSense's own (PascalCase insight kinds included), so the parsed JSON is the value.
 */

/** Someone RingSense heard on the call. Internal speakers carry the RingCentral extension they spoke from. */
export interface Speaker {
  speakerId: string;
  name?: string | null | undefined;
  accountId?: string | null | undefined;
  extensionId?: string | null | undefined;
  /** The participant's number as RingSense wrote it (newer events): the external party's saves a call-log lookup. */
  phoneNumber?: string | null | undefined;
}

/** One line of the transcript; start and end are seconds into the recording. */
export interface Utterance {
  speakerId: string;
  text: string;
  start: number;
  end: number;
}

/** A summary paragraph, with where in the recording it comes from when known. */
export interface SummaryUnit {
  value: string;
  start?: number | undefined;
  end?: number | undefined;
}

/** A highlight, a next step or a question (QnA): what was said and, when known, who said it and when. */
export interface SpeakerUnit {
  value: string;
  speakerId?: string | null | undefined;
  start?: number | undefined;
  end?: number | undefined;
}

/** A bare value: an AI score (a number as a string, e.g. "7"), a sentiment (Positive, Negative, Neutral), call notes. */
export interface ValueUnit {
  value: string;
}

/** A point of the bulleted summary, under its section's name when RingSense gave one. */
export interface BulletedSummaryUnit {
  value: string;
  section?: string | null | undefined;
}

/**
 * The AI insights of a recording. Other kinds RingSense may add pass through parsing untyped: they stay in the job
 * data (the event is stored whole) and are named in a debug log (unknownInsightTypes), never read.
 */
export interface CallInsights {
  Transcript: Utterance[];
  Summary: SummaryUnit[];
  /** One list, whichever spelling (Highlights or HighLights) RingSense used. */
  Highlights: SpeakerUnit[];
  NextSteps: SpeakerUnit[];
  BulletedSummary?: BulletedSummaryUnit[] | undefined;
  AIScore?: ValueUnit[] | undefined;
  Sentiment?: ValueUnit[] | undefined;
  /** RingEX calls with AI Notes on, when the admin allows importing them. */
  CallNotes?: ValueUnit[] | undefined;
  /** Questions asked on the call (RingCX data; not in the SDK's type): each the question, who asked it and when. */
  QnA?: SpeakerUnit[] | undefined;
}

/** The insight kinds this product reads (Highlights also as HighLights). */
export const KNOWN_INSIGHT_TYPES: ReadonlySet<string> = new Set([
  'Transcript',
  'Summary',
  'Highlights',
  'HighLights',
  'NextSteps',
  'BulletedSummary',
  'AIScore',
  'Sentiment',
  'CallNotes',
  'QnA',
]);

/**
 * The insight kinds in `insights` this product does not know yet (kept, not read), for a log: their names only, at
 * most 20 of them, each cut to 64 characters (a payload's key is no more trusted than its values).
 */
export function unknownInsightTypes(insights: CallInsights): string[] {
  return Object.keys(insights)
    .filter((k) => !KNOWN_INSIGHT_TYPES.has(k))
    .slice(0, 20)
    .map((k) => k.slice(0, 64));
}

/** RingSense's insights of one recorded RingEX voice call ("pbx" domain), as a notification or the REST API gives them. */
export interface RecordingInsights {
  title: string;
  domain: string;
  /** The recording's id: the call's identity throughout this service. */
  sourceRecordId: string;
  sourceSessionId: string;
  /** "Create" in the newer samples; informational (a later version is told by lastModifiedTime). */
  eventType?: string | undefined;
  /** A deep link to the recording in the RingSense web app. */
  rsRecordUri?: string | undefined;
  callDirection?: 'Inbound' | 'Outbound' | undefined;
  /** The extension that owns the recording (RingCentral sends a number or a string; always a string here). */
  ownerExtensionId: string;
  recordingDurationMs: number;
  /** ISO 8601 date-times with an offset. */
  recordingStartTime: string;
  creationTime?: string | undefined;
  lastModifiedTime: string;
  speakerInfo: Speaker[];
  insights: CallInsights;
  /**
   * Set for a meeting (rcv, ms-teams) once its facts are known (calls/meeting.ts): never by a payload (the schema
   * does not read it). The owner, start and length above then come from the meeting, not from a recording.
   */
  meeting?: MeetingDetails | undefined;
}

/** What a meeting adds to its insights for the activity: where it was held and who attended. */
export interface MeetingDetails {
  readonly platform: 'rcv' | 'ms-teams';
  /** Everyone who attended by name (the host first), as the meeting or, without its record, the speakers name them. */
  readonly attendees: readonly string[];
  /** True when the start and length are estimated from the insights (ms-teams: no API gives a Teams meeting's). */
  readonly estimated: boolean;
}

/**
 * A meeting's insights as ACE sends them (rcv, ms-teams): no owner, start, length or direction, which the worker
 * completes from the meeting's facts (calls/meeting.ts). `meetingDomain` marks them (set by the schema).
 */
export interface MeetingInsights extends Omit<RecordingInsights, 'ownerExtensionId' | 'recordingStartTime' | 'recordingDurationMs' | 'meeting'> {
  meetingDomain: 'rcv' | 'ms-teams';
  ownerExtensionId?: string | undefined;
  recordingStartTime?: string | undefined;
  recordingDurationMs?: number | undefined;
}

/** What an insights event or REST read parses into: a recorded call, or a meeting still to be completed. */
export type ConversationInsights = RecordingInsights | MeetingInsights;

export const isMeeting = (c: ConversationInsights): c is MeetingInsights => 'meetingDomain' in c;
