/**
 * Contract at the frame level: a plain `ws` client (with an error listener, unlike @rc-ex/ws) speaks
 * the gateway protocol directly: token rejection, refused upgrades, Heartbeat, and the subscription
 * ClientRequests the official client does not exercise (GET, PUT, unknown ids and paths).
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { RingCentralSimulator } from '../../src/simulators/ringcentral/ringcentral-simulator.ts';
import { RINGSENSE_PBX_FILTER } from '../../src/simulators/ringcentral/event-filters.ts';

type Frame = [Record<string, unknown>, unknown?];

const sims: RingCentralSimulator[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const sim of sims.splice(0)) await sim.stop();
});

async function startSim(): Promise<RingCentralSimulator> {
  const sim = await RingCentralSimulator.start();
  sims.push(sim);
  return sim;
}

async function wsToken(sim: RingCentralSimulator): Promise<{ uri: string; ws_access_token: string; expires_in: number }> {
  const basic = Buffer.from(`${sim.clientId}:${sim.clientSecret}`).toString('base64');
  const tokenRes = await fetch(`${sim.url}/restapi/oauth/token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: sim.jwt }),
  });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const res = await fetch(`${sim.url}/restapi/oauth/wstoken`, { method: 'POST', headers: { Authorization: `bearer ${access_token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { uri: string; ws_access_token: string; expires_in: number };
}

/** A socket whose frames are queued as parsed JSON, so tests can await them in order. */
class FrameClient {
  readonly ws: WebSocket;
  private readonly frames: Frame[] = [];
  private waiter: (() => void) | undefined;
  constructor(url: string) {
    this.ws = new WebSocket(url);
    sockets.push(this.ws);
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data: Buffer) => {
      this.frames.push(JSON.parse(data.toString('utf8')) as Frame);
      this.waiter?.();
    });
  }
  async next(): Promise<Frame> {
    while (this.frames.length === 0) await new Promise<void>((resolve) => (this.waiter = resolve));
    return this.frames.shift()!;
  }
  async request(method: string, path: string, body?: unknown): Promise<Frame> {
    const messageId = `m-${Math.random()}`;
    const frame: unknown[] = [{ type: 'ClientRequest', messageId, method, path, headers: {} }];
    if (body !== undefined) frame.push(body);
    this.ws.send(JSON.stringify(frame));
    const reply = await this.next();
    expect(reply[0]).toMatchObject({ type: 'ClientRequest', messageId });
    return reply;
  }
}

describe('RingCentral simulator WebSocket gateway frames', () => {
  it('answers an unknown ws access token with an Error frame and closes', async () => {
    const sim = await startSim();
    const { uri } = await wsToken(sim);
    const client = new FrameClient(`${uri}?access_token=bogus`);
    const closed = once(client.ws, 'close');
    const [meta, body] = await client.next();
    expect(meta).toMatchObject({ type: 'Error', status: 401 });
    expect(body).toMatchObject({ errorCode: 'WSG-401' });
    await closed;
  });

  it('refuses the next N upgrades with HTTP 503, then accepts again', async () => {
    const sim = await startSim();
    const token = await wsToken(sim);
    expect(token).toMatchObject({ uri: `${sim.url.replace('http', 'ws')}/ws`, expires_in: 600 });
    sim.failNextUpgrades(1);
    const refused = new WebSocket(`${token.uri}?access_token=${token.ws_access_token}`);
    sockets.push(refused);
    const [err] = (await once(refused, 'error')) as [Error];
    expect(err.message).toContain('503');
    expect(sim.counters().upgradesRefused).toBe(1);

    const ok = new FrameClient(`${token.uri}?access_token=${token.ws_access_token}`); // token reuse is accepted
    const [meta, details] = await ok.next();
    expect(meta).toMatchObject({ type: 'ConnectionDetails', status: 200, wsc: { token: expect.any(String), sequence: 1 } });
    expect(details).toMatchObject({ recoveryTimeout: 180, recoveryBufferSize: 100, idleTimeout: 1800, absoluteTimeout: 86400, maxConnectionsPerSession: 50 });
    expect(details).not.toHaveProperty('recoveryState');
  });

  it('echoes Heartbeat and serves subscription GET/PUT/DELETE with RingCentral status codes', async () => {
    const sim = await startSim();
    const { uri, ws_access_token } = await wsToken(sim);
    const client = new FrameClient(`${uri}?access_token=${ws_access_token}`);
    await client.next(); // ConnectionDetails

    client.ws.send(JSON.stringify([{ type: 'Heartbeat', messageId: 'hb-1' }]));
    expect(await client.next()).toEqual([{ type: 'Heartbeat', messageId: 'hb-1' }]);

    const [created, sub] = await client.request('POST', '/restapi/v1.0/subscription/', {
      deliveryMode: { transportType: 'WebSocket' },
      eventFilters: [RINGSENSE_PBX_FILTER],
    });
    expect(created.status).toBe(200);
    const id = (sub as { id: string }).id;
    expect(sub).toMatchObject({ uri: `${sim.url}/restapi/v1.0/subscription/${id}`, status: 'Active', expiresIn: expect.any(Number) });

    const [got, gotBody] = await client.request('GET', `/restapi/v1.0/subscription/${id}`);
    expect(got.status).toBe(200);
    expect(gotBody).toMatchObject({ id });
    const [renewed] = await client.request('PUT', `/restapi/v1.0/subscription/${id}`, { deliveryMode: { transportType: 'WebSocket' }, eventFilters: [RINGSENSE_PBX_FILTER] });
    expect(renewed.status).toBe(200);

    const [missing, missingBody] = await client.request('GET', '/restapi/v1.0/subscription/nope');
    expect(missing.status).toBe(404);
    expect(missingBody).toMatchObject({ errorCode: 'CMN-102' });
    const [badPath, badPathBody] = await client.request('GET', '/restapi/v1.0/nowhere');
    expect(badPath.status).toBe(404);
    expect(badPathBody).toMatchObject({ errorCode: expect.any(String), message: expect.any(String) });
    const [invalid] = await client.request('POST', '/restapi/v1.0/subscription', { eventFilters: [] });
    expect(invalid.status).toBe(400);

    const deleted = await client.request('DELETE', `/restapi/v1.0/subscription/${id}`);
    expect(deleted).toHaveLength(1);
    expect(deleted[0].status).toBe(204);
    expect(sim.subscriptions()).toEqual([]);
  });

  it('numbers notifications with an increasing wsc.sequence after the subscription reply', async () => {
    const sim = await startSim();
    const { uri, ws_access_token } = await wsToken(sim);
    const client = new FrameClient(`${uri}?access_token=${ws_access_token}`);
    const [details] = await client.next();
    await client.request('POST', '/restapi/v1.0/subscription', { deliveryMode: { transportType: 'WebSocket' }, eventFilters: [RINGSENSE_PBX_FILTER] });
    sim.publishRaw({ n: 1 });
    sim.publishRaw({ n: 2 });
    const [m1, b1] = await client.next();
    const [m2] = await client.next();
    expect(m1).toMatchObject({ type: 'ServerNotification', status: 200, messageId: (b1 as { uuid: string }).uuid });
    const seq = (m: Record<string, unknown>): number => (m.wsc as { sequence: number }).sequence;
    expect(seq(m1)).toBe(seq(details) + 1);
    expect(seq(m2)).toBe(seq(details) + 2);
  });
});
