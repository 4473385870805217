/**
 * The WebSocket gateway (WSG) as @rc-ex/ws talks to it: ConnectionDetails first, ClientRequest
 * frames answered with the same type and messageId, Heartbeat echoed, ServerNotification frames
 * carrying an increasing `wsc.sequence`, and session recovery (`&wsc=<token>`) within the recovery
 * window: Successful keeps the subscription and replays what was buffered while the socket was down
 * (asynchronously: the client drops frames that arrive in the same tick as ConnectionDetails),
 * Failed starts a new session and loses them.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isRecord, newRequestId, parseJson } from './http-io.ts';
import { eventMatchesFilters } from './event-filters.ts';
import { handleClientRequest, type WsSubscription } from './ws-client-requests.ts';

export const WS_PATH = '/ws';

/**
 * A notification body given as JSON text, sent as it is: for bodies no JSON.stringify can produce (nested
 * thousands of levels deep), as a hostile or broken sender would.
 */
export class RawJsonBody {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
const RAW_BODY_MARK = '__raw_json_body__';

/** The frame's text: meta and envelope, with a RawJsonBody spliced in as it is. */
function frameText(meta: Record<string, unknown>, env: Record<string, unknown>): string {
  const body = env.body;
  if (!(body instanceof RawJsonBody)) return JSON.stringify([meta, env]);
  return JSON.stringify([meta, { ...env, body: RAW_BODY_MARK }]).replace(`"${RAW_BODY_MARK}"`, () => body.text);
}
/** Delay before replaying buffered notifications after a Successful recovery. */
const REPLAY_DELAY_MS = 25;

export interface GatewayConfig {
  accountId: string;
  recoveryTimeoutSeconds: number;
  recoveryBufferSize: number;
  wsTokenOwner(token: string | null): string | undefined;
  httpBase(): string;
}

export type RecoveryOutcome = 'successful' | 'failed';

export interface GatewayCounters {
  connections: number;
  openSockets: number;
  upgradesRefused: number;
  notificationsSent: number;
}

interface Session {
  token: string;
  sequence: number;
  ownerId: string;
  creationTime: string;
  socket: WebSocket | undefined;
  subscription: WsSubscription | undefined;
  pending: Array<Record<string, unknown>>;
  replaying: boolean;
  nextRecovery: RecoveryOutcome;
  expiryTimer: NodeJS.Timeout | undefined;
}

type Frame = [Record<string, unknown>] | [Record<string, unknown>, unknown];

export class WsGateway {
  private readonly cfg: GatewayConfig;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly replayTimers = new Set<NodeJS.Timeout>();
  /** Sockets gone half-open: the gateway neither reads nor writes them, and never closes them. */
  private readonly silenced = new WeakSet<WebSocket>();
  private refuse = { count: 0, status: 503 };
  readonly counters: GatewayCounters = { connections: 0, openSockets: 0, upgradesRefused: 0, notificationsSent: 0 };

  constructor(cfg: GatewayConfig) {
    this.cfg = cfg;
  }

  failNextUpgrades(n: number, status = 503): void {
    this.refuse = { count: n, status };
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname !== WS_PATH) return rejectUpgrade(socket, 404);
    if (this.refuse.count > 0) {
      this.refuse.count -= 1;
      this.counters.upgradesRefused += 1;
      return rejectUpgrade(socket, this.refuse.status);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
  }

  private onConnection(ws: WebSocket, url: URL): void {
    ws.on('error', () => undefined);
    const ownerId = this.cfg.wsTokenOwner(url.searchParams.get('access_token'));
    if (ownerId === undefined) {
      const meta = { type: 'Error', messageId: randomUUID(), status: 401, headers: { RCRequestId: newRequestId() } };
      ws.send(JSON.stringify([meta, { errorCode: 'WSG-401', message: 'Invalid access token' }]), () => ws.close(1008));
      return;
    }
    this.counters.connections += 1;
    this.counters.openSockets += 1;
    const wsc = url.searchParams.get('wsc');
    let session: Session;
    let recoveryState: 'Successful' | 'Failed' | undefined;
    const existing = wsc === null ? undefined : this.sessions.get(wsc);
    if (existing && !existing.socket && existing.ownerId === ownerId && existing.nextRecovery === 'successful') {
      session = existing;
      recoveryState = 'Successful';
      clearTimeout(session.expiryTimer);
      session.expiryTimer = undefined;
    } else {
      if (existing && !existing.socket) this.discard(existing);
      session = this.newSession(ownerId);
      if (wsc !== null) recoveryState = 'Failed';
    }
    session.socket = ws;
    session.nextRecovery = 'successful';
    const details: Record<string, unknown> = {
      creationTime: session.creationTime,
      maxConnectionsPerSession: 50,
      recoveryBufferSize: this.cfg.recoveryBufferSize,
      recoveryTimeout: this.cfg.recoveryTimeoutSeconds,
      idleTimeout: 1800,
      absoluteTimeout: 86400,
      maxActiveRequests: 10,
    };
    if (recoveryState) details.recoveryState = recoveryState;
    session.sequence += 1;
    const meta = { type: 'ConnectionDetails', messageId: randomUUID(), status: 200, wsc: { token: session.token, sequence: session.sequence }, headers: { RCRequestId: newRequestId() } };
    ws.send(JSON.stringify([meta, details]));
    if (recoveryState === 'Successful' && session.pending.length > 0) {
      session.replaying = true;
      const timer = setTimeout(() => {
        this.replayTimers.delete(timer);
        session.replaying = false;
        this.flush(session);
      }, REPLAY_DELAY_MS);
      this.replayTimers.add(timer);
    } else {
      session.pending = [];
    }
    ws.on('message', (data) => this.onFrame(session, ws, data));
    ws.on('close', () => this.onClose(session, ws));
  }

