/**
 * The insights listener with the unmodified @ringcentral/sdk + @ringcentral/subscriptions against the RingCentral
 * simulator over real HTTP/WebSocket on loopback. Recovery waits for the client's own auto-recover timer (2 s, then
 * 4 s, 6 s... after failures), so some tests take several seconds. A missing socket error guard would surface as
 * an unhandled error, which fails the run.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.ts';
import { RingCentralSimulator } from '../../src/simulators/ringcentral/ringcentral-simulator.ts';
import { SAMPLE_EXTENSIONS, sampleRecording } from '../../src/simulators/ringcentral/sample-data.ts';
import { createRingCentralClient } from '../../src/ringcentral/sdk.ts';
import { createInsightsListener, type InsightsListener, type InsightsListenerOptions, type RecoveryInfo } from '../../src/ringcentral/subscription.ts';

const RECORD_ID = '2728084995017';
const EXPANDED = '/ai/ringsense/v1/public/accounts/809646016/domains/pbx/insights';
const RECORDING = sampleRecording({ sourceRecordId: RECORD_ID, recordingStartTime: '2024-09-04T20:44:16.390Z' });

const cleanups: Array<() => Promise<void>> = [];
let sdkCount = 0;

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function waitFor(cond: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Asserts that `read()` keeps its value for `ms` (used to prove that nothing reconnects any more). */
async function expectUnchanged<T>(read: () => T, ms: number): Promise<void> {
  const initial = read();
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(read()).toEqual(initial);
  }
}

interface Harness {
  sim: RingCentralSimulator;
  listener: InsightsListener;
  received: Array<Record<string, unknown>>;
  recoveries: RecoveryInfo[];
  logs: Array<Record<string, unknown>>;
  logged(message: string): number;
}

async function setup(
  opts: {
    beforeStart?: (sim: RingCentralSimulator) => void;
    onNotification?: InsightsListenerOptions['onNotification'];
    silenceTimeoutMs?: number;
    start?: boolean;
  } = {},
): Promise<Harness> {
  const sim = await RingCentralSimulator.start({ seed: { extensions: SAMPLE_EXTENSIONS, recordings: [RECORDING] } });
  cleanups.push(() => sim.stop());
  const logs: Array<Record<string, unknown>> = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  const logger = createLogger({ format: 'json', level: 'debug', stream });
  const client = await createRingCentralClient(
    { serverUrl: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, jwt: sim.jwt },
    { cachePrefix: `rc-listener-${process.pid}-${++sdkCount}-`, logger },
  );
  cleanups.push(() => client.close());
  const received: Array<Record<string, unknown>> = [];
  const recoveries: RecoveryInfo[] = [];
  const listener = createInsightsListener({
    sdk: client.sdk,
    logger,
    onNotification:
      opts.onNotification ??
      ((raw) => {
        received.push(raw as Record<string, unknown>);
      }),
    onRecovered: (info) => recoveries.push(info),
    backoff: { baseMs: 100, maxMs: 400, jitter: 'equal' },
    ...(opts.silenceTimeoutMs ? { silenceTimeoutMs: opts.silenceTimeoutMs } : {}),
  });
  cleanups.push(() => listener.stop());
  opts.beforeStart?.(sim);
  if (opts.start !== false) await listener.start();
  return { sim, listener, received, recoveries, logs, logged: (m) => logs.filter((l) => l.message === m).length };
}

function uuids(h: Harness): unknown[] {
  return h.received.map((e) => e.uuid);
}

