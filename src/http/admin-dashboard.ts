import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express, RequestHandler } from 'express';
import type { Logger } from '../lib/logger.ts';
import { requireBasicAuth, type Credentials } from './basic-auth.ts';
import { boardAdapter, boardRequestLimits } from './dashboard-jobs.ts';
import { AUTH_REALM, DASHBOARD_PATH } from './dashboard-path.ts';

export interface DashboardOptions {
  readonly queues: readonly Queue[];
  readonly logger: Logger;
  readonly credentials: Credentials;
  /** bull-board's readOnlyMode: no retry, clean, pause, remove or edit from the dashboard. */
  readonly readOnly: boolean;
  /** ADMIN_SHOW_CALL_CONTENT: job data with its call content (cut per job); by default the redacted shape. */
  readonly showCallContent: boolean;
  readonly hosts: HostPolicy;
}

/** Which Host the dashboard believes, and answers. */
export interface HostPolicy {
  /** TRUST_PROXY: X-Forwarded-Host, set by the one proxy in front, names the host the browser addressed. */
  readonly trustProxy: boolean;
  /** ADMIN_PUBLIC_HOST, lower-cased: the only host[:port] the dashboard answers; undefined: any. */
  readonly publicHost: string | undefined;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const one = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h.join(',') : h);

/**
 * The host[:port] the client addressed, lower-cased: the Host header; with `trustProxy`, the X-Forwarded-Host of
 * the proxy in front when it sets one (its last value: a proxy appends to what the client sent), else Host. Without
 * `trustProxy` X-Forwarded-* are ignored: any client can send them. Pure.
 */
export function addressedHost(headers: Headers, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? one(headers['x-forwarded-host'])?.split(',').at(-1)?.trim() : undefined;
  const host = forwarded || one(headers.host)?.trim();
  return host ? host.toLowerCase() : undefined;
}

/**
 * True for a browser request that would change something from another site: Basic credentials are resent by the
 * browser automatically, so a page elsewhere could otherwise post to the dashboard (CSRF). Browsers send Origin
 * on every cross-origin POST/PUT/PATCH/DELETE (Referer, when an older one sends no Origin); clients such as curl
 * send neither and are not affected. `host`: the host the dashboard is addressed at (ADMIN_PUBLIC_HOST, or the
 * request's addressedHost). An Origin of `null` or one that does not parse is cross-site. Pure.
 */
export function isCrossSiteWrite(method: string, source: { readonly origin?: string | undefined; readonly referer?: string | undefined }, host: string | undefined): boolean {
  const from = source.origin ?? source.referer;
  if (['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) || from === undefined) return false;
  try {
    return host === undefined || new URL(from).host !== host.toLowerCase();
  } catch {
    return true;
  }
}

/** Refuses a request whose host is not ADMIN_PUBLIC_HOST (DNS rebinding, a name the dashboard is not published under). */
function publicHostOnly(policy: HostPolicy): RequestHandler {
  return (req, res, next) => {
    if (policy.publicHost === undefined || addressedHost(req.headers, policy.trustProxy) === policy.publicHost) {
      next();
      return;
    }
    const which = policy.trustProxy ? 'X-Forwarded-Host (or Host)' : 'Host';
    res.status(421).json({ error: 'misdirected_request', detail: `the ${which} header does not name this dashboard (ADMIN_PUBLIC_HOST)` });
  };
}

function sameOriginWrites(policy: HostPolicy): RequestHandler {
  return (req, res, next) => {
    const host = policy.publicHost ?? addressedHost(req.headers, policy.trustProxy);
    if (!isCrossSiteWrite(req.method, { origin: req.headers.origin, referer: req.headers.referer }, host)) {
      next();
      return;
    }
    res.status(403).json({ error: 'cross_site_request' });
  };
}

/**
 * Every dashboard response: never framed by another site (clickjacking), never cached (it shows calls), never
 * sniffed into another type, and no Referer with its URLs leaves for elsewhere.
 */
const adminHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "frame-ancestors 'none'",
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  next();
};


/**
 * The bull-board dashboard for the queues, behind HTTP Basic auth (bull-board has none of its own), as the
 * handlers to mount at DASHBOARD_PATH. Retries from it are allowed unless read-only: admins retry failed calls
 * there as with `ringsense-sync failed retry`.
 */
export function adminDashboard(opts: DashboardOptions): RequestHandler[] {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: opts.queues.map((q) => boardAdapter(q, { readOnly: opts.readOnly, showCallContent: opts.showCallContent })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'RingSense sync', hideDocsLink: true } },
  });
  const auth = requireBasicAuth(opts.credentials, AUTH_REALM, {
    onFailure: (client, throttled) =>
      throttled ? opts.logger.warn('admin_sign_in_throttled', { client, detail: 'too many failed sign-ins: refused for a minute' }) : opts.logger.warn('admin_sign_in_failed', { client }),
  });
  // bull-board's router is an Express app of its own, which would name itself in X-Powered-By.
  const board = serverAdapter.getRouter() as Express;
  board.disable('x-powered-by');
  return [adminHeaders, publicHostOnly(opts.hosts), auth, sameOriginWrites(opts.hosts), boardRequestLimits, board];
}
