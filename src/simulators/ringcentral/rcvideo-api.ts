/**
 * RingCentral Video meeting history (SDK ringcentral-extensible, paths Rcvideo/V1/History/...; all Light group):
 *   GET /rcvideo/v1/history/meetings/{meetingId}              -> Meeting            (getVideoMeeting)
 *   GET /rcvideo/v1/history/meetings?startTime&endTime&materials&perPage&pageToken&text
 *                                                              -> MeetingPage        (listVideoMeetings)
 *   GET /rcvideo/v1/history/account/{accountId|~}/meetings?startTimeFrom&startTimeTo&perPage&orderBy&pageToken
 *                                                              -> AdminAccessMeetings (listAccountMeetings)
 * Meeting ids contain `!` and `@`: the path segment is accepted raw or URL-encoded.
 * [INF] marks what the SDK and docs leave open and the simulator decides.
 */
import { json, type SimResponse } from './http-io.ts';
import { invalidParameter, resourceNotFound } from './rc-errors.ts';
import { adminAccessView, meetingEndMs, type RcvMeeting } from './rcvideo-meeting.ts';
import type { SimState } from './state.ts';

export const RCVIDEO_PATH = /^\/rcvideo\/v1\/history\//;
const MEETING_LIST = /^\/rcvideo\/v1\/history\/meetings\/?$/;
const MEETING_BY_ID = /^\/rcvideo\/v1\/history\/meetings\/([^/]+)\/?$/;
const ACCOUNT_MEETINGS = /^\/rcvideo\/v1\/history\/account\/([^/]+)\/meetings\/?$/;

/** [INF] The user list's default and maximum page size are not documented; larger values get the maximum (SDK doc). */
const USER_PER_PAGE = { default: 25, max: 100 };
/** ListAccountMeetingsParameters.perPage: min 10, max 100, default 25. */
const ACCOUNT_PER_PAGE = { default: 25, min: 10, max: 100 };

/** Page tokens are opaque base64 (the docs' example ends in `==`); this one carries the offset. */
export function pageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

function readPageToken(params: URLSearchParams): number | SimResponse {
  const raw = params.get('pageToken');
  if (raw === null || raw === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown;
    const offset = typeof parsed === 'object' && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the 400
  }
  return invalidParameter('pageToken', raw);
}

function readInt(params: URLSearchParams, name: string): number | undefined | SimResponse {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  return raw.trim() !== '' && Number.isInteger(n) ? n : invalidParameter(name, raw);
}

function readIso(params: URLSearchParams, name: string): number | undefined | SimResponse {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? invalidParameter(name, raw) : t;
}

const isResponse = (v: unknown): v is SimResponse => typeof v === 'object' && v !== null && 'status' in v;

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const startMs = (m: RcvMeeting): number => Date.parse(m.startTime);

/** [INF] Without `type`, the user list holds the meetings the user hosted or took part in (the SDK's old doc). */
function involves(m: RcvMeeting, extensionId: string): boolean {
  return m.hostInfo.extensionId === extensionId || m.participants.some((p) => p.extensionId === extensionId);
}

