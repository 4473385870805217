/**
 * A local RingCentral: OAuth, the WebSocket gateway with subscriptions and session recovery, the
 * RingSense insights API, the call log and extensions, on one loopback HTTP server that the
 * unmodified @ringcentral/sdk and @ringcentral/subscriptions talk to. Fault injection (dropped
 * sockets, refused upgrades, 429s, expired tokens) and a JSON control API under /_sim/.
 */
import { listenForUrl } from '../listen.ts';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { parseForm, parseJson, readBody, writeResponse, type SimResponse } from './http-io.ts';
import { apiError, routeNotFound } from './rc-errors.ts';
import { OAuthServer } from './oauth.ts';
import { RawJsonBody, WsGateway, WS_PATH } from './ws-gateway.ts';
import { RateLimiter, type RateLimitedEndpoint, type RateLimitOptions } from './rate-limit.ts';
import { handleRingSense, RINGSENSE_PATH } from './ringsense-api.ts';
import { handleRcVideo, RCVIDEO_PATH } from './rcvideo-api.ts';
import type { RcvMeeting } from './rcvideo-meeting.ts';
import { handleCallLog } from './call-log-api.ts';
import { handleExtension, handleExtensionList } from './extensions-api.ts';
import { handleControl, type SimControl } from './control-api.ts';
import { ringSenseEvent } from './event-filters.ts';
import { SimState, type RingCentralSeed, type SimRecording } from './state.ts';

export type { RingCentralSeed, SimCall, SimCallLog, SimExtension, SimParty, SimRecording } from './state.ts';
export type { RateLimitedEndpoint, RateLimitOptions, RateGroupSettings } from './rate-limit.ts';
export type { RcvMeeting, RcvParticipant, RcvRecording, RcvHost } from './rcvideo-meeting.ts';

export interface RingCentralSimulatorOptions {
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  jwt?: string;
  accountId?: string;
  accessTokenTtlSeconds?: number;
  recoveryTimeoutSeconds?: number;
  recoveryBufferSize?: number;
  seed?: RingCentralSeed;
  /** Opt-in enforcement of the rate groups (default: off, only forced 429s), with optional compressed windows. */
  rateLimits?: RateLimitOptions;
}

export interface RingCentralSimulatorCounters {
  requests: Record<string, number>;
  /** WebSocket connections accepted since start (reconnects included). */
  connections: number;
  /** WebSocket connections open right now. */
  openSockets: number;
  upgradesRefused: number;
  notificationsSent: number;
  activeSubscriptions: number;
  tokenRequests: number;
}

type EnvelopeOverrides = Partial<Record<'uuid' | 'event' | 'timestamp' | 'subscriptionId' | 'ownerId', string>>;

const ACCOUNT_PATH = /^\/restapi\/v1\.0\/account\/([^/]+)(?:\/extension(?:\/([^/]+))?)?(\/call-log)?\/?$/;

/** Notification uuids are 19-digit numbers, as in RingCentral's samples. */
function notificationUuid(): string {
  return (randomBytes(8).readBigUInt64BE() % 9_000_000_000_000_000_000n + 1_000_000_000_000_000_000n).toString();
}

export class RingCentralSimulator implements SimControl {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly jwt: string;
  private readonly server: Server;
  private readonly state: SimState;
  private readonly oauth: OAuthServer;
  private readonly gateway: WsGateway;
  private readonly limiter: RateLimiter;
  private readonly requests: Record<string, number> = {};
  private tokenRequests = 0;

