import { createSign } from 'node:crypto';
// jsforce's Connection from its own module: the package's main module also loads the APIs this service never
// calls (Bulk, Metadata, SOAP, Streaming with faye, Tooling, Analytics, Chatter, Apex): about 5 MB of a worker's memory.
import { Connection as JsforceConnection } from 'jsforce/lib/connection.js';
import type { Connection } from 'jsforce';
import type { SalesforceConfig } from '../config/load-config.ts';
import type { Logger } from '../lib/logger.ts';
import { observeSalesforceRequests, type SalesforceRequestObserver } from './request-metrics.ts';

export interface SalesforceConnectionOptions {
  readonly logger: Logger;
  /** Token requests allowed per rolling minute; jsforce would otherwise refresh forever on a persistent 401. */
  readonly maxTokenRequestsPerMinute?: number;
  /** For tests. */
  readonly now?: () => number;
  /** Told about every HTTP request (token requests included) once it ends: for metrics. */
  readonly onRequest?: SalesforceRequestObserver;
}

export interface SalesforceSession {
  readonly conn: Connection;
  /** Runs the configured OAuth grant and establishes the session (not counted in the refresh budget: pace it). */
  authorize(): Promise<void>;
  /**
   * True while Salesforce accepts the session: the last token request succeeded, or an API request succeeded
   * since (a 401 storm that ends by itself, with no new token needed, counts as over).
   */
  authenticated(): boolean;
  /** A session exists (some login succeeded): requests have an instance to go to. */
  established(): boolean;
  /** API usage from the last response's Sforce-Limit-Info header, if any. */
  apiUsage(): { used: number; limit: number } | undefined;
}

export class TokenBudgetExceededError extends Error {
  override readonly name = 'TokenBudgetExceededError';
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** A JWT bearer assertion for Salesforce (RS256): iss = consumer key, sub = username, aud = login URL. */
export function signJwtAssertion(clientId: string, username: string, audience: string, privateKeyPem: string, nowMs = Date.now()): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iss: clientId, sub: username, aud: audience, exp: Math.floor(nowMs / 1000) + 180 }));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKeyPem);
  return `${header}.${payload}.${base64url(signature)}`;
}

/**
 * A jsforce Connection authorised with the configured server-to-server flow (client credentials or JWT bearer).
 * Neither flow issues a refresh token, so a `refreshFn` re-runs the grant on a 401 — within a budget of token
 * requests per minute, past which it fails instead of looping (jsforce retries a persistent 401 forever).
 */
export function createSalesforceSession(cfg: SalesforceConfig, opts: SalesforceConnectionOptions): SalesforceSession {
  const now = opts.now ?? Date.now;
  const budget = opts.maxTokenRequestsPerMinute ?? 4;
  const recent: number[] = [];
  let ok = false;
  const audience = new URL(cfg.loginUrl).origin;

  const conn = new JsforceConnection({
    loginUrl: cfg.loginUrl,
    version: cfg.apiVersion,
    oauth2: {
      loginUrl: cfg.loginUrl,
      clientId: cfg.auth.clientId,
      ...(cfg.auth.kind === 'client_credentials' ? { clientSecret: cfg.auth.clientSecret } : {}),
    },
    refreshFn: (_conn, callback) => {
      requestToken(true).then(
        (res) => {
          callback(null, res.access_token, res);
        },
        (e: unknown) => {
          callback(e instanceof Error ? e : new Error(String(e)));
        },
      );
    },
  });

  observeSalesforceRequests(conn, (operation, status) => {
    if (operation !== 'token' && status === 'ok') ok = true;
    opts.onRequest?.(operation, status);
  });

  /** `budgeted`: a refresh jsforce asks for on a 401 (bounded); an explicit login is paced by its caller. */
  async function requestToken(budgeted: boolean) {
    const t = now();
    if (budgeted) {
      while (recent.length && recent[0]! <= t - 60_000) recent.shift();
      if (recent.length >= budget) {
        ok = false;
        throw new TokenBudgetExceededError(`Salesforce keeps rejecting new tokens: ${budget} token requests in the last minute; waiting before trying again`);
      }
      recent.push(t);
    }
    const params: { grant_type: string; [name: string]: string } =
      cfg.auth.kind === 'client_credentials'
        ? { grant_type: 'client_credentials' }
        : {
            grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
            assertion: signJwtAssertion(cfg.auth.clientId, cfg.auth.username, audience, cfg.auth.privateKeyPem, t),
          };
    try {
      const res = await conn.oauth2.requestToken(params);
      conn._establish({ accessToken: res.access_token, instanceUrl: res.instance_url });
      if (!ok) opts.logger.info('salesforce_authenticated', { instanceUrl: res.instance_url, flow: cfg.auth.kind });
      ok = true;
      return res;
    } catch (e) {
      // Not logged here: whoever waits on Salesforce says once that it is unavailable, and once that it is back.
      ok = false;
      opts.logger.debug('salesforce_token_refused', { flow: cfg.auth.kind, err: e });
      throw e;
    }
  }

  return {
    conn,
    async authorize() {
      await requestToken(false);
    },
    authenticated: () => ok,
    established: () => Boolean(conn.instanceUrl && conn.accessToken),
    apiUsage: () => conn.limitInfo?.apiUsage,
  };
}
