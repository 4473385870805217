/**
 * A local Salesforce REST API (OAuth token endpoint + `/services/data/vNN.N`) that the unmodified
 * jsforce client talks to over HTTP, with fault injection, latency, API-usage metering and a
 * `/_sim/` control API for other processes.
 */
import { listenForUrl } from '../listen.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { ApiRouter, errorResponse, orgLimits, parseVersion, versionList } from './api-router.ts';
import { handleControl } from './control-api.ts';
import type { Dml } from './dml.ts';
import { invalidSession, jsonParserError, SfApiError } from './errors.ts';
import { FaultInjector, type FaultSpec } from './faults.ts';
import { OAuthServer } from './oauth.ts';
import { BUILTIN_USERNAME, createOrg, disableSharedActivities } from './org.ts';
import type { ApiResponse } from './records.ts';
import { bearer, NODE_HEADER_LIMIT, readBody, requestTooLarge } from './http-request.ts';
import type { CustomFieldSpec } from './schema.ts';

export interface SalesforceSimulatorOptions {
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  apiLimit?: number;
  taskExternalIdField?: string;
  seed?: SalesforceSeed;
  tokenTtlSeconds?: number;
}

export type SeedType = 'User' | 'Contact' | 'Lead' | 'Account' | 'Opportunity' | 'Task' | 'Event' | 'EventRelation';
export interface SalesforceSeed {
  /** Custom fields the admin created (typed, validated on writes, reported by describe), defined before the records. */
  fields?: Partial<Record<SeedType, CustomFieldSpec[]>>;
  /** Stored as given, without the API's rules (an Event needs all its time fields; no EventRelation is made). */
  records?: Partial<Record<SeedType, Array<Record<string, unknown>>>>;
  /** false: Notes are off in the org (ContentNote is then an unknown sObject type; Files still work). Default true. */
  notesEnabled?: boolean;
  /** false: no Shared Activities (EventRelation lacks IsParent and IsWhat; only invitees relate). Default true. */
  sharedActivities?: boolean;
}

export interface SimulatorCounters {
  total: number;
  byKind: Record<string, number>;
  tokenRequests: number;
  apiUsage: { used: number; limit: number };
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const SEED_ORDER: SeedType[] = ['User', 'Account', 'Contact', 'Lead', 'Opportunity', 'Task', 'Event', 'EventRelation'];
export { BUILTIN_USERNAME };

export class SalesforceSimulator {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly orgId: string;
  /** The built-in integration user ("Run As" user for client_credentials). */
  readonly integrationUserId: string;

  private readonly server: Server;
  private readonly dml: Dml;
  private readonly oauth: OAuthServer;
  private readonly router: ApiRouter;
  private readonly faults = new FaultInjector();
  private latencyMs = 0;
  private latencyAfterMs = 0;
  private always401 = false;
  private used = 0;
  private limit: number;
  private total = 0;
  private tokenRequests = 0;
  private byKind: Record<string, number> = {};

  private constructor(server: Server, url: string, opts: SalesforceSimulatorOptions) {
    this.server = server;
    this.url = url;
    this.clientId = opts.clientId ?? 'sim-sf-client-id';
    this.clientSecret = opts.clientSecret ?? 'sim-sf-client-secret';
    this.limit = opts.apiLimit ?? 15000;
    const org = createOrg(opts.taskExternalIdField === undefined ? {} : { taskExternalIdField: opts.taskExternalIdField });
    this.orgId = org.orgId;
    this.integrationUserId = org.integrationUserId;
    this.dml = org.dml;
    const store = org.store;
    this.router = new ApiRouter({ dml: org.dml, engine: org.engine, queries: org.queries, limits: () => orgLimits(this.used, this.limit) });
    this.oauth = new OAuthServer({
      url, orgId: this.orgId, clientId: this.clientId, clientSecret: this.clientSecret,
      tokenTtlSeconds: opts.tokenTtlSeconds ?? 7200, defaultUserId: () => this.integrationUserId, builtinUsername: BUILTIN_USERNAME,
    }, store);
  }

