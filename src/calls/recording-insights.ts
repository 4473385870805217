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

/** A highlight or a next step: what was said and, when known, who said it and when. */
export interface SpeakerUnit {
  value: string;
  speakerId?: string | null | undefined;
  start?: number | undefined;
  end?: number | undefined;
}

export interface ValueUnit {
  value: string;
}

export interface BulletedSummaryUnit {
  value: string;
  section?: string | null | undefined;
}

/** The AI insights of a recording (other kinds RingSense may add pass through parsing, untyped and unread). */
export interface CallInsights {
  Transcript: Utterance[];
  Summary: SummaryUnit[];
  /** One list, whichever spelling (Highlights or HighLights) RingSense used. */
  Highlights: SpeakerUnit[];
  NextSteps: SpeakerUnit[];
  BulletedSummary?: BulletedSummaryUnit[] | undefined;
  AIScore?: ValueUnit[] | undefined;
  Sentiment?: ValueUnit[] | undefined;
  CallNotes?: ValueUnit[] | undefined;
}

/** RingSense's insights of one recorded RingEX voice call ("pbx" domain), as a notification or the REST API gives them. */
export interface RecordingInsights {
  title: string;
  domain: string;
  /** The recording's id: the call's identity throughout this service. */
  sourceRecordId: string;
  sourceSessionId: string;
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
}