  private constructor(server: Server, url: string, opts: RingCentralSimulatorOptions) {
    this.server = server;
    this.url = url;
    this.clientId = opts.clientId ?? 'sim-rc-client-id';
    this.clientSecret = opts.clientSecret ?? 'sim-rc-client-secret';
    this.jwt = opts.jwt ?? 'sim-rc-jwt';
    this.state = new SimState(opts.accountId ?? '809646016', opts.seed);
    this.limiter = new RateLimiter(opts.rateLimits);
    this.oauth = new OAuthServer({
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      jwt: this.jwt,
      ownerId: this.state.ownerExtensionId,
      accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 3600,
    });
    this.gateway = new WsGateway({
      accountId: this.state.accountId,
      recoveryTimeoutSeconds: opts.recoveryTimeoutSeconds ?? 180,
      recoveryBufferSize: opts.recoveryBufferSize ?? 100,
      wsTokenOwner: (token) => this.oauth.wsTokenOwner(token),
      httpBase: () => this.url,
    });
    server.on('request', (req, res) => {
      this.route(req)
        .catch((): SimResponse => apiError(500, 'CMN-500', 'Internal Server Error'))
        .then((r) => writeResponse(res, r))
        .catch(() => res.destroy());
    });
    server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => this.gateway.handleUpgrade(req, socket, head));
  }

  static async start(opts: RingCentralSimulatorOptions = {}): Promise<RingCentralSimulator> {
    const server = createServer();
    const url = await listenForUrl(server, opts.host ?? '127.0.0.1', opts.port ?? 0);
    return new RingCentralSimulator(server, url, opts);
  }

  async stop(): Promise<void> {
    await this.gateway.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  get accountId(): string {
    return this.state.accountId;
  }

  /** The extension id the JWT belongs to (`owner_id`, and `~` in extension paths). */
  get ownerExtensionId(): string {
    return this.state.ownerExtensionId;
  }

  seed(seed: RingCentralSeed): void {
    this.state.seed(seed);
  }

  addRecording(r: SimRecording): void {
    this.state.addRecording(r);
  }

  markAnalysed(sourceRecordId: string): void {
    this.state.markAnalysed(sourceRecordId);
  }

  /** Adds (or replaces, by id) a RingCentral Video meeting served by the meeting history API. */
  addMeeting(m: RcvMeeting): void {
    this.state.addMeeting(m);
  }

  /**
   * Sends a RingSense insights notification for a loaded recording (which then also counts as
   * analysed) or for a raw insights body, to every subscription whose filters match the insights event of
   * the body's domain (pbx when it names none). Sockets that are down buffer it for recovery. Returns the notification uuid.
   */
  publishInsights(sourceRecordIdOrBody: string | Record<string, unknown>, opts: { envelope?: EnvelopeOverrides } = {}): string {
    let body: Record<string, unknown>;
    if (typeof sourceRecordIdOrBody === 'string') {
      const rec = this.state.recording(sourceRecordIdOrBody);
      if (!rec) throw new Error(`unknown recording ${sourceRecordIdOrBody}`);
      rec.analysed = true;
      body = structuredClone(rec.insights);
    } else {
      body = structuredClone(sourceRecordIdOrBody);
    }
    const domain = typeof body.domain === 'string' ? body.domain : 'pbx';
    return this.send(ringSenseEvent(this.state.accountId, domain), body, opts.envelope ?? {});
  }

  /** Sends an arbitrary `body` in a normal envelope to the pbx-insights subscriptions (malformed-event tests). */
  publishRaw(body: unknown): string {
    return this.send(ringSenseEvent(this.state.accountId), body, {});
  }

  /** Sends a body given as JSON text, as it is, in a normal envelope (bodies JSON.stringify cannot make). */
  publishRawJson(bodyJson: string): string {
    return this.send(ringSenseEvent(this.state.accountId), new RawJsonBody(bodyJson), {});
  }

  private send(event: string, body: unknown, overrides: EnvelopeOverrides): string {
    const uuid = overrides.uuid ?? notificationUuid();
    const timestamp = new Date().toISOString();
    this.gateway.publish(event, (sub, ownerId) => ({ uuid, event, timestamp, subscriptionId: sub.id, ownerId, ...overrides, body }));
    return uuid;
  }

  dropSockets(opts: { recovery?: 'successful' | 'failed' } = {}): void {
    this.gateway.dropSockets(opts.recovery ?? 'successful');
  }

  /** Every open socket goes half-open (connected, but silent both ways) until the client drops it. */
  silenceSockets(): void {
    this.gateway.silenceSockets();
  }

  failNextUpgrades(n: number, status = 503): void {
    this.gateway.failNextUpgrades(n, status);
  }

  rateLimit(endpoint: RateLimitedEndpoint, opts: { count: number; retryAfterSeconds: number }): void {
    this.limiter.force(endpoint, opts);
  }

  /** Turns rate-group enforcement on or off and sets the groups' windows (as the `rateLimits` option). */
  configureRateLimits(opts: RateLimitOptions): void {
    this.limiter.configure(opts);
  }

  /** Expires every access token issued so far (refresh tokens stay valid): the next API call gets 401 and the SDK refreshes. */
  expireAccessTokens(): void {
    this.oauth.expireAccessTokens();
  }

  counters(): RingCentralSimulatorCounters {
    const g = this.gateway.counters;
    return {
      requests: { ...this.requests },
      connections: g.connections,
      openSockets: g.openSockets,
      upgradesRefused: g.upgradesRefused,
      notificationsSent: g.notificationsSent,
      activeSubscriptions: this.gateway.subscriptions().length,
      tokenRequests: this.tokenRequests,
    };
  }

  subscriptions(): Array<{ id: string; eventFilters: string[]; connected: boolean }> {
    return this.gateway.subscriptions();
  }

  private count(key: string): void {
    this.requests[key] = (this.requests[key] ?? 0) + 1;
  }

  private limited(endpoint: RateLimitedEndpoint, handler: () => SimResponse): SimResponse {
    this.count(endpoint);
    const decision = this.limiter.check(endpoint);
    if (decision.limited) return decision.response;
    const r = handler();
    return { ...r, headers: { ...decision.headers, ...r.headers } };
  }

  private async route(req: IncomingMessage): Promise<SimResponse> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path.startsWith('/_sim/')) {
      const text = method === 'POST' ? await readBody(req) : '';
      let body: unknown;
      try {
        body = text.trim() === '' ? {} : parseJson(text);
      } catch {
        return { status: 400, body: { error: 'invalid JSON' } };
      }
      return handleControl(method, path, body, this);
    }
    if (path === '/restapi/oauth/token' || path === '/restapi/oauth/revoke') {
      if (method !== 'POST') return apiError(405, 'CMN-405', 'Method not allowed');
      const form = parseForm(await readBody(req));
      if (path === '/restapi/oauth/revoke') {
        this.count('revoke');
        return this.oauth.handleRevoke(req.headers.authorization, form);
      }
      this.tokenRequests += 1;
      return this.limited('token', () => this.oauth.handleToken(req.headers.authorization, form));
    }
    const auth = this.oauth.authenticate(req.headers.authorization);
    if (!auth.ok) {
      this.count('unauthorized');
      return auth.response;
    }
    if (path === '/restapi/oauth/wstoken') {
      if (method !== 'POST') return apiError(405, 'CMN-405', 'Method not allowed');
      const wsUri = `${this.url.replace(/^http/, 'ws')}${WS_PATH}`;
      return this.limited('wstoken', () => this.oauth.issueWsToken(auth.ownerId, wsUri));
    }
    if (method !== 'GET') return routeNotFound();
    if (RCVIDEO_PATH.test(path)) return this.limited('rcvideo', () => handleRcVideo(url, { state: this.state, ownerId: auth.ownerId }) ?? routeNotFound());
    if (RINGSENSE_PATH.test(path)) return this.limited('insights', () => handleRingSense(url, this.state) ?? routeNotFound());
    const m = ACCOUNT_PATH.exec(path);
    if (!m || !path.startsWith('/restapi/v1.0/account/')) return routeNotFound();
    const [, account = '', extension, callLog] = m;
    if (account !== '~' && account !== this.state.accountId) return apiError(404, 'CMN-102', 'Resource for parameter [accountId] is not found', { name: 'accountId', value: account });
    const hasExtensionSegment = /\/extension(\/|$)/.test(path);
    const extensionId = extension === '~' ? auth.ownerId : extension;
    let canonicalPath = `/restapi/v1.0/account/${this.state.accountId}`;
    if (hasExtensionSegment) canonicalPath += extensionId === undefined ? '/extension' : `/extension/${extensionId}`;
    if (callLog) canonicalPath += '/call-log';
    const canonical = new URL(`${this.url}${canonicalPath}${url.search}`);
    if (callLog) {
      if (hasExtensionSegment && extensionId === undefined) return routeNotFound();
      return this.limited('call-log', () => {
        if (extensionId !== undefined && !this.state.extension(extensionId)) {
          return apiError(404, 'CMN-102', 'Resource for parameter [extensionId] is not found', { name: 'extensionId', value: extension ?? '' });
        }
        return handleCallLog(canonical, {
          entries: this.state.callEntries(),
          accountId: this.state.accountId,
          base: this.url,
          ...(extensionId !== undefined ? { extensionId } : {}),
        });
      });
    }
    if (!hasExtensionSegment) return routeNotFound();
    if (extension === undefined) return this.limited('extension', () => handleExtensionList(canonical, { state: this.state, base: this.url }));
    return this.limited('extension', () => handleExtension(extension, { state: this.state, ownerId: auth.ownerId, base: this.url }));
  }
}
