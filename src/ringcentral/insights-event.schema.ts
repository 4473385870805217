import { z } from 'zod';
import { ACE_DOMAINS, DOMAIN_NAMES, isAceDomain, isMeetingDomain, MEETING_DOMAINS, type AceDomain } from '../calls/domains.ts';
import type { ConversationInsights, MeetingInsights, RecordingInsights } from '../calls/recording-insights.ts';
import { jsonDepth } from '../lib/json-depth.ts';
import { err, ok, type Result } from '../lib/result.ts';
import { INSIGHTS_EVENT_PATH } from './domain-paths.ts';

// The edge parses into the core's type; callers of the parsers get it from here too.
export type { ConversationInsights, MeetingInsights, RecordingInsights } from '../calls/recording-insights.ts';


/**
 * The largest event or insights response the sync reads: bigger ones are refused before parsing (on the WebSocket
 * and over REST) and kept as an OversizedPayload (size, ids, first bytes), so the call can be fetched again. A real
 * event is tens of KB; the transcript of a four-hour call, the longest a rep has, is under 1 MB of JSON. 8 MiB is
 * eight times that, and parsing it costs a worker about 40 MB for a moment.
 */
export const MAX_EVENT_BYTES = 8 * 1024 * 1024;

/**
 * Events nesting deeper than this are refused (a real one nests 5 levels: envelope, body, insights, list, unit).
 * Deeper values are kept cut at MAX_KEPT_DEPTH, which is deeper still, so a kept event is refused again.
 */
export const MAX_EVENT_DEPTH = 32;
export const MAX_KEPT_DEPTH = 40;

/**
 * A RingSense record id as every ACE domain makes them (pbx: digits; RingCX: `p-v-<hex>-<ms>-<hex>`; RingEX Video:
 * `<uuid>!<region>@<region>`; a Teams meeting's thread id `19:meeting_<base64url>@thread.v2`): letters, digits and
 * `.` `_` `-` `!` `@` `:`, at most 200 characters.
 */
export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._!@:-]{0,199}$/;

const seconds = z.number().finite().nonnegative();
const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' });
const id = (what: string) => z.string({ error: `expected ${what} as a string` }).min(1, { error: `${what} is empty` });

const speakerSchema = z.object({
  speakerId: id('speakerId'),
  name: z.string().nullish(),
  accountId: z.string().nullish(),
  extensionId: z.string().nullish(),
  phoneNumber: z.string().nullish(),
});

const utteranceSchema = z.object({ speakerId: id('speakerId'), text: z.string(), start: seconds, end: seconds });
const summaryUnitSchema = z.object({ value: z.string(), start: seconds.optional(), end: seconds.optional() });
const speakerUnitSchema = z.object({ value: z.string(), speakerId: z.string().nullish(), start: seconds.optional(), end: seconds.optional() });
const valueUnitSchema = z.object({ value: z.string() });

const insightsSchema = z
  .object({
    Transcript: z.array(utteranceSchema).default([]),
    Summary: z.array(summaryUnitSchema).default([]),
    Highlights: z.array(speakerUnitSchema).optional(),
    HighLights: z.array(speakerUnitSchema).optional(),
    NextSteps: z.array(speakerUnitSchema).default([]),
    BulletedSummary: z.array(z.object({ value: z.string(), section: z.string().nullish() })).optional(),
    AIScore: z.array(valueUnitSchema).optional(),
    Sentiment: z.array(valueUnitSchema).optional(),
    CallNotes: z.array(valueUnitSchema).optional(),
    // RingCX sample data (code-samples/ai/ace/ace-rcx-sample-data.json): { start, end, value, speakerId }, a question.
    QnA: z.array(speakerUnitSchema).optional(),
  })
  .catchall(z.unknown())
  // The docs spell it HighLights, the API spec Highlights: accept both, keep one.
  .transform(({ HighLights, Highlights, ...rest }) => ({ ...rest, Highlights: [...(Highlights ?? []), ...(HighLights ?? [])] }));

const bodyFields = {
  title: z.string().default(''),
  domain: z.string(),
  sourceRecordId: id('sourceRecordId').regex(RECORD_ID, { error: 'expected a RingSense record id (letters, digits and . _ - ! @ :; at most 200 characters)' }),
  sourceSessionId: id('sourceSessionId'),
  eventType: z.string().optional(),
  rsRecordUri: z.url().optional(),
  callDirection: z.enum(['Inbound', 'Outbound'], { error: 'expected Inbound or Outbound' }).optional(),
  ownerExtensionId: z.union([id('ownerExtensionId'), z.number().int().transform(String)]),
  recordingDurationMs: z.number().int().nonnegative(),
  recordingStartTime: isoTime,
  creationTime: isoTime.optional(),
  lastModifiedTime: isoTime,
  speakerInfo: z.array(speakerSchema),
  insights: insightsSchema,
};