  static async start(opts: SalesforceSimulatorOptions = {}): Promise<SalesforceSimulator> {
    // Node's own header limit (16 KiB by default) raised, so the simulator answers an over-long request itself, as
    // Salesforce does (requestTooLarge).
    const server = createServer({ maxHeaderSize: NODE_HEADER_LIMIT });
    const sim = new SalesforceSimulator(server, await listenForUrl(server, opts.host ?? '127.0.0.1', opts.port ?? 0), opts);
    server.on('request', (req, res) => {
      sim.onRequest(req, res).catch((err: unknown) => {
        if (!res.headersSent) sim.send(res, errorResponse(err), false);
        else res.destroy();
      });
    });
    if (opts.seed !== undefined) sim.seed(opts.seed);
    return sim;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  seed(seed: SalesforceSeed): Record<string, string[]> {
    if (seed.notesEnabled === false) this.dml.schema.removeObject('ContentNote');
    if (seed.sharedActivities === false) disableSharedActivities(this.dml.schema);
    for (const [type, specs] of Object.entries(seed.fields ?? {})) this.defineFields(type, specs ?? []);
    const out: Record<string, string[]> = {};
    const records = seed.records ?? {};
    const order = [...SEED_ORDER, ...Object.keys(records).filter((k) => !SEED_ORDER.includes(k as SeedType))] as SeedType[];
    for (const type of order) {
      const list = records[type];
      if (list === undefined) continue;
      const obj = this.dml.schema.object(type);
      if (obj === undefined) throw new Error(`Seed: unknown sObject type '${type}'`);
      out[obj.name] = list.map((r) => this.dml.seed(obj, r, this.integrationUserId));
    }
    return out;
  }

  /** Creates or changes custom fields of `type` now (an admin editing the org while the sync runs). */
  defineFields(type: string, specs: readonly CustomFieldSpec[]): void {
    for (const spec of specs) this.dml.schema.defineCustomField(type, spec);
  }

  records(type: string): Array<Record<string, unknown>> {
    const obj = this.dml.schema.object(type);
    return obj === undefined ? [] : this.dml.store.all(obj.name).map((r) => structuredClone(r));
  }

  injectFault(f: FaultSpec): void {
    this.faults.add(f);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * Adds latency to every API response: `before` the request is executed (the default), or `after` it (the
   * record is written, the client waits for the answer: a client killed then never learns it succeeded).
   */
  setLatency(ms: number, when: 'before' | 'after' = 'before'): void {
    this.latencyMs = when === 'before' ? ms : 0;
    this.latencyAfterMs = when === 'after' ? ms : 0;
  }

  setAlways401(on: boolean): void {
    this.always401 = on;
  }

  setApiUsage(used: number, limit?: number): void {
    this.used = used;
    if (limit !== undefined) this.limit = limit;
  }

  counters(): SimulatorCounters {
    return { total: this.total, byKind: { ...this.byKind }, tokenRequests: this.tokenRequests, apiUsage: { used: this.used, limit: this.limit } };
  }

  resetCounters(): void {
    this.total = 0;
    this.tokenRequests = 0;
    this.byKind = {};
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const tooLarge = path.startsWith('/_sim/') ? undefined : requestTooLarge(req);
    if (tooLarge !== undefined) {
      // Refused before the API (nothing metered), with the web server's page rather than an API error body, so
      // jsforce reports ERROR_HTTP_414 / ERROR_HTTP_431.
      res.writeHead(tooLarge.status, { 'Content-Type': 'text/html;charset=UTF-8', Connection: 'close' }).end(`<html><body><h1>${tooLarge.status} ${tooLarge.text}</h1></body></html>`);
      req.resume();
      return;
    }
    const raw = await readBody(req);
    if (path.startsWith('/_sim/')) {
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        this.send(res, { status: 400, body: { error: 'invalid JSON' } }, false);
        return;
      }
      this.send(res, handleControl(this, method, path, body), false);
      return;
    }
    if (path === '/services/oauth2/token') {
      if (this.applyFault(res, method, path)) return;
      this.tokenRequests += 1;
      if (method !== 'POST') {
        this.send(res, { status: 400, body: { error: 'invalid_request', error_description: 'must use HTTP POST' } }, false);
        return;
      }
      const reply = this.oauth.handle(new URLSearchParams(raw));
      this.send(res, reply, false);
      return;
    }
    if (path === '/services/data' || path === '/services/data/') {
      this.send(res, { status: 200, body: versionList() }, false);
      return;
    }
    const parts = path.split('/').filter((p) => p !== '');
    if (parts[0] === 'id' && parts.length === 3) {
      await this.identity(req, res, url, parts[2] ?? '');
      return;
    }
    if (parts[0] !== 'services' || parts[1] !== 'data') {
      this.send(res, errorResponse(new SfApiError(404, 'NOT_FOUND', 'The requested resource does not exist')), false);
      return;
    }
    await this.api(req, res, method, url, parts, raw);
  }

  private async api(req: IncomingMessage, res: ServerResponse, method: string, url: URL, parts: string[], raw: string): Promise<void> {
    if (this.latencyMs > 0) await delay(this.latencyMs);
    if (this.applyFault(res, method, url.pathname, url.searchParams.get('q') ?? '')) return;
    const version = parseVersion(parts[2]);
    if (version === undefined) {
      this.send(res, errorResponse(new SfApiError(404, 'NOT_FOUND', 'The requested resource does not exist')), true);
      return;
    }
    const session = this.always401 ? undefined : this.oauth.session(bearer(req));
    if (session === undefined) {
      this.send(res, errorResponse(invalidSession()), false);
      return;
    }
    if (this.used >= this.limit) {
      this.send(res, errorResponse(new SfApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.')), true);
      return;
    }
    this.used += 1;
    this.total += 1;
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch (err) {
      this.bump('unknown');
      this.send(res, errorResponse(jsonParserError(`Unexpected character: ${err instanceof Error ? err.message : 'invalid JSON'} at [line:1, column:1]`)), true);
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : (v ?? '')]));
    const { kind, response } = this.router.execute({
      method, segments: parts.slice(3).map((p) => decodeURIComponent(p)), query: url.searchParams, headers, body, rawBody: raw, version, userId: session.userId,
    });
    this.bump(kind);
    if (this.latencyAfterMs > 0) await delay(this.latencyAfterMs);
    this.send(res, response, true);
  }

  private async identity(req: IncomingMessage, res: ServerResponse, url: URL, userId: string): Promise<void> {
    if (this.latencyMs > 0) await delay(this.latencyMs);
    const session = this.always401 ? undefined : this.oauth.session(bearer(req) ?? url.searchParams.get('oauth_token') ?? undefined);
    const user = this.dml.store.get('User', userId);
    if (session === undefined || user === undefined) {
      this.send(res, { status: 403, body: 'Bad_OAuth_Token' }, false);
      return;
    }
    this.send(res, { status: 200, body: {
      id: `${this.url}/id/${this.orgId}/${String(user.Id)}`, user_id: user.Id, organization_id: this.orgId, username: user.Username,
      display_name: user.Name, email: user.Email, active: user.IsActive, user_type: 'STANDARD', language: 'en_US', locale: 'en_US', utcOffset: 0,
      urls: { rest: `${this.url}/services/data/v{version}/`, query: `${this.url}/services/data/v{version}/query/`, sobjects: `${this.url}/services/data/v{version}/sobjects/` },
    } }, false);
  }

  private bump(kind: string): void {
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
  }

  private applyFault(res: ServerResponse, method: string, path: string, query = ''): boolean {
    const fault = this.faults.take(method, path, query);
    if (fault === undefined) return false;
    if (fault.kind === 'reset') res.socket?.destroy();
    else if (typeof fault.body === 'string') res.writeHead(fault.status, { 'Content-Type': 'text/plain;charset=UTF-8' }).end(fault.body);
    else this.send(res, { status: fault.status, body: fault.body }, path.startsWith('/services/data'));
    return true;
  }

  send(res: ServerResponse, r: ApiResponse, limitInfo: boolean): void {
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (limitInfo) headers['Sforce-Limit-Info'] = `api-usage=${this.used}/${this.limit}`;
    if (r.status === 204 || r.body === undefined) {
      res.writeHead(r.status, headers).end();
      return;
    }
    const text = JSON.stringify(r.body);
    headers['Content-Type'] = JSON_TYPE;
    headers['Content-Length'] = String(Buffer.byteLength(text));
    res.writeHead(r.status, headers).end(text);
  }
}
