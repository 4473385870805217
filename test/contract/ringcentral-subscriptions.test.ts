/**
 * Contract: the unmodified @ringcentral/subscriptions 5.0.11 (via @rc-ex/ws 1.3.17) and
 * @ringcentral/sdk 5.0.11 against the RingCentral simulator over real WebSocket/HTTP on loopback.
 * Recovery tests wait for the client's own auto-recover timer (2 s+), so they take seconds.
 */
import { once, type EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { SDK } from '@ringcentral/sdk';
import { Subscriptions } from '@ringcentral/subscriptions';
import { RingCentralSimulator, type RingCentralSimulatorOptions } from '../../src/simulators/ringcentral/ringcentral-simulator.ts';
import { SAMPLE_EXTENSIONS, sampleRecording } from '../../src/simulators/ringcentral/sample-data.ts';
import { RINGSENSE_PBX_FILTER } from '../../src/simulators/ringcentral/event-filters.ts';

const RECORD_ID = '2728084995017';
const EXPANDED = '/ai/ringsense/v1/public/accounts/809646016/domains/pbx/insights';
const RECORDING = sampleRecording({ sourceRecordId: RECORD_ID, recordingStartTime: '2024-09-04T20:44:16.390Z' });

interface Envelope {
  uuid: string;
  event: string;
  timestamp: string;
  subscriptionId: string;
  ownerId: string;
  body: unknown;
}

/** Collects notifications; `next()` resolves with the next one not yet taken. */
class Inbox {
  readonly all: Envelope[] = [];
  private taken = 0;
  private waiter: (() => void) | undefined;
  push = (e: Envelope): void => {
    this.all.push(e);
    this.waiter?.();
  };
  async next(): Promise<Envelope> {
    while (this.all.length <= this.taken) await new Promise<void>((resolve) => (this.waiter = resolve));
    return this.all[this.taken++]!;
  }
}

type WsSub = Awaited<ReturnType<ReturnType<Subscriptions['createSubscription']>['register']>>;

/** The runtime @rc-ex/ws WebSocketExtension; its .d.ts types `wse` as a narrower interface. */
interface WsExtension {
  eventEmitter: EventEmitter;
  ws?: { readyState: number; close(): void };
  intervalHandle?: NodeJS.Timeout;
  pingServerHandle?: NodeJS.Timeout;
  revoke(): Promise<void>;
  disable(): void;
}

function wse(wsSub: WsSub): WsExtension {
  return wsSub.wse as unknown as WsExtension;
}

const cleanups: Array<() => Promise<void>> = [];
let sdkCount = 0;

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startSim(opts: RingCentralSimulatorOptions = {}): Promise<RingCentralSimulator> {
  const sim = await RingCentralSimulator.start({
    seed: { extensions: SAMPLE_EXTENSIONS, recordings: [RECORDING] },
    ...opts,
  });
  cleanups.push(() => sim.stop());
  return sim;
}

async function subscribe(sim: RingCentralSimulator, filters = [RINGSENSE_PBX_FILTER]): Promise<{ wsSub: WsSub; inbox: Inbox }> {
  const sdk = new SDK({ server: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, cachePrefix: `rc-subs-${process.pid}-${++sdkCount}-` });
  await sdk.platform().login({ jwt: sim.jwt });
  const sub = new Subscriptions({ sdk }).createSubscription();
  const inbox = new Inbox();
  sub.on(sub.events.notification, inbox.push);
  const wsSub = await sub.setEventFilters(filters).register();
  cleanups.push(async () => {
    const ext = wse(wsSub);
    try {
      if (ext.ws?.readyState === 1) await ext.revoke();
    } finally {
      clearInterval(ext.intervalHandle);
      clearTimeout(ext.pingServerHandle);
      ext.disable();
      ext.ws?.close();
    }
  });
  return { wsSub, inbox };
}

describe('RingCentral simulator with the official subscriptions client', () => {
  it('registers a WebSocket subscription and delivers the whole notification envelope', async () => {
    const sim = await startSim();
    const { wsSub, inbox } = await subscribe(sim);
    const id = wsSub.subscriptionInfo!.id!;
    expect(wsSub.subscriptionInfo).toMatchObject({ id, status: 'Active', eventFilters: [EXPANDED], deliveryMode: { transportType: 'WebSocket', encryption: false } });
    expect(sim.subscriptions()).toEqual([{ id, eventFilters: [EXPANDED], connected: true }]);

    const uuid = sim.publishInsights(RECORD_ID);
    const evt = await inbox.next();
    expect(evt).toEqual({
      uuid,
      event: EXPANDED,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      subscriptionId: id,
      ownerId: sim.ownerExtensionId,
      body: RECORDING.insights,
    });
    expect(uuid).toMatch(/^\d{19}$/);
    expect(sim.counters()).toMatchObject({ notificationsSent: 1, activeSubscriptions: 1, connections: 1 });
  });

  it('delivers raw bodies and envelope overrides, and only to subscriptions whose filters match', async () => {
    const sim = await startSim();
    const other = await subscribe(sim, ['/restapi/v1.0/account/~/extension/~/presence']);
    expect(sim.subscriptions().find((s) => s.id === other.wsSub.subscriptionInfo!.id)?.eventFilters).toEqual([
      `/restapi/v1.0/account/809646016/extension/${sim.ownerExtensionId}/presence`,
    ]);
    const { inbox } = await subscribe(sim);

    const rawUuid = sim.publishRaw('not an object');
    expect(await inbox.next()).toMatchObject({ uuid: rawUuid, body: 'not an object' });
    sim.publishInsights({ domain: 'pbx', sourceRecordId: 'raw-1' }, { envelope: { uuid: '42', timestamp: '2024-09-04T21:16:16.390Z' } });
    expect(await inbox.next()).toMatchObject({ uuid: '42', timestamp: '2024-09-04T21:16:16.390Z', body: { sourceRecordId: 'raw-1' } });
    expect(other.inbox.all).toEqual([]);
    expect(sim.counters().notificationsSent).toBe(2);
  });

  it('the control API publishes over HTTP like the in-process method', async () => {
    const sim = await startSim();
    const { inbox } = await subscribe(sim);
    const res = await fetch(`${sim.url}/_sim/publish`, { method: 'POST', body: JSON.stringify({ sourceRecordId: RECORD_ID }) });
    const { uuid } = (await res.json()) as { uuid: string };
    expect((await inbox.next()).uuid).toBe(uuid);
    const subs = (await (await fetch(`${sim.url}/_sim/subscriptions`)).json()) as unknown[];
    expect(subs).toHaveLength(1);
  });

  it('Successful recovery keeps the subscription id and replays the event published while down', async () => {
    const sim = await startSim();
    const { wsSub, inbox } = await subscribe(sim);
    const id = wsSub.subscriptionInfo!.id;
    const recovered = once(wse(wsSub).eventEmitter, 'autoRecoverSuccess');

    sim.dropSockets({ recovery: 'successful' });
    const whileDown = sim.publishInsights(RECORD_ID);
    await recovered;

    const evt = await inbox.next();
    expect(evt.uuid).toBe(whileDown);
    expect(evt.subscriptionId).toBe(id);
    expect(wsSub.subscriptionInfo!.id).toBe(id);
    expect(sim.subscriptions()).toEqual([{ id, eventFilters: [EXPANDED], connected: true }]);
    expect(sim.counters().connections).toBe(2);
  });

  it('keeps only the newest recoveryBufferSize events for a session that is down', async () => {
    const sim = await startSim({ recoveryBufferSize: 2 });
    const { wsSub, inbox } = await subscribe(sim);
    const recovered = once(wse(wsSub).eventEmitter, 'autoRecoverSuccess');
    sim.dropSockets();
    const sent = [sim.publishInsights(RECORD_ID), sim.publishInsights(RECORD_ID), sim.publishInsights(RECORD_ID)];
    await recovered;
    expect([(await inbox.next()).uuid, (await inbox.next()).uuid]).toEqual(sent.slice(1));
    const after = sim.publishInsights(RECORD_ID);
    expect((await inbox.next()).uuid).toBe(after);
    expect(inbox.all.map((e) => e.uuid)).not.toContain(sent[0]);
  });

  it('Failed recovery re-subscribes with a new id and loses the event published while down', async () => {
    const sim = await startSim();
    const { wsSub, inbox } = await subscribe(sim);
    const oldId = wsSub.subscriptionInfo!.id;
    const failed = once(wse(wsSub).eventEmitter, 'autoRecoverFailed');

    sim.dropSockets({ recovery: 'failed' });
    const lost = sim.publishInsights(RECORD_ID);
    await failed;

    const newId = wsSub.subscriptionInfo!.id!;
    expect(newId).not.toBe(oldId);
    expect(sim.subscriptions()).toEqual([{ id: newId, eventFilters: [EXPANDED], connected: true }]);
    const after = sim.publishInsights(RECORD_ID);
    const evt = await inbox.next();
    expect(evt).toMatchObject({ uuid: after, subscriptionId: newId });
    expect(inbox.all.map((e) => e.uuid)).not.toContain(lost);
  });

  it('a recovery attempt after the recovery window has passed is Failed', async () => {
    const sim = await startSim({ recoveryTimeoutSeconds: 1 });
    const { wsSub, inbox } = await subscribe(sim);
    const oldId = wsSub.subscriptionInfo!.id;
    const failed = once(wse(wsSub).eventEmitter, 'autoRecoverFailed');
    sim.dropSockets({ recovery: 'successful' });
    const lost = sim.publishInsights(RECORD_ID);
    await failed; // the client's first retry comes after 2 s, past the 1 s window
    expect(wsSub.subscriptionInfo!.id).not.toBe(oldId);
    const after = sim.publishInsights(RECORD_ID);
    expect((await inbox.next()).uuid).toBe(after);
    expect(inbox.all.map((e) => e.uuid)).not.toContain(lost);
  });

  it('revoke() deletes the subscription on the server', async () => {
    const sim = await startSim();
    const { wsSub } = await subscribe(sim);
    expect(sim.counters().activeSubscriptions).toBe(1);
    await wse(wsSub).revoke();
    expect(sim.subscriptions()).toEqual([]);
    expect(sim.counters().activeSubscriptions).toBe(0);
    sim.publishInsights(RECORD_ID);
    expect(sim.counters().notificationsSent).toBe(0);
  });
});