type ParsedBody = { speakerInfo: Array<{ speakerId: string }>; insights: { Transcript: Array<{ speakerId?: string | null }>; Highlights: Array<{ speakerId?: string | null }>; NextSteps: Array<{ speakerId?: string | null }>; QnA?: Array<{ speakerId?: string | null }> | undefined } };

/** Each speaker listed once, and every speaker the insights name listed. */
function checkSpeakers(body: ParsedBody, ctx: z.RefinementCtx): void {
  const known = new Set<string>();
  body.speakerInfo.forEach((s, i) => {
    if (known.has(s.speakerId)) ctx.addIssue({ code: 'custom', path: ['speakerInfo', i, 'speakerId'], message: `speaker "${s.speakerId}" is listed twice` });
    known.add(s.speakerId);
  });
  const check = (list: ReadonlyArray<{ speakerId?: string | null }>, key: string) =>
    list.forEach((u, i) => {
      if (u.speakerId && !known.has(u.speakerId))
        ctx.addIssue({ code: 'custom', path: ['insights', key, i, 'speakerId'], message: `speaker "${u.speakerId}" is not in speakerInfo`, params: { reason: 'unknown_speaker' } });
    });
  check(body.insights.Transcript, 'Transcript');
  check(body.insights.Highlights, 'Highlights');
  check(body.insights.NextSteps, 'NextSteps');
  check(body.insights.QnA ?? [], 'QnA');
}

/** A recorded call's insights (pbx, rcx, nice-incontact). */
export const insightsBodySchema = z.object(bodyFields).superRefine(checkSpeakers);

/**
 * A meeting's insights (rcv, ms-teams): what a meeting's event carries. The public rcv sample has no
 * ownerExtensionId, recordingStartTime, recordingDurationMs or callDirection; read when present, never required.
 */
export const meetingBodySchema = z
  .object({
    ...bodyFields,
    domain: z.enum(MEETING_DOMAINS),
    callDirection: bodyFields.callDirection,
    ownerExtensionId: bodyFields.ownerExtensionId.optional(),
    recordingDurationMs: bodyFields.recordingDurationMs.optional(),
    recordingStartTime: isoTime.optional(),
  })
  .superRefine(checkSpeakers)
  .transform((b) => ({ ...b, meetingDomain: b.domain }));

const envelopeFields = {
  uuid: id('uuid'),
  event: z.string(),
  timestamp: isoTime,
  subscriptionId: z.string(),
  ownerId: z.string().optional(),
};
const envelopeSchema = z.object({ ...envelopeFields, body: z.unknown() });

/** True only when A and B are the same type (each property's type, optionality and readonly alike). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Fail to compile when the schemas and the core's types (src/calls/) drift apart. */
const _schemaProducesRecordingInsights: Same<z.output<typeof insightsBodySchema>, Omit<RecordingInsights, 'meeting'>> = true;
const _schemaProducesMeetingInsights: Same<Omit<z.output<typeof meetingBodySchema>, 'domain'>, Omit<MeetingInsights, 'domain'>> = true;

/** A notification as the WebSocket delivers it, its body a call's or a meeting's insights. */
export type InsightsNotification = z.infer<typeof envelopeSchema> & { body: ConversationInsights };

const transcriptSchema = z.array(utteranceSchema);

/**
 * A transcript alone, as the event's schema reads it (each utterance { speakerId, text, start, end }, other keys
 * dropped), its speakers among `speakers`: for a transcript stored apart from an event validated whole before.
 * Undefined when it is not one.
 */
export function parseTranscript(raw: unknown, speakers: ReadonlyArray<{ readonly speakerId: string }>): RecordingInsights['insights']['Transcript'] | undefined {
  const parsed = transcriptSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const known = new Set(speakers.map((s) => s.speakerId));
  return parsed.data.every((u) => known.has(u.speakerId)) ? parsed.data : undefined;
}

export type RejectionReason = 'payload_too_large' | 'not_an_object' | 'missing_source_record_id' | 'unsupported_domain' | 'domain_not_enabled' | 'unknown_speaker' | 'invalid_event';

/** Why an event was refused: a reason code for metrics and the failed set, and readable details for the admin. */
export interface EventRejection {
  readonly reason: RejectionReason;
  readonly message: string;
  readonly details: readonly string[];
  /** The sourceRecordId when one could be read, so the admin can replay the call from the REST API. */
  readonly sourceRecordId?: string;
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function reject(reason: RejectionReason, message: string, details: string[] = [], sourceRecordId?: string): Result<never, EventRejection> {
  return err(sourceRecordId === undefined ? { reason, message, details } : { reason, message, details, sourceRecordId });
}

/** The event's record id when it is one (so a refused event can be replayed by it); never an arbitrary string. */
function readRecordId(body: unknown): string | undefined {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>).sourceRecordId : undefined;
  return typeof v === 'string' && RECORD_ID.test(v) ? v : undefined;
}