function listUserMeetings(url: URL, state: SimState, ownerId: string): SimResponse {
  const q = url.searchParams;
  const from = readInt(q, 'startTime');
  if (isResponse(from)) return from;
  const to = readInt(q, 'endTime');
  if (isResponse(to)) return to;
  const materials = q.get('materials');
  if (materials !== null && materials !== 'Recordings' && materials !== 'Notes') return invalidParameter('materials', materials);
  const perPageRaw = readInt(q, 'perPage');
  if (isResponse(perPageRaw)) return perPageRaw;
  if (perPageRaw !== undefined && perPageRaw < 1) return invalidParameter('perPage', String(perPageRaw));
  const perPage = Math.min(perPageRaw ?? USER_PER_PAGE.default, USER_PER_PAGE.max);
  const offset = readPageToken(q);
  if (isResponse(offset)) return offset;
  const text = q.get('text')?.toLowerCase();
  const all = state
    .meetings()
    .filter((m) => involves(m, ownerId))
    // [INF] startTime bounds the meeting's start, endTime its end (startTime + duration); both inclusive.
    .filter((m) => from === undefined || startMs(m) >= from)
    .filter((m) => to === undefined || meetingEndMs(m) <= to)
    .filter((m) => materials !== 'Recordings' || m.recordings.length > 0)
    .filter((m) => materials !== 'Notes' || (m.notes?.length ?? 0) > 0)
    .filter((m) => !text || m.displayName.toLowerCase().includes(text))
    // [INF] newest first, as the account list's default order.
    .sort((a, b) => startMs(b) - startMs(a));
  const items = all.slice(offset, offset + perPage);
  const next = offset + items.length < all.length ? { nextPageToken: pageToken(offset + items.length) } : {};
  return json(200, { meetings: structuredClone(items), paging: { currentPageToken: pageToken(offset), ...next } });
}

function readOrderBy(params: URLSearchParams): 1 | -1 | SimResponse {
  const raw = params.get('orderBy');
  if (raw === null) return -1;
  if (raw === '+startTime' || raw === 'startTime' || raw === ' startTime') return 1; // `+` unencoded arrives as a space
  if (raw === '-startTime') return -1;
  return invalidParameter('orderBy', raw);
}

function listAccountMeetings(url: URL, state: SimState): SimResponse {
  const q = url.searchParams;
  const from = readIso(q, 'startTimeFrom');
  if (isResponse(from)) return from;
  const to = readIso(q, 'startTimeTo');
  if (isResponse(to)) return to;
  const perPageRaw = readInt(q, 'perPage');
  if (isResponse(perPageRaw)) return perPageRaw;
  const perPage = perPageRaw ?? ACCOUNT_PER_PAGE.default;
  if (perPage < ACCOUNT_PER_PAGE.min || perPage > ACCOUNT_PER_PAGE.max) return invalidParameter('perPage', String(perPage));
  const order = readOrderBy(q);
  if (isResponse(order)) return order;
  const offset = readPageToken(q);
  if (isResponse(offset)) return offset;
  const all = state
    .meetings()
    // "Only completed meetings will be returned in this list" (docs/video/api/meeting-history.md).
    .filter((m) => m.status === 'Done')
    .filter((m) => from === undefined || startMs(m) >= from)
    .filter((m) => to === undefined || startMs(m) <= to)
    .sort((a, b) => order * (startMs(a) - startMs(b)));
  const items = all.slice(offset, offset + perPage).map(adminAccessView);
  const next = offset + items.length < all.length ? { nextPageToken: pageToken(offset + items.length) } : {};
  // Paging.perPage: "Number of records returned".
  return json(200, { meetings: items, paging: { currentPageToken: pageToken(offset), ...next, perPage: items.length } });
}

/** Answers a GET under /rcvideo/v1/history/, or undefined for a path it does not serve. */
export function handleRcVideo(url: URL, ctx: { state: SimState; ownerId: string }): SimResponse | undefined {
  const path = url.pathname;
  if (MEETING_LIST.test(path)) return listUserMeetings(url, ctx.state, ctx.ownerId);
  const byId = MEETING_BY_ID.exec(path);
  if (byId?.[1] !== undefined) {
    const id = decodeSegment(byId[1]);
    const meeting = id === undefined ? undefined : ctx.state.meeting(id);
    return meeting ? json(200, structuredClone(meeting)) : resourceNotFound('meetingId', id ?? byId[1]);
  }
  const account = ACCOUNT_MEETINGS.exec(path);
  if (account?.[1] !== undefined) {
    if (account[1] !== '~' && account[1] !== ctx.state.accountId) return resourceNotFound('accountId', account[1]);
    return listAccountMeetings(url, ctx.state);
  }
  return undefined;
}