describe('RingSense insights listener', () => {
  it('connects and passes each notification envelope through whole', async () => {
    const h = await setup();
    expect(h.listener.state()).toBe('connected');
    const [sub] = h.sim.subscriptions();
    expect(sub).toEqual({ id: expect.any(String), eventFilters: [EXPANDED], connected: true });

    const uuid = h.sim.publishInsights(RECORD_ID);
    await waitFor(() => h.received.length === 1, 5000, 'the notification');
    expect(h.received[0]).toEqual({
      uuid,
      event: EXPANDED,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      subscriptionId: sub!.id,
      ownerId: h.sim.ownerExtensionId,
      body: RECORDING.insights,
    });
    expect(h.listener.stats()).toEqual({ reconnects: 0, registerFailures: 0, notifications: 1 });
    expect(h.listener.lastError()).toBeUndefined();
  });

  it('survives refused upgrades before the first subscription, retries, and leaves exactly one connection', async () => {
    const h = await setup({ beforeStart: (sim) => sim.failNextUpgrades(3) });
    // start() resolves after the first attempt: the initial connect and the client's first recover were both refused.
    expect(h.listener.state()).toBe('degraded');
    expect(h.listener.lastError()).toBeDefined();
    await waitFor(() => h.listener.state() === 'connected', 30_000, 'connected');

    expect(h.listener.stats().registerFailures).toBeGreaterThanOrEqual(1);
    expect(h.sim.counters().upgradesRefused).toBe(3);
    expect(h.recoveries).toEqual([{ recovered: false, reason: 'resubscribed' }]);
    expect(h.logged('rc_ws_socket_error')).toBeGreaterThanOrEqual(3);
    const uuid = h.sim.publishInsights(RECORD_ID);
    await waitFor(() => h.received.length === 1, 5000, 'the notification');
    expect(uuids(h)).toEqual([uuid]);

    // No leaked extension of the failed attempt reconnects later (its auto-recover would do so within 2-8 s).
    expect(h.sim.subscriptions()).toHaveLength(1);
    await expectUnchanged(() => ({ connections: h.sim.counters().connections, open: h.sim.counters().openSockets, subs: h.sim.subscriptions().length }), 5000);
    expect(h.sim.counters().openSockets).toBe(1);
    expect(h.received).toHaveLength(1);
  });

  it('survives refused upgrades during auto-recover and receives the event published while down', async () => {
    const h = await setup();
    const [before] = h.sim.subscriptions();
    h.sim.failNextUpgrades(2);
    h.sim.dropSockets({ recovery: 'successful' });
    const whileDown = h.sim.publishInsights(RECORD_ID);
    await waitFor(() => h.listener.state() !== 'connected', 5000, 'the disconnect');

    await waitFor(() => h.received.length === 1, 40_000, 'the replayed notification');
    expect(uuids(h)).toEqual([whileDown]);
    expect(h.listener.state()).toBe('connected');
    expect(h.recoveries).toEqual([{ recovered: true, reason: 'recovery_successful' }]);
    expect(h.sim.counters().upgradesRefused).toBe(2);
    expect(h.sim.subscriptions()).toEqual([{ ...before!, connected: true }]);
    expect(h.listener.stats()).toMatchObject({ reconnects: 1, registerFailures: 0 });
    expect(h.logged('rc_ws_recover_failed')).toBeGreaterThanOrEqual(2);
  });

  it('reports a Failed recovery so the caller can catch up, and keeps delivering', async () => {
    const h = await setup();
    const [before] = h.sim.subscriptions();
    h.sim.dropSockets({ recovery: 'failed' });
    const lost = h.sim.publishInsights(RECORD_ID);
    await waitFor(() => h.recoveries.length === 1, 15_000, 'the recovery');
    expect(h.recoveries).toEqual([{ recovered: false, reason: 'recovery_failed' }]);
    expect(h.listener.state()).toBe('connected');

    const subs = h.sim.subscriptions();
    expect(subs).toHaveLength(1);
    expect(subs[0]!.id).not.toBe(before!.id);
    const after = h.sim.publishInsights(RECORD_ID);
    await waitFor(() => h.received.length === 1, 5000, 'the notification');
    expect(uuids(h)).toEqual([after]);
    expect(uuids(h)).not.toContain(lost);
  });

  it('terminates a half-open socket that stays silent and recovers', async () => {
    const h = await setup({ silenceTimeoutMs: 1000 });
    // Idle but healthy: the client's heartbeat (every 500 ms of silence) is echoed, so nothing is terminated.
    await expectUnchanged(() => h.sim.counters().connections, 2500);
    expect(h.logged('rc_ws_silent_terminated')).toBe(0);

    h.sim.silenceSockets();
    const duringSilence = h.sim.publishInsights(RECORD_ID);
    await waitFor(() => h.recoveries.length === 1, 15_000, 'the recovery');
    expect(h.logged('rc_ws_silent_terminated')).toBe(1);
    expect(h.recoveries).toEqual([{ recovered: true, reason: 'recovery_successful' }]);
    await waitFor(() => h.received.length === 1, 5000, 'the replayed notification');

    const after = h.sim.publishInsights(RECORD_ID);
    await waitFor(() => h.received.length === 2, 5000, 'the notification');
    expect(uuids(h)).toEqual([duringSilence, after]);
    expect(h.sim.counters().openSockets).toBe(1);
    expect(h.listener.state()).toBe('connected');
  });

  it('stop() revokes the subscription and leaves nothing running', async () => {
    const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const baseline = timeouts();
    const h = await setup();
    await h.listener.stop();
    expect(h.listener.state()).toBe('stopped');
    expect(h.sim.subscriptions()).toEqual([]);
    await waitFor(() => h.sim.counters().openSockets === 0, 5000, 'the socket to close');

    h.sim.publishInsights(RECORD_ID);
    await expectUnchanged(() => h.sim.counters().connections, 5000);
    expect(h.received).toEqual([]);
    expect(timeouts()).toBeLessThanOrEqual(baseline);
    await h.listener.stop(); // idempotent
  });

  it('stop() while degraded cancels the retries', async () => {
    const h = await setup({ beforeStart: (sim) => sim.failNextUpgrades(1000) });
    expect(h.listener.state()).toBe('degraded');
    await h.listener.stop();
    expect(h.listener.state()).toBe('stopped');
    await expectUnchanged(() => h.sim.counters().upgradesRefused + h.sim.counters().connections, 5000);
    expect(h.sim.counters().openSockets).toBe(0);
  });

  it('stop() during the first attempt ends it without leaving a connection behind', async () => {
    const h = await setup({ start: false });
    const started = h.listener.start();
    await h.listener.stop();
    await started;
    expect(h.listener.state()).toBe('stopped');
    await waitFor(() => h.sim.counters().openSockets === 0, 5000, 'no open socket');
    await expectUnchanged(() => ({ connections: h.sim.counters().connections, subs: h.sim.subscriptions().length }), 3000);
    expect(h.sim.subscriptions()).toEqual([]);
  });

  it('a failing onNotification does not stop later deliveries', async () => {
    const seen: unknown[] = [];
    let calls = 0;
    const h = await setup({
      onNotification: (raw) => {
        calls += 1;
        seen.push((raw as { uuid: string }).uuid);
        if (calls === 1) throw new Error('handler bug');
        if (calls === 2) return Promise.reject(new Error('async handler bug'));
      },
    });
    const sent = [h.sim.publishInsights(RECORD_ID), h.sim.publishInsights(RECORD_ID), h.sim.publishInsights(RECORD_ID)];
    await waitFor(() => seen.length === 3, 5000, 'three notifications');
    expect(seen).toEqual(sent);
    await waitFor(() => h.logged('rc_notification_handler_failed') === 2, 2000, 'two logged failures');
    expect(h.listener.state()).toBe('connected');
    expect(h.listener.stats().notifications).toBe(3);
  });
});
