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
import { RCX_SAMPLE_RECORD_ID, rcxSampleCall } from '../../src/demo/sample-rcx-call.ts';

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

  it('remembers that an extension has no e-mail, and asks again once that expires', async () => {
    const { sim, telephony, clock } = await setup();
    expect(await telephony.extensionEmail('62264425018')).toBeUndefined();
    expect(await telephony.extensionEmail('62264425018')).toBeUndefined();
    expect(sim.counters().requests.extension).toBe(1);
    clock.now += 3600_000 + 1;
    expect(await telephony.extensionEmail('62264425018')).toBeUndefined();
    expect(sim.counters().requests.extension).toBe(2);
  });

  it('reads the external number from the call log: `to` on Outbound, `from` on Inbound, none for internal calls', async () => {
    const { sim, telephony } = await setup();
    expect(await telephony.externalNumber(legQuery(OUTBOUND))).toBe('+14155550123');
    expect(await telephony.externalNumber(legQuery(INBOUND))).toBe('+12125550188');
    expect(await telephony.externalNumber(legQuery(INTERNAL))).toBeUndefined();
    // One call-log window (the hour of START) serves all three.
    const calls = sim.counters().requests['call-log'];
    expect(calls).toBe(1);

    // Cached by session; the record's own direction wins over the event's.
    expect(await telephony.externalNumber(legQuery(OUTBOUND, 'Inbound'))).toBe('+14155550123');
    expect(sim.counters().requests['call-log']).toBe(calls);
  });

  it('picks the leg whose recording id matches, and undefined when the session is not in the call log', async () => {
    const { telephony } = await setup();
    // Far outside the recording's window, before that window was fetched (a fetched window indexes the session for
    // any later lookup, whatever its time): not found.
    expect(await telephony.externalNumber({ ...legQuery(OUTBOUND), recordingStartTime: '2020-01-01T00:00:00.000Z' })).toBeUndefined();
    expect(await telephony.externalNumber(legQuery(LEG_B))).toBe('+13125550102');
    expect(await telephony.externalNumber(legQuery(LEG_A))).toBe('+13125550101');
    expect(await telephony.externalNumber({ ...legQuery(LEG_A), sourceSessionId: 's-unknown' })).toBeUndefined();
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

/** 30 recorded calls in one aligned hour, alternating directions, each with its own far end. */
function hourOfCalls(hourStart: number, n = 30): Array<{ rec: SimRecording; external: string }> {
  return Array.from({ length: n }, (_, i) => {
    const direction = i % 2 === 0 ? 'Outbound' : 'Inbound';
    const start = new Date(hourStart + i * 110_000).toISOString();
    const external = `+1415555${String(1000 + i)}`;
    const owner = { name: 'Avery Quinn', extensionId: '62264425016', extensionNumber: '101', phoneNumber: '+16505550100' };
    const far = { name: `Customer ${i}`, phoneNumber: external };
    const rec: SimRecording = {
      ...sampleRecording({ sourceRecordId: String(5000 + i), direction, customerPhone: external, recordingStartTime: start }),
      callLog: direction === 'Outbound' ? { from: owner, to: far, startTime: start } : { from: far, to: owner, startTime: start },
    };
    return { rec, external };
  });
}

describe('RingCentralTelephony call-log windows', () => {
  const HOUR = 3600_000;
  const hourStart = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;

  it('answers 30 calls of the same hour with at most 2 call-log requests, some concurrently', async () => {
    const { sim, telephony } = await setup();
    const calls = hourOfCalls(hourStart);
    for (const c of calls) sim.addRecording(c.rec);
    const before = sim.counters().requests['call-log'] ?? 0;

    const firstTen = await Promise.all(calls.slice(0, 10).map((c) => telephony.externalNumber(legQuery(c.rec))));
    expect(firstTen).toEqual(calls.slice(0, 10).map((c) => c.external));
    for (const c of calls.slice(10, 20)) expect(await telephony.externalNumber(legQuery(c.rec))).toBe(c.external);
    const lastTen = await Promise.all(calls.slice(20).map((c) => telephony.externalNumber(legQuery(c.rec))));
    expect(lastTen).toEqual(calls.slice(20).map((c) => c.external));
    // The event's direction is overruled by the record's own.
    const first = calls[0]!;
    expect(await telephony.externalNumber(legQuery(first.rec, 'Inbound'))).toBe(first.external);

    const used = (sim.counters().requests['call-log'] ?? 0) - before;
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThanOrEqual(2);
  });

  it('finds a call added after its window was fetched, once the re-fetch interval has passed', async () => {
    const { sim, telephony, clock } = await setup();
    const [early, late] = hourOfCalls(hourStart, 2);
    sim.addRecording(early!.rec);
    expect(await telephony.externalNumber(legQuery(early!.rec))).toBe(early!.external);
    expect(sim.counters().requests['call-log']).toBe(1);

    sim.addRecording(late!.rec);
    // The window was fetched just now: no new request, and the absence is not remembered.
    expect(await telephony.externalNumber(legQuery(late!.rec))).toBeUndefined();
    expect(sim.counters().requests['call-log']).toBe(1);

    clock.now += 10_001;
    expect(await telephony.externalNumber(legQuery(late!.rec))).toBe(late!.external);
    expect(sim.counters().requests['call-log']).toBe(2);
    // Both now come from the cache.
    expect(await telephony.externalNumber(legQuery(early!.rec))).toBe(early!.external);
    expect(await telephony.externalNumber(legQuery(late!.rec))).toBe(late!.external);
    expect(sim.counters().requests['call-log']).toBe(2);
  });

  it('surfaces a 429 on the window fetch (and on a re-fetch) as rate_limited with its wait', async () => {
    const { sim, telephony, clock } = await setup();
    const [a, b] = hourOfCalls(hourStart, 2);
    sim.addRecording(a!.rec);
    sim.rateLimit('call-log', { count: 1, retryAfterSeconds: 42 });
    const [e1, e2] = await Promise.all([rejection(telephony.externalNumber(legQuery(a!.rec))), rejection(telephony.externalNumber(legQuery(a!.rec)))]);
    expect(e1.failure).toMatchObject({ kind: 'rate_limited', waitMs: 42_000 });
    expect(e2.failure).toMatchObject({ kind: 'rate_limited', waitMs: 42_000 });
    expect(sim.counters().requests['call-log']).toBe(1);
    // The failed fetch did not mark the window as fetched.
    expect(await telephony.externalNumber(legQuery(a!.rec))).toBe(a!.external);

    sim.addRecording(b!.rec);
    clock.now += 10_001;
    sim.rateLimit('call-log', { count: 1, retryAfterSeconds: 5 });
    expect((await rejection(telephony.externalNumber(legQuery(b!.rec)))).failure).toMatchObject({ kind: 'rate_limited', waitMs: 5000 });
    expect(await telephony.externalNumber(legQuery(b!.rec))).toBe(b!.external);
  });
});

describe('fetchRecordingInsights', () => {
  it('returns the insights of an analysed recording, undefined for unknown or not yet analysed ones', async () => {
    const { sim, client } = await setup();
    expect(await fetchRecordingInsights(client.platform, 'pbx', '3001')).toMatchObject({ sourceRecordId: '3001', domain: 'pbx', insights: { Summary: expect.any(Array) } });
    expect(await fetchRecordingInsights(client.platform, 'pbx', '9999999')).toBeUndefined();
    expect(await fetchRecordingInsights(client.platform, 'pbx', '3006')).toBeUndefined();
    sim.rateLimit('insights', { count: 1, retryAfterSeconds: 2 });
    expect((await rejection(fetchRecordingInsights(client.platform, 'pbx', '3001'))).failure).toMatchObject({ kind: 'rate_limited', waitMs: 2000 });
  });
});

describe('fetchRecordingInsights by domain', () => {
  it('reads a RingCX recording under rcx (ids with ! @ - kept), and not under pbx', async () => {
    const { sim, client } = await setup();
    sim.addRecording({ insights: rcxSampleCall() });
    expect(await fetchRecordingInsights(client.platform, 'rcx', RCX_SAMPLE_RECORD_ID)).toMatchObject({ sourceRecordId: RCX_SAMPLE_RECORD_ID, domain: 'rcx', eventType: 'Create' });
    expect(await fetchRecordingInsights(client.platform, 'pbx', RCX_SAMPLE_RECORD_ID)).toBeUndefined();
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
