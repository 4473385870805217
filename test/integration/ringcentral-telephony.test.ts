/**
 * RingCentralTelephony and fetchRecordingInsights through the unmodified @ringcentral/sdk against the
 * RingCentral simulator (REST over loopback), and the login errors of createRingCentralClient.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RingCentralSimulator, type SimRecording } from '../../src/simulators/ringcentral/ringcentral-simulator.ts';
import { SAMPLE_EXTENSIONS, sampleRecording } from '../../src/simulators/ringcentral/sample-data.ts';
import { createRingCentralClient, type RingCentralClient } from '../../src/ringcentral/sdk.ts';
import { fetchRecordingInsights, RingCentralTelephony } from '../../src/ringcentral/telephony.adapter.ts';
import { RingCentralError } from '../../src/ringcentral/ringcentral-error.ts';

const START = new Date(Date.now() - 2 * 3600_000).toISOString();
const OUTBOUND = sampleRecording({ sourceRecordId: '3001', direction: 'Outbound', customerPhone: '+14155550123', recordingStartTime: START });
const INBOUND = sampleRecording({ sourceRecordId: '3002', direction: 'Inbound', customerPhone: '+12125550188', recordingStartTime: START });
const INTERNAL: SimRecording = {
  ...sampleRecording({ sourceRecordId: '3003', direction: 'Outbound', recordingStartTime: START }),
  callLog: { from: { extensionNumber: '101', extensionId: '62264425016', name: 'Avery Quinn' }, to: { extensionNumber: '102', extensionId: '62264425017', name: 'Jordan Blake' }, startTime: START },
};
/** A transferred call: two recorded legs in one telephony session, each with its own far end. */
const TRANSFER_SESSION = 's-a0e7b361acc0az191bec7e275z7cae0000aa';
const LEG_A = sampleRecording({ sourceRecordId: '3004', sourceSessionId: TRANSFER_SESSION, direction: 'Outbound', customerPhone: '+13125550101', recordingStartTime: START });
const LEG_B = sampleRecording({ sourceRecordId: '3005', sourceSessionId: TRANSFER_SESSION, direction: 'Outbound', customerPhone: '+13125550102', recordingStartTime: START });
const NOT_ANALYSED = sampleRecording({ sourceRecordId: '3006', analysed: false, recordingStartTime: START });

function legQuery(r: SimRecording, direction?: 'Inbound' | 'Outbound') {
  const i = r.insights as { sourceSessionId: string; sourceRecordId: string; recordingStartTime: string; callDirection: 'Inbound' | 'Outbound' };
  return { sourceSessionId: i.sourceSessionId, sourceRecordId: i.sourceRecordId, recordingStartTime: i.recordingStartTime, direction: direction ?? i.callDirection };
}

const cleanups: Array<() => Promise<void>> = [];
let sdkCount = 0;

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ sim: RingCentralSimulator; client: RingCentralClient; telephony: RingCentralTelephony; clock: { now: number } }> {
  const sim = await RingCentralSimulator.start({
    seed: { extensions: [...SAMPLE_EXTENSIONS, { id: '62264425018', extensionNumber: '103', name: 'No Mail' }], recordings: [OUTBOUND, INBOUND, INTERNAL, LEG_A, LEG_B, NOT_ANALYSED] },
  });
  cleanups.push(() => sim.stop());
  const client = await createRingCentralClient(
    { serverUrl: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, jwt: sim.jwt },
    { cachePrefix: `rc-telephony-${process.pid}-${++sdkCount}-` },
  );
  cleanups.push(() => client.close());
  const clock = { now: Date.now() };
  const telephony = new RingCentralTelephony({ platform: client.platform, now: () => clock.now });
  return { sim, client, telephony, clock };
}

async function rejection(p: Promise<unknown>): Promise<RingCentralError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RingCentralError);
  return e as RingCentralError;
}

