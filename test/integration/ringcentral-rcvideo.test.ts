/**
 * The RingCentral Video meeting history API, rcv / ms-teams insights under their domains, a transferred call's two
 * legs by session, and enforced rate windows: through the unmodified @ringcentral/sdk against the simulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RingCentralSimulator, type RcvMeeting, type RingCentralSimulatorOptions } from '../../src/simulators/ringcentral/ringcentral-simulator.ts';
import { createRingCentralClient, type Platform, type RingCentralClient } from '../../src/ringcentral/sdk.ts';
import { createInsightsListener } from '../../src/ringcentral/subscription.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { until } from '../support/until.ts';
import { REP_JOHN, REP_MARIA } from '../../src/demo/sample-calls.ts';
import { MS_TEAMS_SAMPLE_MEETING_ID, msTeamsSampleMeeting, RCV_SAMPLE_MEETING_ID, rcvSampleMeeting, SEAN_CALLER_ID } from '../../src/demo/sample-meetings.ts';
import { TRANSFER_LEG_IDS, TRANSFER_SESSION_ID, transferRingCentralSeed } from '../../src/demo/sample-transfer.ts';

const cleanups: Array<() => Promise<void>> = [];
let sdkCount = 0;
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Maria first: the JWT belongs to her, so "my meetings" are the ones she hosted or joined. */
const EXTENSIONS = [
  { id: REP_MARIA, extensionNumber: '102', name: 'Maria Garcia', email: 'maria.garcia@acme-robotics.example' },
  { id: REP_JOHN, extensionNumber: '101', name: 'John Smith', email: 'john.smith@acme-robotics.example' },
];

async function setup(opts: RingCentralSimulatorOptions = { seed: { extensions: EXTENSIONS } }): Promise<{ sim: RingCentralSimulator; platform: Platform; client: RingCentralClient }> {
  const sim = await RingCentralSimulator.start(opts);
  cleanups.push(() => sim.stop());
  const client = await createRingCentralClient(
    { serverUrl: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, jwt: sim.jwt },
    { cachePrefix: `rc-rcvideo-${process.pid}-${++sdkCount}-` },
  );
  cleanups.push(() => client.close());
  return { sim, platform: client.platform, client };
}

type Json = Record<string, unknown> & { meetings?: RcvMeeting[]; paging?: Record<string, unknown>; records?: Array<Record<string, unknown>> };

async function getJson(platform: Platform, path: string, query?: Record<string, unknown>): Promise<Json> {
  return (await (await platform.get(path, query)).json()) as Json;
}

/** The SDK rejects non-2xx answers with the response attached. */
async function failure(p: Promise<unknown>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const e = (await p.then(
    () => undefined,
    (err: unknown) => err,
  )) as { response?: Response } | undefined;
  expect(e?.response).toBeDefined();
  const res = e!.response!;
  return { status: res.status, body: (await res.clone().json()) as Record<string, unknown>, headers: res.headers };
}

/** A copy of the sample meeting at another time, hosted by `host`, with or without a recording. */
function meetingAt(n: number, startTime: string, opts: { host?: string; recorded?: boolean; status?: 'Done' | 'InProgress' } = {}): RcvMeeting {
  const m = rcvSampleMeeting().meeting;
  const host = opts.host ?? REP_MARIA;
  return {
    ...m,
    id: `00000000-0000-4000-8000-00000000000${n}!us-15-cmh06@us-15`,
    startTime,
    status: opts.status ?? 'Done',
    hostInfo: { ...m.hostInfo, extensionId: host },
    participants: m.participants.map((p) => (p.extensionId === REP_MARIA ? { ...p, extensionId: host } : p)),
    recordings: opts.recorded === false ? [] : m.recordings.map((r) => ({ ...r, startTime: Date.parse(startTime) + 1000 })),
  };
}

