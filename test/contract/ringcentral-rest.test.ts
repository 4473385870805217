/**
 * Contract: the unmodified @ringcentral/sdk 5.0.11 against the simulator's REST side: OAuth (JWT
 * login, 401 -> refresh -> retry), RingSense insights, call log filters and paging, extensions, 429.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SDK } from '@ringcentral/sdk';
import { RingCentralSimulator } from '../../src/simulators/ringcentral/ringcentral-simulator.ts';
import { SAMPLE_EXTENSIONS, sampleRecording } from '../../src/simulators/ringcentral/sample-data.ts';
import type { SimRecording } from '../../src/simulators/ringcentral/state.ts';

const OWNER = '62264425016';
const OTHER = '62264425017';
const MIN = 60_000;

interface ApiError {
  message: string;
  response: { status: number; headers: { get(name: string): string | null }; json(): Promise<unknown> };
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the request to fail');
}

function ago(ms: number): string {
  return new Date(Date.now() - ms).toISOString();
}

function seedRecordings(): SimRecording[] {
  const a = sampleRecording({ sourceRecordId: '1001', sourceSessionId: 's-A', recordingStartTime: ago(10 * MIN) });
  const b = sampleRecording({ sourceRecordId: '1002', sourceSessionId: 's-B', direction: 'Inbound', recordingStartTime: ago(20 * MIN), docsHighlightsKey: true });
  b.callLog!.recordingType = 'OnDemand';
  const c = sampleRecording({ sourceRecordId: '1003', sourceSessionId: 's-A', ownerExtensionId: OTHER, ownerName: 'Jordan Blake', recordingStartTime: ago(9 * MIN), analysed: false });
  const old = sampleRecording({ sourceRecordId: '1004', sourceSessionId: 's-OLD', recordingStartTime: ago(30 * 60 * MIN) });
  return [a, b, c, old];
}

let sim: RingCentralSimulator;
let sdk: SDK;
let sdkCount = 0;

beforeEach(async () => {
  sim = await RingCentralSimulator.start({
    seed: {
      extensions: SAMPLE_EXTENSIONS,
      recordings: seedRecordings(),
      calls: [
        {
          telephonySessionId: 's-U',
          direction: 'Inbound',
          ownerExtensionId: OWNER,
          from: { phoneNumber: '+14155550999', name: 'Casey Unrecorded' },
          to: { phoneNumber: '+16505550100', extensionId: OWNER, name: 'Avery Quinn' },
          startTime: ago(5 * MIN),
          durationSeconds: 12,
        },
      ],
    },
  });
  sdk = new SDK({ server: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, cachePrefix: `rc-rest-${process.pid}-${++sdkCount}-` });
  await sdk.platform().login({ jwt: sim.jwt });
});

afterEach(async () => {
  await sim.stop();
});

interface Rec {
  id: string;
  telephonySessionId: string;
  sourceRecordId: string;
  recording?: { id: string };
  insights: Record<string, unknown>;
  [k: string]: unknown;
}

interface Body extends Rec {
  uri: string;
  records: Rec[];
  paging: Record<string, unknown>;
  navigation: Record<string, { uri: string }>;
}

async function get(path: string, query?: Record<string, unknown>): Promise<Body> {
  const res = await sdk.platform().get(path, query);
  return (await res.json()) as Body;
}

async function callLogIds(query: Record<string, unknown>, path = '/restapi/v1.0/account/~/call-log'): Promise<string[]> {
  const body = await get(path, query);
  return body.records.map((r) => r.recording?.id ?? r.telephonySessionId);
}

describe('RingCentral simulator REST with the official SDK', () => {
  it('logs in with the JWT grant and returns RingCentral token fields', async () => {
    const data = await sdk.platform().auth().data();
    expect(data).toMatchObject({ token_type: 'bearer', expires_in: 3600, refresh_token_expires_in: 604800, owner_id: OWNER });
    expect(data.scope).toContain('RingSense');
    const bad = new SDK({ server: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, cachePrefix: `rc-rest-bad-${++sdkCount}-` });
    const e = await failure(bad.platform().login({ jwt: 'wrong' }));
    expect(e.response.status).toBe(400);
    expect(await e.response.json()).toMatchObject({ error: 'invalid_grant', errors: [{ errorCode: expect.stringMatching(/^OAU-/) }] });
    const badClient = new SDK({ server: sim.url, clientId: sim.clientId, clientSecret: 'nope', cachePrefix: `rc-rest-bad-${++sdkCount}-` });
    const e2 = await failure(badClient.platform().login({ jwt: sim.jwt }));
    expect(e2.response.status).toBe(401);
    expect(await e2.response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('a 401 on an expired access token makes the SDK refresh and retry once', async () => {
    const before = sim.counters().tokenRequests;
    sim.expireAccessTokens();
    const ext = await get('/restapi/v1.0/account/~/extension/~');
    expect(ext.id).toBe(Number(OWNER));
    expect(sim.counters().tokenRequests).toBe(before + 1);
    expect(sim.counters().requests.unauthorized).toBe(1);
  });

  it('rejects missing, unknown and revoked tokens with RingCentral 401 bodies', async () => {
    const noAuth = await fetch(`${sim.url}/restapi/v1.0/account/~/extension/~`);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({ errorCode: 'AGW-401', message: 'Authorization header is not specified' });
    const { access_token } = await sdk.platform().auth().data();
    await sdk.platform().logout();
    const revoked = await fetch(`${sim.url}/restapi/v1.0/account/~/extension/~`, { headers: { Authorization: `Bearer ${access_token}` } });
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ errorCode: 'TokenInvalid', errors: [{ errorCode: 'OAU-213' }] });
  });

  it('serves insights by record id: 404 until analysed, then 200; insightTypes filters', async () => {
    const e = await failure(sdk.platform().get('/ai/ringsense/v1/public/accounts/~/domains/pbx/records/1003/insights'));
    expect(e.response.status).toBe(404);
    expect(await e.response.json()).toMatchObject({ errorCode: 'CMN-102', message: 'Resource for parameter [sourceRecordId] is not found' });
    sim.markAnalysed('1003');
    const rec = await get('/ai/ringsense/v1/public/accounts/~/domains/pbx/records/1003/insights');
    expect(rec).toMatchObject({ sourceRecordId: '1003', sourceSessionId: 's-A', domain: 'pbx', ownerExtensionId: OTHER });

    const filtered = await get('/ai/ringsense/v1/public/accounts/809646016/domains/pbx/records/1002/insights', { insightTypes: ['Summary', 'Highlights'] });
    expect(Object.keys(filtered.insights).sort()).toEqual(['HighLights', 'Summary']);
    expect((await failure(sdk.platform().get('/ai/ringsense/v1/public/accounts/~/domains/rcv/records/1002/insights'))).response.status).toBe(404);
    expect((await failure(sdk.platform().get('/ai/ringsense/v1/public/accounts/~/domains/pbx/records/404/insights'))).response.status).toBe(404);
  });

  it('serves insights by session with paging (analysed recordings only)', async () => {
    let body = await get('/ai/ringsense/v1/public/accounts/~/domains/pbx/sessions/s-A/insights');
    expect(body.records.map((r) => r.sourceRecordId)).toEqual(['1001']);
    sim.markAnalysed('1003');
    body = await get('/ai/ringsense/v1/public/accounts/~/domains/pbx/sessions/s-A/insights');
    expect(body.records.map((r) => r.sourceRecordId)).toEqual(['1001', '1003']);
    expect(body.paging).toMatchObject({ page: 1, totalElements: 2, pageStart: 0, pageEnd: 1 });
  });

  it('call log: default 24 h window, newest first, realistic record shape', async () => {
    const body = await get('/restapi/v1.0/account/~/call-log');
    expect(body.records.map((r) => r.telephonySessionId)).toEqual(['s-U', 's-A', 's-A', 's-B']);
    expect(body.uri).toBe(`${sim.url}/restapi/v1.0/account/809646016/call-log`);
    const a = body.records[2]!;
    expect(a).toMatchObject({
      uri: `${sim.url}/restapi/v1.0/account/809646016/call-log/${a.id}?view=Simple`,
      sessionId: expect.stringMatching(/^\d+$/),
      telephonySessionId: 's-A',
      type: 'Voice',
      direction: 'Outbound',
      action: 'VoIP Call',
      result: 'Call connected',
      duration: 126,
      durationMs: 126_000,
      from: { phoneNumber: '+16505550100', name: 'Avery Quinn', extensionId: OWNER },
      to: { phoneNumber: '+14155550123', name: 'Morgan Ellis' },
      extension: { id: Number(OWNER), uri: `${sim.url}/restapi/v1.0/account/809646016/extension/${OWNER}` },
      recording: { id: '1001', type: 'Automatic', uri: expect.stringContaining('/recording/1001'), contentUri: expect.stringContaining('/recording/1001/content') },
    });
    expect(a).not.toHaveProperty('legs');
    expect(body.records[0]).not.toHaveProperty('recording');
    const detailed = await get('/restapi/v1.0/account/~/call-log', { view: 'Detailed' });
    expect(detailed.records[2]).toMatchObject({ lastModifiedTime: expect.any(String), legs: [{ master: true, recording: { id: '1001' } }] });
    expect(await callLogIds({ dateFrom: ago(48 * 60 * MIN) })).toContain('1004');
  });

  it('call log: recordingType, withRecording, telephonySessionId, phoneNumber, extension scope', async () => {
    expect(await callLogIds({ recordingType: 'All' })).toEqual(['1003', '1001', '1002']);
    expect(await callLogIds({ recordingType: 'OnDemand' })).toEqual(['1002']);
    expect(await callLogIds({ recordingType: 'Automatic', withRecording: false })).toEqual(['1003', '1001']);
    expect(await callLogIds({ withRecording: true })).toEqual(['1003', '1001', '1002']);
    expect(await callLogIds({ telephonySessionId: 's-A' })).toEqual(['1003', '1001']);
    expect(await callLogIds({ phoneNumber: '+1 (415) 555-0999' })).toEqual(['s-U']);
    expect(await callLogIds({ direction: 'Inbound' })).toEqual(['s-U', '1002']);
    expect(await callLogIds({}, '/restapi/v1.0/account/~/extension/~/call-log')).toEqual(['s-U', '1001', '1002']);
    expect(await callLogIds({}, `/restapi/v1.0/account/~/extension/${OTHER}/call-log`)).toEqual(['1003']);
    const e = await failure(sdk.platform().get('/restapi/v1.0/account/~/extension/999/call-log'));
    expect(e.response.status).toBe(404);
    const bad = await failure(sdk.platform().get('/restapi/v1.0/account/~/call-log', { perPage: 1001 }));
    expect(bad.response.status).toBe(400);
    expect(await bad.response.json()).toMatchObject({ errorCode: 'CMN-101', errors: [{ parameterName: 'perPage' }] });
  });

  it('call log: perPage/page paging and navigation without totals', async () => {
    const p1 = await get('/restapi/v1.0/account/~/call-log', { perPage: 2 });
    expect(p1.records).toHaveLength(2);
    expect(p1.paging).toEqual({ page: 1, perPage: 2, pageStart: 0, pageEnd: 1 });
    expect(Object.keys(p1.navigation).sort()).toEqual(['firstPage', 'nextPage']);
    const next = new URL(p1.navigation.nextPage!.uri);
    expect(next.searchParams.get('page')).toBe('2');
    const p2 = await get(next.pathname, Object.fromEntries(next.searchParams));
    expect(p2.paging).toEqual({ page: 2, perPage: 2, pageStart: 2, pageEnd: 3 });
    expect(Object.keys(p2.navigation).sort()).toEqual(['firstPage', 'previousPage']);
    const p3 = await get('/restapi/v1.0/account/~/call-log', { perPage: 2, page: 3 });
    expect(p3.records).toEqual([]);
    expect(p3.paging).toEqual({ page: 3, perPage: 2 });
    const ids = [...p1.records, ...p2.records].map((r) => r.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('looks up extensions by id and ~, lists them with paging, 404s unknown ids', async () => {
    const me = await get('/restapi/v1.0/account/~/extension/~');
    expect(me).toMatchObject({
      id: Number(OWNER),
      uri: `${sim.url}/restapi/v1.0/account/809646016/extension/${OWNER}`,
      extensionNumber: '101',
      name: 'Avery Quinn',
      contact: { firstName: 'Avery', lastName: 'Quinn', email: 'avery.quinn@example.com' },
      type: 'User',
      status: 'Enabled',
    });
    expect((await get(`/restapi/v1.0/account/~/extension/${OTHER}`)).extensionNumber).toBe('102');
    const e = await failure(sdk.platform().get('/restapi/v1.0/account/~/extension/123'));
    expect(e.response.status).toBe(404);
    expect(await e.response.json()).toMatchObject({ errorCode: 'CMN-102', message: 'Resource for parameter [extensionId] is not found' });
    const list = await get('/restapi/v1.0/account/~/extension', { perPage: 1 });
    expect(list.records).toHaveLength(1);
    expect(list.paging).toMatchObject({ page: 1, perPage: 1, totalPages: 2, totalElements: 2 });
    expect(list.navigation).toHaveProperty('lastPage');
  });

  it('a forced 429 surfaces through the SDK with Retry-After and rate-limit headers', async () => {
    sim.rateLimit('call-log', { count: 1, retryAfterSeconds: 7 });
    const e = await failure(sdk.platform().get('/restapi/v1.0/account/~/call-log'));
    expect(e.response.status).toBe(429);
    expect(e.response.headers.get('retry-after')).toBe('7');
    expect(e.response.headers.get('x-rate-limit-group')).toBe('heavy');
    expect(e.response.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(e.message).toBe('Request rate exceeded');
    expect(await e.response.json()).toEqual({
      errorCode: 'CMN-301',
      message: 'Request rate exceeded',
      errors: [{ errorCode: 'CMN-301', message: 'Request rate exceeded' }],
    });
    const ok = await sdk.platform().get('/restapi/v1.0/account/~/call-log');
    expect(ok.headers.get('x-rate-limit-limit')).toBe('10');
    expect(ok.headers.get('x-rate-limit-window')).toBe('60');
    const insights = await sdk.platform().get('/ai/ringsense/v1/public/accounts/~/domains/pbx/records/1001/insights');
    expect(insights.headers.get('x-rate-limit-group')).toBe('light');
  });
  it('drives the same state through the /_sim/ control API', async () => {
    const post = (path: string, body: unknown): Promise<Response> => fetch(`${sim.url}/_sim/${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post('seed', { extensions: [{ id: '62264425099', extensionNumber: '199', name: 'Riley Stone' }] })).status).toBe(200);
    expect((await get('/restapi/v1.0/account/~/extension/62264425099')).name).toBe('Riley Stone');
    const rec = sampleRecording({ sourceRecordId: '2001', analysed: false });
    expect((await post('recordings', rec)).status).toBe(201);
    expect((await failure(sdk.platform().get('/ai/ringsense/v1/public/accounts/~/domains/pbx/records/2001/insights'))).response.status).toBe(404);
    expect((await post('recordings/2001/analysed', {})).status).toBe(200);
    expect((await get('/ai/ringsense/v1/public/accounts/~/domains/pbx/records/2001/insights')).sourceRecordId).toBe('2001');
    expect((await post('rate-limit', { endpoint: 'extension', count: 1, retryAfterSeconds: 3 })).status).toBe(200);
    expect((await failure(sdk.platform().get('/restapi/v1.0/account/~/extension/~'))).response.status).toBe(429);
    expect((await post('fail-upgrades', { n: 2 })).status).toBe(200);
    expect((await post('drop', { recovery: 'failed' })).status).toBe(200);
    expect((await post('drop', { recovery: 'sometimes' })).status).toBe(400);
    expect((await post('rate-limit', { endpoint: 'nowhere', count: 1, retryAfterSeconds: 3 })).status).toBe(400);
    expect((await post('recordings', { insights: { title: 'no ids' } })).status).toBe(400);
    expect((await post('expire-tokens', {})).status).toBe(200);
    const counters = (await (await fetch(`${sim.url}/_sim/counters`)).json()) as { requests: Record<string, number>; tokenRequests: number };
    expect(counters.requests.extension).toBeGreaterThanOrEqual(2);
    expect(counters.tokenRequests).toBe(1);
  });
});