describe('RingCentralTelephony', () => {
  it('looks up an extension e-mail once and serves it from the cache until it expires', async () => {
    const { sim, telephony, clock } = await setup();
    expect(await telephony.extensionEmail('62264425017')).toBe('jordan.blake@example.com');
    expect(sim.counters().requests.extension).toBe(1);
    expect(await telephony.extensionEmail('62264425017')).toBe('jordan.blake@example.com');
    expect(sim.counters().requests.extension).toBe(1);

    clock.now += 3600_000 + 1;
    expect(await telephony.extensionEmail('62264425017')).toBe('jordan.blake@example.com');
    expect(sim.counters().requests.extension).toBe(2);
  });

  it('answers undefined for an unknown extension and for one without an e-mail', async () => {
    const { telephony } = await setup();
    expect(await telephony.extensionEmail('99999999')).toBeUndefined();
    expect(await telephony.extensionEmail('62264425018')).toBeUndefined();
  });

  it('reads the external number from the call log: `to` on Outbound, `from` on Inbound, none for internal calls', async () => {
    const { sim, telephony } = await setup();
    expect(await telephony.externalNumber(legQuery(OUTBOUND))).toBe('+14155550123');
    expect(await telephony.externalNumber(legQuery(INBOUND))).toBe('+12125550188');
    expect(await telephony.externalNumber(legQuery(INTERNAL))).toBeUndefined();
    const calls = sim.counters().requests['call-log'];
    expect(calls).toBe(3);

    // Cached by session; the record's own direction wins over the event's.
    expect(await telephony.externalNumber(legQuery(OUTBOUND, 'Inbound'))).toBe('+14155550123');
    expect(sim.counters().requests['call-log']).toBe(calls);
  });

  it('picks the leg whose recording id matches, and undefined when the session is not in the call log', async () => {
    const { telephony } = await setup();
    expect(await telephony.externalNumber(legQuery(LEG_B))).toBe('+13125550102');
    expect(await telephony.externalNumber(legQuery(LEG_A))).toBe('+13125550101');
    expect(await telephony.externalNumber({ ...legQuery(LEG_A), sourceSessionId: 's-unknown' })).toBeUndefined();
    // Far outside the ±24 h window around the recording start: not found.
    expect(await telephony.externalNumber({ ...legQuery(OUTBOUND), recordingStartTime: '2020-01-01T00:00:00.000Z' })).toBeUndefined();
  });

  it('throws a rate_limited RingCentralError with the Retry-After wait on 429, and works again afterwards', async () => {
    const { sim, telephony } = await setup();
    sim.rateLimit('call-log', { count: 1, retryAfterSeconds: 7 });
    const e = await rejection(telephony.externalNumber(legQuery(OUTBOUND)));
    expect(e.service).toBe('ringcentral');
    expect(e.failure).toMatchObject({ kind: 'rate_limited', waitMs: 7000, code: 'CMN-301' });
    expect(await telephony.externalNumber(legQuery(OUTBOUND))).toBe('+14155550123');

    sim.rateLimit('extension', { count: 1, retryAfterSeconds: 3 });
    expect((await rejection(telephony.extensionEmail('62264425017'))).failure).toMatchObject({ kind: 'rate_limited', waitMs: 3000 });
  });
});

describe('fetchRecordingInsights', () => {
  it('returns the insights of an analysed recording, undefined for unknown or not yet analysed ones', async () => {
    const { sim, client } = await setup();
    expect(await fetchRecordingInsights(client.platform, '3001')).toMatchObject({ sourceRecordId: '3001', domain: 'pbx', insights: { Summary: expect.any(Array) } });
    expect(await fetchRecordingInsights(client.platform, '9999999')).toBeUndefined();
    expect(await fetchRecordingInsights(client.platform, '3006')).toBeUndefined();
    sim.rateLimit('insights', { count: 1, retryAfterSeconds: 2 });
    expect((await rejection(fetchRecordingInsights(client.platform, '3001'))).failure).toMatchObject({ kind: 'rate_limited', waitMs: 2000 });
  });
});

describe('createRingCentralClient', () => {
  it('refuses bad credentials with an auth RingCentralError', async () => {
    const sim = await RingCentralSimulator.start();
    cleanups.push(() => sim.stop());
    const base = { serverUrl: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret };
    const badJwt = await rejection(createRingCentralClient({ ...base, jwt: 'not-the-jwt' }, { cachePrefix: `rc-bad-${++sdkCount}-` }));
    expect(badJwt.failure).toMatchObject({ kind: 'auth', code: 'invalid_grant' });
    expect(badJwt.message).toMatch(/login to .* failed: Invalid assertion/);
    const badSecret = await rejection(createRingCentralClient({ ...base, clientSecret: 'wrong', jwt: sim.jwt }, { cachePrefix: `rc-bad-${++sdkCount}-` }));
    expect(badSecret.failure).toMatchObject({ kind: 'auth', code: 'invalid_client' });
  });

  it('reports an unreachable server as transient', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address() as { port: number };
        srv.close(() => resolve(p));
      });
    });
    const e = await rejection(createRingCentralClient({ serverUrl: `http://127.0.0.1:${port}`, clientId: 'x', clientSecret: 'y', jwt: 'z' }, { cachePrefix: `rc-down-${++sdkCount}-` }));
    expect(e.failure).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
  });
});