describe('RingCentral Video meeting history', () => {
  it('serves a meeting by id, with the id raw or URL-encoded, in the SDK shape and units, in the Light group', async () => {
    const { sim, platform } = await setup();
    const m = rcvSampleMeeting();
    sim.addMeeting(m.meeting);
    const raw = await platform.get(`/rcvideo/v1/history/meetings/${RCV_SAMPLE_MEETING_ID}`);
    expect(raw.headers.get('x-rate-limit-group')).toBe('light');
    const meeting = (await raw.json()) as RcvMeeting;
    expect(meeting).toEqual(m.meeting);
    expect(meeting).toMatchObject({ id: RCV_SAMPLE_MEETING_ID, startTime: '2024-09-17T15:00:00.000Z', duration: 1260, type: 'Meeting', status: 'Done' });
    expect(meeting.hostInfo).toEqual({ accountId: sim.accountId, extensionId: REP_MARIA, displayName: 'Maria Garcia' });
    expect(meeting.participants.find((p) => p.callerId !== undefined)).toMatchObject({ displayName: "Sean O'Brien", callerId: SEAN_CALLER_ID });
    expect(typeof meeting.recordings[0]?.startTime).toBe('number');
    expect(meeting.recordings[0]).toMatchObject({ status: 'Processed', availabilityStatus: 'Alive', metadata: { duration: 1200 } });

    expect(await getJson(platform, `/rcvideo/v1/history/meetings/${encodeURIComponent(RCV_SAMPLE_MEETING_ID)}`)).toEqual(m.meeting);
    expect(sim.counters().requests.rcvideo).toBe(2);
  });

  it('answers 404 CMN-102 for an unknown meeting', async () => {
    const { platform } = await setup();
    const f = await failure(platform.get('/rcvideo/v1/history/meetings/nope!us-15-cmh06@us-15'));
    expect(f.status).toBe(404);
    expect(f.body).toMatchObject({ errorCode: 'CMN-102', errors: [{ errorCode: 'CMN-102', parameterName: 'meetingId', parameterValue: 'nope!us-15-cmh06@us-15' }] });
  });

  it('lists my meetings by time range (epoch ms) and materials, newest first, paging with page tokens', async () => {
    const { sim, platform } = await setup();
    sim.addMeeting(meetingAt(1, '2024-09-10T10:00:00.000Z'));
    sim.addMeeting(meetingAt(2, '2024-09-11T10:00:00.000Z', { recorded: false }));
    sim.addMeeting(meetingAt(3, '2024-09-12T10:00:00.000Z'));
    sim.addMeeting(meetingAt(4, '2024-09-13T10:00:00.000Z'));
    sim.addMeeting(meetingAt(5, '2024-09-12T12:00:00.000Z', { host: REP_JOHN }));
    const from = Date.parse('2024-09-10T00:00:00.000Z');
    const to = Date.parse('2024-09-12T23:59:59.000Z');

    const all = await getJson(platform, '/rcvideo/v1/history/meetings', { startTime: from, endTime: to });
    expect(all.meetings?.map((m) => m.id.slice(35, 36))).toEqual(['3', '2', '1']);

    const first = await getJson(platform, '/rcvideo/v1/history/meetings', { startTime: from, endTime: to, materials: 'Recordings', perPage: 1 });
    expect(first.meetings?.map((m) => m.id.slice(35, 36))).toEqual(['3']);
    expect(first.meetings?.[0]?.recordings).toHaveLength(1);
    expect(typeof first.paging?.currentPageToken).toBe('string');
    const nextPageToken = first.paging?.nextPageToken;
    expect(typeof nextPageToken).toBe('string');
    const second = await getJson(platform, '/rcvideo/v1/history/meetings', { startTime: from, endTime: to, materials: 'Recordings', perPage: 1, pageToken: nextPageToken });
    expect(second.meetings?.map((m) => m.id.slice(35, 36))).toEqual(['1']);
    expect(second.paging).toEqual({ currentPageToken: nextPageToken });

    expect((await failure(platform.get('/rcvideo/v1/history/meetings', { materials: 'Videos' }))).body).toMatchObject({ errorCode: 'CMN-101', parameterName: 'materials' });
    expect((await failure(platform.get('/rcvideo/v1/history/meetings', { pageToken: 'garbage' }))).status).toBe(400);
  });

  it('lists the account meetings (completed only, no recordings) by ISO start range, ordered, 10..100 per page', async () => {
    const { sim, platform } = await setup();
    for (let i = 1; i <= 9; i++) sim.addMeeting(meetingAt(i, `2024-09-0${i}T10:00:00.000Z`, { host: i % 2 ? REP_MARIA : REP_JOHN }));
    sim.addMeeting({ ...meetingAt(0, '2024-09-05T12:00:00.000Z'), status: 'InProgress' });

    const page = await getJson(platform, '/rcvideo/v1/history/account/~/meetings', { startTimeFrom: '2024-09-02T00:00:00Z', startTimeTo: '2024-09-08T23:00:00Z', perPage: 10 });
    expect(page.meetings?.map((m) => m.id.slice(35, 36))).toEqual(['8', '7', '6', '5', '4', '3', '2']);
    expect(page.meetings?.[0]).not.toHaveProperty('recordings');
    expect(page.meetings?.[0]).not.toHaveProperty('status');
    expect(page.meetings?.[0]).toMatchObject({ duration: 1260, hostInfo: { extensionId: REP_JOHN } });
    expect(page.meetings?.[0]?.participants.find((p) => p.callerId === SEAN_CALLER_ID)).not.toHaveProperty('type');
    expect(page.paging).toMatchObject({ perPage: 7 });
    expect(page.paging).not.toHaveProperty('nextPageToken');

    const asc = await getJson(platform, `/rcvideo/v1/history/account/${sim.accountId}/meetings`, { orderBy: '+startTime' });
    expect(asc.meetings?.map((m) => m.id.slice(35, 36))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect((await failure(platform.get('/rcvideo/v1/history/account/~/meetings', { perPage: 5 }))).body).toMatchObject({ parameterName: 'perPage' });
    expect((await failure(platform.get('/rcvideo/v1/history/account/~/meetings', { startTimeFrom: 'yesterday' }))).status).toBe(400);
    expect((await failure(platform.get('/rcvideo/v1/history/account/123/meetings'))).status).toBe(404);
  });

  it('adds meetings over the /_sim control API', async () => {
    const { sim, platform } = await setup();
    const res = await fetch(`${sim.url}/_sim/meetings`, { method: 'POST', body: JSON.stringify(rcvSampleMeeting().meeting) });
    expect(res.status).toBe(201);
    expect(await getJson(platform, `/rcvideo/v1/history/meetings/${encodeURIComponent(RCV_SAMPLE_MEETING_ID)}`)).toMatchObject({ id: RCV_SAMPLE_MEETING_ID });
    const bad = await fetch(`${sim.url}/_sim/meetings`, { method: 'POST', body: JSON.stringify({ ...rcvSampleMeeting().meeting, startTime: 1726585200000 }) });
    expect(bad.status).toBe(400);
  });
});

describe('video meeting insights by domain', () => {
  it('serves the rcv meeting under rcv by session and by record, the ms-teams one under ms-teams, neither under pbx nor in the call log', async () => {
    const { sim, platform } = await setup();
    const rcv = rcvSampleMeeting();
    const teams = msTeamsSampleMeeting();
    sim.addMeeting(rcv.meeting);
    sim.addRecording({ insights: rcv.insights });
    sim.addRecording({ insights: teams.insights });
    const base = '/ai/ringsense/v1/public/accounts/~/domains';
    const id = encodeURIComponent(RCV_SAMPLE_MEETING_ID);

    const session = await getJson(platform, `${base}/rcv/sessions/${id}/insights`);
    expect(session.records).toEqual([rcv.insights]);
    const record = await getJson(platform, `${base}/rcv/records/${id}/insights`);
    expect(record).toMatchObject({ domain: 'rcv', title: 'RingCentral Video meeting', sourceRecordId: RCV_SAMPLE_MEETING_ID, sourceSessionId: RCV_SAMPLE_MEETING_ID });
    expect(record).not.toHaveProperty('ownerExtensionId');
    expect(await getJson(platform, `${base}/rcv/records/${RCV_SAMPLE_MEETING_ID}/insights`, { insightTypes: 'NextSteps' })).toMatchObject({ insights: { NextSteps: expect.any(Array) } });

    const teamsId = encodeURIComponent(MS_TEAMS_SAMPLE_MEETING_ID);
    expect(await getJson(platform, `${base}/ms-teams/records/${teamsId}/insights`)).toEqual(teams.insights);
    expect((await getJson(platform, `${base}/ms-teams/sessions/${teamsId}/insights`)).records).toHaveLength(1);

    expect((await failure(platform.get(`${base}/pbx/records/${id}/insights`))).status).toBe(404);
    expect((await failure(platform.get(`${base}/rcv/sessions/${teamsId}/insights`))).status).toBe(404);
    const log = await getJson(platform, '/restapi/v1.0/account/~/call-log', { dateFrom: '2024-01-01T00:00:00Z' });
    expect(log.records).toEqual([]);
  });
});

describe('video meeting insights events', () => {
  it('publishes each meeting to the subscriptions of its domain, as the test recipe does', async () => {
    const { sim, client } = await setup();
    const received: Array<{ event?: string; body?: { sourceRecordId?: string } }> = [];
    const listener = createInsightsListener({ sdk: client.sdk, logger: silentLogger(), domains: ['rcv', 'ms-teams'], onNotification: (raw) => void received.push(raw as never) });
    cleanups.push(() => listener.stop());
    await listener.start();
    const rcv = rcvSampleMeeting();
    sim.addMeeting(rcv.meeting);
    sim.addRecording({ insights: rcv.insights });
    sim.publishInsights(rcv.insights.sourceRecordId);
    sim.addRecording({ insights: msTeamsSampleMeeting().insights });
    sim.publishInsights(MS_TEAMS_SAMPLE_MEETING_ID);
    sim.publishInsights({ ...rcv.insights, domain: 'pbx' });
    await until(() => received.length >= 2, 'two meeting events');
    expect(sim.counters().notificationsSent).toBe(2); // the pbx one matched no filter
    expect(received.map((e) => [e.event, e.body?.sourceRecordId])).toEqual([
      [`/ai/ringsense/v1/public/accounts/${sim.accountId}/domains/rcv/insights`, RCV_SAMPLE_MEETING_ID],
      [`/ai/ringsense/v1/public/accounts/${sim.accountId}/domains/ms-teams/insights`, MS_TEAMS_SAMPLE_MEETING_ID],
    ]);
  });
});

describe('a transferred call', () => {
  it('serves both recorded legs of the session, each owned by its rep, each with its own call-log record', async () => {
    const { platform } = await setup({ seed: transferRingCentralSeed() });
    const session = await getJson(platform, `/ai/ringsense/v1/public/accounts/~/domains/pbx/sessions/${TRANSFER_SESSION_ID}/insights`);
    expect(session.records?.map((r) => [r.sourceRecordId, r.ownerExtensionId, r.sourceSessionId])).toEqual([
      [TRANSFER_LEG_IDS.john, REP_JOHN, TRANSFER_SESSION_ID],
      [TRANSFER_LEG_IDS.maria, REP_MARIA, TRANSFER_SESSION_ID],
    ]);
    const log = await getJson(platform, '/restapi/v1.0/account/~/call-log', { dateFrom: '2024-09-19T00:00:00Z', dateTo: '2024-09-20T00:00:00Z' });
    const legs = (log.records ?? []) as Array<{ telephonySessionId: string; recording?: { id: string }; extension?: { id: number } }>;
    expect(legs.map((l) => [l.telephonySessionId, l.recording?.id, String(l.extension?.id)]).sort()).toEqual([
      [TRANSFER_SESSION_ID, TRANSFER_LEG_IDS.john, REP_JOHN],
      [TRANSFER_SESSION_ID, TRANSFER_LEG_IDS.maria, REP_MARIA],
    ]);
  });
});

describe('rate groups', () => {
  it('are not enforced by default', async () => {
    const { sim, platform } = await setup();
    sim.addMeeting(rcvSampleMeeting().meeting);
    for (let i = 0; i < 55; i++) await platform.get('/rcvideo/v1/history/meetings');
    expect(sim.counters().requests.rcvideo).toBe(55);
  });

  it('when enforced, answer 429 with Retry-After once a compressed window is full, and let requests through when it frees up', async () => {
    const { sim, platform } = await setup({ seed: { extensions: EXTENSIONS }, rateLimits: { enforce: true, groups: { Light: { limit: 3, windowSeconds: 2 } } } });
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 3; i++) remaining.push((await platform.get('/rcvideo/v1/history/meetings')).headers.get('x-rate-limit-remaining'));
    expect(remaining).toEqual(['2', '1', '0']);
    const t0 = Date.now();
    const limited = await failure(platform.get(`/ai/ringsense/v1/public/accounts/~/domains/rcv/records/x/insights`));
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ errorCode: 'CMN-301' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(Object.fromEntries(['x-rate-limit-group', 'x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-window'].map((h) => [h, limited.headers.get(h)]))).toEqual({
      'x-rate-limit-group': 'light', 'x-rate-limit-limit': '3', 'x-rate-limit-remaining': '0', 'x-rate-limit-window': '2',
    });
    // Another group keeps its own (default) window.
    expect((await platform.get('/restapi/v1.0/account/~/call-log')).headers.get('x-rate-limit-remaining')).toBe('9');

    await new Promise((r) => setTimeout(r, Math.max(0, t0 + retryAfter * 1000 - Date.now()) + 50)); // waits as Retry-After says
    expect((await platform.get('/rcvideo/v1/history/meetings')).status).toBe(200);

    // The forced 429 keeps working alongside enforcement.
    sim.rateLimit('rcvideo', { count: 1, retryAfterSeconds: 7 });
    expect((await failure(platform.get('/rcvideo/v1/history/meetings'))).headers.get('retry-after')).toBe('7');
  });

  it('can be switched on over the /_sim control API', async () => {
    const { sim, platform } = await setup();
    const res = await fetch(`${sim.url}/_sim/rate-limits`, { method: 'POST', body: JSON.stringify({ enforce: true, groups: { Light: { limit: 1, windowSeconds: 30 } } }) });
    expect(res.status).toBe(200);
    await platform.get('/rcvideo/v1/history/meetings');
    const f = await failure(platform.get('/rcvideo/v1/history/meetings'));
    expect([f.status, f.headers.get('retry-after')]).toEqual([429, '30']);
    expect((await fetch(`${sim.url}/_sim/rate-limits`, { method: 'POST', body: JSON.stringify({ groups: { Light: { limit: 0, windowSeconds: 1 } } }) })).status).toBe(400);
  });
});
