/**
 * The simulated account's data: extensions, recorded calls with their RingSense insights, and plain
 * (unrecorded) calls. Everything the REST APIs and the WebSocket gateway read comes from here.
 */
import { isRecord } from './http-io.ts';
import { validateMeeting, type RcvMeeting } from './rcvideo-meeting.ts';

export type CallDirection = 'Inbound' | 'Outbound';
export type RecordingType = 'Automatic' | 'OnDemand';

export interface SimParty {
  phoneNumber?: string;
  name?: string;
  extensionId?: string;
  extensionNumber?: string;
}

export interface SimExtension {
  id: string;
  extensionNumber: string;
  name: string;
  email?: string;
  status?: 'Enabled' | 'Disabled';
  type?: string;
}

export interface SimCallLog {
  from: SimParty;
  to: SimParty;
  startTime?: string;
  durationSeconds?: number;
  result?: string;
  /** Recording type in the call log; 'Automatic' by default. */
  recordingType?: RecordingType;
}

export interface SimRecording {
  /** A RecordingInsights object as RingSense returns it. Must carry sourceRecordId and sourceSessionId. */
  insights: Record<string, unknown>;
  callLog?: SimCallLog;
  /** false => the insights REST answers 404 until markAnalysed (default true). */
  analysed?: boolean;
}

/** A call without a recording: it shows in the call log only (and is filtered out by recordingType). */
export interface SimCall {
  telephonySessionId: string;
  direction: CallDirection;
  ownerExtensionId: string;
  from: SimParty;
  to: SimParty;
  startTime: string;
  durationSeconds: number;
  result?: string;
}

export interface RingCentralSeed {
  extensions?: SimExtension[];
  recordings?: SimRecording[];
  calls?: SimCall[];
  /** RingCentral Video meetings for the meeting history API (rcvideo-api.ts). */
  meetings?: RcvMeeting[];
}

/** One call as the call log sees it, whichever way it was seeded. */
export interface CallEntry {
  key: string;
  telephonySessionId: string;
  direction: CallDirection;
  ownerExtensionId: string;
  from: SimParty;
  to: SimParty;
  startTime: string;
  durationMs: number;
  result?: string;
  recording?: { id: string; type: RecordingType };
  lastModifiedTime: string;
}

export interface StoredRecording {
  sourceRecordId: string;
  sourceSessionId: string;
  insights: Record<string, unknown>;
  callLog?: SimCallLog;
  analysed: boolean;
}

export class SimState {
  readonly accountId: string;
  readonly ownerExtensionId: string;
  private readonly extensionsById = new Map<string, SimExtension>();
  private readonly recordingsById = new Map<string, StoredRecording>();
  private readonly calls: SimCall[] = [];
  private readonly meetingsById = new Map<string, RcvMeeting>();

  constructor(accountId: string, seed: RingCentralSeed | undefined) {
    this.accountId = accountId;
    const first = seed?.extensions?.[0];
    const owner: SimExtension = first ?? { id: '62264425016', extensionNumber: '101', name: 'Sim Admin', email: 'admin@example.com' };
    this.ownerExtensionId = owner.id;
    this.addExtension(owner);
    if (seed) this.seed(seed);
  }

  seed(seed: RingCentralSeed): void {
    for (const ext of seed.extensions ?? []) this.addExtension(ext);
    for (const rec of seed.recordings ?? []) this.addRecording(rec);
    for (const call of seed.calls ?? []) this.addCall(call);
    for (const meeting of seed.meetings ?? []) this.addMeeting(meeting);
  }

  addMeeting(m: RcvMeeting): void {
    const copy = validateMeeting(m);
    this.meetingsById.set(copy.id, copy);
  }

  meeting(id: string): RcvMeeting | undefined {
    return this.meetingsById.get(id);
  }

  meetings(): RcvMeeting[] {
    return [...this.meetingsById.values()];
  }

  addExtension(ext: SimExtension): void {
    if (!/^\d+$/.test(ext.id)) throw new TypeError(`extension id must be numeric, got ${JSON.stringify(ext.id)}`);
    this.extensionsById.set(ext.id, { ...ext });
  }