/** A payload value quoted in a message (the failed set's, never a log above debug): short, and JSON-escaped. */
function quoted(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
}

function tooDeep(raw: unknown, body: unknown): Result<never, EventRejection> | undefined {
  const depth = jsonDepth(raw, MAX_EVENT_DEPTH);
  return depth > MAX_EVENT_DEPTH ? reject('invalid_event', `the event nests more than ${MAX_EVENT_DEPTH} levels deep`, [], readRecordId(body)) : undefined;
}

/**
 * Whether an event of `domain` is synced here: an ACE domain this version writes, and enabled (RINGSENSE_DOMAINS).
 * The refusal says which, and what the admin can do; the event stays replayable either way.
 */
function domainRefusal(domain: string, enabled: readonly AceDomain[], recordId: string | undefined): Result<never, EventRejection> | undefined {
  if (!isAceDomain(domain)) return reject('unsupported_domain', `domain ${quoted(domain)} is not an ACE domain this version knows (${ACE_DOMAINS.join(', ')})`, [], recordId);
  if (!enabled.includes(domain)) return reject('domain_not_enabled', `domain "${domain}" (${DOMAIN_NAMES[domain]}) is not enabled: add it to RINGSENSE_DOMAINS, then replay the call`, [], recordId);
  return undefined;
}

/**
 * Validates an insights body (from a notification or the REST API) of one of the `enabled` domains. `prefix` names
 * where it sits.
 */
export function parseInsightsBody(raw: unknown, enabled: readonly AceDomain[], prefix = ''): Result<ConversationInsights, EventRejection> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return reject('not_an_object', `${prefix || 'body'} is not a JSON object`);
  const deep = tooDeep(raw, raw);
  if (deep) return deep;
  const obj = raw as Record<string, unknown>;
  const recordId = readRecordId(obj);
  if (obj.sourceRecordId === undefined || obj.sourceRecordId === null || obj.sourceRecordId === '')
    return reject('missing_source_record_id', 'the event has no sourceRecordId, so the call cannot be identified');
  const refused = typeof obj.domain === 'string' ? domainRefusal(obj.domain, enabled, recordId) : undefined;
  if (refused) return refused;
  const parsed = typeof obj.domain === 'string' && isMeetingDomain(obj.domain) ? meetingBodySchema.safeParse(raw) : insightsBodySchema.safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  const details = parsed.error.issues.map((i) => `${prefix}${formatIssuePath(i.path)}: ${i.message}`);
  const unknownSpeaker = parsed.error.issues.every((i) => i.code === 'custom' && (i.params as { reason?: string } | undefined)?.reason === 'unknown_speaker');
  return unknownSpeaker
    ? reject('unknown_speaker', 'the insights name speakers that speakerInfo does not list', details, recordId)
    : reject('invalid_event', `the event does not match the RingSense insights format (${details.length} problem${details.length === 1 ? '' : 's'})`, details, recordId);
}

/**
 * Validates one notification as the WebSocket delivers it ({uuid, event, timestamp, subscriptionId, ownerId, body}).
 * Never throws: a refused event comes back with a specific reason.
 */
export function parseInsightsNotification(raw: unknown, enabled: readonly AceDomain[]): Result<InsightsNotification, EventRejection> {
  const body: unknown = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).body : undefined;
  // Before anything walks it recursively (a hostile nesting overflows the stack).
  const deep = tooDeep(raw, body);
  if (deep) return deep;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return reject('not_an_object', 'the notification is not a JSON object');
  const env = raw as Record<string, unknown>;
  if (typeof env.event === 'string') {
    const m = INSIGHTS_EVENT_PATH.exec(env.event);
    if (!m) return reject('invalid_event', `event ${quoted(env.event)} is not a RingSense insights event`, [], readRecordId(body));
    const refused = domainRefusal(m[2]!, enabled, readRecordId(body));
    if (refused) return refused;
  }
  const bodyResult = parseInsightsBody(body, enabled, 'body.');
  if (!bodyResult.ok) return bodyResult;
  const envelope = envelopeSchema.safeParse(env);
  if (!envelope.success) {
    const details = envelope.error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
    return reject('invalid_event', 'the notification envelope is malformed', details, readRecordId(body));
  }
  return ok({ ...envelope.data, body: bodyResult.value });
}
