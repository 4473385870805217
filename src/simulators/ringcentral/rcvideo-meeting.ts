/**
 * A RingCentral Video meeting as the meeting history API returns it. Field names, types and units follow the SDK
 * definitions (ringcentral/ringcentral-extensible, packages/core/src/definitions/Meeting.ts, Host.ts, Participant.ts,
 * Recording.ts, AdminAccessMeeting.ts, BasicParticipant.ts): `Meeting.startTime` is an ISO 8601 string, `duration` is
 * in seconds, `Recording.startTime` is epoch milliseconds. There is no `endTime` field (end = startTime + duration).
 * The meeting id has the form `<uuid>!<pod>@<region>` (docs code-samples/video/history.json); for ACE `rcv` it is
 * also the insights' sourceRecordId and sourceSessionId (docs/ai/ace.md).
 */
import { isRecord } from './http-io.ts';

export interface RcvHost {
  accountId?: string;
  extensionId?: string;
  displayName?: string;
}

export interface RcvParticipant {
  id: string;
  accountId?: string;
  extensionId?: string;
  displayName?: string;
  /** "Non empty if user joined by phone". */
  callerId?: string;
  /** Docs examples: `Leave`, `InConference`. */
  type: string;
  correlationId?: string;
}

export type RcvRecordingStatus = 'Processing' | 'Processed' | 'Error' | 'Corrupted' | 'InProgress' | 'Purged' | 'Failed';
export type RcvAvailabilityStatus = 'Alive' | 'Deleted' | 'Purged' | 'NotAvailable';

export interface RcvRecording {
  id: string;
  /** Epoch milliseconds (unlike Meeting.startTime). */
  startTime: number;
  status: RcvRecordingStatus;
  availabilityStatus: RcvAvailabilityStatus;
  url: string;
  /** Docs example `{duration, fileSize}`. */
  metadata: Record<string, unknown>;
  longSummary?: string;
  shortSummary?: string;
  keywords?: string[];
}

export interface RcvMeeting {
  id: string;
  shortId: string;
  bridgeId: string;
  /** ISO 8601. */
  startTime: string;
  displayName: string;
  hostInfo: RcvHost;
  /** Seconds. */
  duration?: number;
  type: 'Meeting' | 'Call';
  status: 'InProgress' | 'Done';
  rights: Array<'delete' | 'download' | 'share'>;
  participants: RcvParticipant[];
  recordings: RcvRecording[];
  transcriptions?: Array<{ id: string; type: 'LiveTranscription' }>;
  notes?: Array<{ id: string; type: 'GeneratedNotes'; status: 'Processing' | 'Processed' | 'Purged' | 'Failed' }>;
  summary?: string;
  chatUrl?: string;
}

/** AdminAccessMeeting: the account-wide list's reduced meeting (no recordings, type, status, rights). */
export type RcvAdminAccessMeeting = Pick<RcvMeeting, 'id' | 'shortId' | 'bridgeId' | 'startTime' | 'displayName' | 'hostInfo'> & {
  /** Seconds (required here). */
  duration: number;
  participants: Array<Pick<RcvParticipant, 'id' | 'accountId' | 'extensionId' | 'displayName' | 'callerId'>>;
  chatContentUri?: string;
};

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Checks what the simulator relies on (ids, dates, units) and returns a private copy. Throws TypeError. */
export function validateMeeting(m: RcvMeeting): RcvMeeting {
  if (!isRecord(m)) throw new TypeError('meeting must be an object');
  if (!nonEmpty(m.id)) throw new TypeError('meeting.id must be a non-empty string');
  if (typeof m.startTime !== 'string' || Number.isNaN(Date.parse(m.startTime))) throw new TypeError(`meeting.startTime must be an ISO 8601 string, got ${JSON.stringify(m.startTime)}`);
  if (m.duration !== undefined && (!Number.isInteger(m.duration) || m.duration < 0)) throw new TypeError('meeting.duration must be whole seconds');
  if (!isRecord(m.hostInfo)) throw new TypeError('meeting.hostInfo must be an object');
  if (!Array.isArray(m.participants) || !m.participants.every((p) => isRecord(p) && nonEmpty(p.id))) throw new TypeError('meeting.participants must be objects with an id');
  if (!Array.isArray(m.recordings)) throw new TypeError('meeting.recordings must be an array');
  for (const r of m.recordings) {
    if (!isRecord(r) || !nonEmpty(r.id)) throw new TypeError('meeting.recordings[] must have an id');
    if (!Number.isInteger(r.startTime)) throw new TypeError('meeting.recordings[].startTime must be epoch milliseconds');
  }
  return structuredClone(m);
}

/** The meeting's end in epoch ms (startTime + duration seconds; a meeting without a duration ends when it starts). */
export function meetingEndMs(m: RcvMeeting): number {
  return Date.parse(m.startTime) + (m.duration ?? 0) * 1000;
}

/** The account list's view of a meeting (AdminAccessMeeting + BasicParticipant). */
export function adminAccessView(m: RcvMeeting): RcvAdminAccessMeeting {
  return {
    id: m.id,
    shortId: m.shortId,
    bridgeId: m.bridgeId,
    startTime: m.startTime,
    displayName: m.displayName,
    hostInfo: structuredClone(m.hostInfo),
    duration: m.duration ?? 0,
    participants: m.participants.map((p) => ({
      id: p.id,
      ...(p.accountId !== undefined ? { accountId: p.accountId } : {}),
      ...(p.extensionId !== undefined ? { extensionId: p.extensionId } : {}),
      ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
      ...(p.callerId !== undefined ? { callerId: p.callerId } : {}),
    })),
  };
}