  addRecording(r: SimRecording): StoredRecording {
    if (!isRecord(r.insights)) throw new TypeError('recording.insights must be an object');
    const sourceRecordId = r.insights.sourceRecordId;
    const sourceSessionId = r.insights.sourceSessionId;
    if (typeof sourceRecordId !== 'string' || sourceRecordId === '') throw new TypeError('insights.sourceRecordId must be a non-empty string');
    if (typeof sourceSessionId !== 'string' || sourceSessionId === '') throw new TypeError('insights.sourceSessionId must be a non-empty string');
    const stored: StoredRecording = {
      sourceRecordId,
      sourceSessionId,
      insights: structuredClone(r.insights),
      analysed: r.analysed ?? true,
      ...(r.callLog ? { callLog: structuredClone(r.callLog) } : {}),
    };
    this.recordingsById.set(sourceRecordId, stored);
    return stored;
  }

  addCall(call: SimCall): void {
    if (Number.isNaN(Date.parse(call.startTime))) throw new TypeError(`call.startTime is not a date: ${call.startTime}`);
    this.calls.push(structuredClone(call));
  }

  markAnalysed(sourceRecordId: string): void {
    const rec = this.recordingsById.get(sourceRecordId);
    if (!rec) throw new Error(`unknown recording ${sourceRecordId}`);
    rec.analysed = true;
  }

  recording(sourceRecordId: string): StoredRecording | undefined {
    return this.recordingsById.get(sourceRecordId);
  }

  recordingsOfSession(sourceSessionId: string): StoredRecording[] {
    return [...this.recordingsById.values()].filter((r) => r.sourceSessionId === sourceSessionId);
  }

  extension(id: string): SimExtension | undefined {
    return this.extensionsById.get(id);
  }

  extensions(): SimExtension[] {
    return [...this.extensionsById.values()];
  }

  /** The call log: RingEX phone calls only (pbx recordings and plain calls; video meetings and RingCX calls are not in it). */
  callEntries(): CallEntry[] {
    const phone = [...this.recordingsById.values()].filter((r) => (r.insights.domain ?? 'pbx') === 'pbx');
    return [...phone.map(callEntryFromRecording), ...this.calls.map(callEntryFromCall)];
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function speakers(insights: Record<string, unknown>): Array<Record<string, unknown>> {
  const list = insights.speakerInfo;
  return Array.isArray(list) ? list.filter(isRecord) : [];
}

/** The call-log view of a recording: explicit callLog data first, RingSense fields as the fallback. */
export function callEntryFromRecording(rec: StoredRecording): CallEntry {
  const ins = rec.insights;
  const direction: CallDirection = ins.callDirection === 'Inbound' ? 'Inbound' : 'Outbound';
  const ownerExtensionId = str(ins.ownerExtensionId) ?? '';
  const internal = speakers(ins).find((s) => s.extensionId !== null && s.extensionId !== undefined);
  const external = speakers(ins).find((s) => s.extensionId === null || s.extensionId === undefined);
  const ownerParty: SimParty = { extensionId: ownerExtensionId, ...(str(internal?.name) ? { name: str(internal?.name) } : {}) };
  const otherParty: SimParty = str(external?.name) ? { name: str(external?.name) } : {};
  const from = rec.callLog?.from ?? (direction === 'Inbound' ? otherParty : ownerParty);
  const to = rec.callLog?.to ?? (direction === 'Inbound' ? ownerParty : otherParty);
  const recordingMs = typeof ins.recordingDurationMs === 'number' ? ins.recordingDurationMs : 0;
  const startTime = rec.callLog?.startTime ?? str(ins.recordingStartTime) ?? new Date().toISOString();
  const durationMs = rec.callLog?.durationSeconds !== undefined ? rec.callLog.durationSeconds * 1000 : Math.ceil(recordingMs / 1000) * 1000;
  return {
    key: `rec:${rec.sourceRecordId}`,
    telephonySessionId: rec.sourceSessionId,
    direction,
    ownerExtensionId,
    from,
    to,
    startTime,
    durationMs,
    ...(rec.callLog?.result ? { result: rec.callLog.result } : {}),
    recording: { id: rec.sourceRecordId, type: rec.callLog?.recordingType ?? 'Automatic' },
    lastModifiedTime: new Date(Date.parse(startTime) + durationMs + 1000).toISOString(),
  };
}

function callEntryFromCall(call: SimCall): CallEntry {
  const durationMs = call.durationSeconds * 1000;
  return {
    key: `call:${call.telephonySessionId}:${call.startTime}`,
    telephonySessionId: call.telephonySessionId,
    direction: call.direction,
    ownerExtensionId: call.ownerExtensionId,
    from: call.from,
    to: call.to,
    startTime: call.startTime,
    durationMs,
    ...(call.result ? { result: call.result } : {}),
    lastModifiedTime: new Date(Date.parse(call.startTime) + durationMs + 1000).toISOString(),
  };
}