  private newSession(ownerId: string): Session {
    const session: Session = {
      token: Buffer.from(randomUUID()).toString('base64url'),
      sequence: 0,
      ownerId,
      creationTime: new Date().toISOString(),
      socket: undefined,
      subscription: undefined,
      pending: [],
      replaying: false,
      nextRecovery: 'successful',
      expiryTimer: undefined,
    };
    this.sessions.set(session.token, session);
    return session;
  }

  private discard(session: Session): void {
    clearTimeout(session.expiryTimer);
    this.sessions.delete(session.token);
  }

  private onClose(session: Session, ws: WebSocket): void {
    this.counters.openSockets -= 1;
    if (session.socket !== ws) return;
    session.socket = undefined;
    session.replaying = false;
    session.expiryTimer = setTimeout(() => this.discard(session), this.cfg.recoveryTimeoutSeconds * 1000);
    session.expiryTimer.unref();
  }

  private onFrame(session: Session, ws: WebSocket, data: RawData): void {
    if (this.silenced.has(ws)) return;
    let frame: unknown;
    try {
      frame = parseJson(rawToString(data));
    } catch {
      frame = undefined;
    }
    const meta: unknown = Array.isArray(frame) ? frame[0] : undefined;
    const body: unknown = Array.isArray(frame) ? frame[1] : undefined;
    if (!isRecord(meta)) {
      // [INF] error code for a frame the gateway cannot parse.
      return send(ws, [{ type: 'Error', status: 400, headers: { RCRequestId: newRequestId() } }, { errorCode: 'WSG-400', message: 'Invalid message format' }]);
    }
    const messageId = meta.messageId;
    if (meta.type === 'Heartbeat') return send(ws, [{ type: 'Heartbeat', messageId }]);
    if (meta.type !== 'ClientRequest') return;
    const r = handleClientRequest(
      session,
      { method: typeof meta.method === 'string' ? meta.method : 'GET', path: typeof meta.path === 'string' ? meta.path : '', body },
      { accountId: this.cfg.accountId, httpBase: this.cfg.httpBase() },
    );
    const replyMeta = { type: 'ClientRequest', messageId, status: r.status, headers: { 'Content-Type': 'application/json', RCRequestId: newRequestId() } };
    send(ws, r.body === undefined ? [replyMeta] : [replyMeta, r.body]);
  }

  /**
   * Delivers a notification to every subscription matching `event`; sessions whose socket is down
   * (within the recovery window) buffer it, dropping the oldest beyond recoveryBufferSize.
   */
  publish(event: string, envelope: (sub: WsSubscription, ownerId: string) => Record<string, unknown>): void {
    for (const session of this.sessions.values()) {
      const sub = session.subscription;
      if (!sub || !eventMatchesFilters(event, sub.eventFilters)) continue;
      session.pending.push(envelope(sub, session.ownerId));
      while (session.pending.length > this.cfg.recoveryBufferSize) session.pending.shift();
      if (session.socket && !session.replaying) this.flush(session);
    }
  }

  private flush(session: Session): void {
    const ws = session.socket;
    if (!ws || ws.readyState !== ws.OPEN || this.silenced.has(ws)) return;
    for (const env of session.pending.splice(0)) {
      session.sequence += 1;
      const messageId = typeof env.uuid === 'string' ? env.uuid : randomUUID();
      const meta = { type: 'ServerNotification', messageId, status: 200, headers: { RCRequestId: newRequestId() }, wsc: { token: session.token, sequence: session.sequence } };
      ws.send(frameText(meta, env));
      this.counters.notificationsSent += 1;
    }
  }

  /** Terminates every socket; the next recovery attempt of each session gets `recovery`. */
  dropSockets(recovery: RecoveryOutcome = 'successful'): void {
    for (const session of this.sessions.values()) {
      session.nextRecovery = recovery;
      session.socket?.terminate();
    }
  }

  /**
   * Makes every open socket half-open: it stays connected but nothing more goes either way (no heartbeat
   * echoes, no notifications; those are buffered as if the socket were down). The client has to notice.
   */
  silenceSockets(): void {
    for (const session of this.sessions.values()) if (session.socket) this.silenced.add(session.socket);
  }

  subscriptions(): Array<{ id: string; eventFilters: string[]; connected: boolean }> {
    const out: Array<{ id: string; eventFilters: string[]; connected: boolean }> = [];
    for (const s of this.sessions.values()) {
      if (s.subscription) out.push({ id: s.subscription.id, eventFilters: [...s.subscription.eventFilters], connected: s.socket !== undefined });
    }
    return out;
  }

  async stop(): Promise<void> {
    for (const t of this.replayTimers) clearTimeout(t);
    for (const s of this.sessions.values()) {
      clearTimeout(s.expiryTimer);
      s.socket?.terminate();
    }
    this.sessions.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function send(ws: WebSocket, frame: Frame): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(new Uint8Array(data)).toString('utf8');
  return data.toString('utf8');
}

function rejectUpgrade(socket: Duplex, status: number): void {
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
  socket.write(head, () => socket.destroy());
}
