import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express, RequestHandler } from 'express';
import type { Logger } from '../lib/logger.ts';
import { decodeCallJobData } from '../queue/job-payload.ts';
import { requireBasicAuth, type Credentials } from './basic-auth.ts';
import { AUTH_REALM, DASHBOARD_PATH } from './dashboard-path.ts';

export interface DashboardOptions {
  readonly queues: readonly Queue[];
  readonly logger: Logger;
  readonly credentials: Credentials;
  /** bull-board's readOnlyMode: no retry, clean, pause, remove or edit from the dashboard. */
  readonly readOnly: boolean;
}

/**
 * True for a browser request that would change something from another site: Basic credentials are resent by the
 * browser automatically, so a page elsewhere could otherwise post to the dashboard (CSRF). Browsers send Origin
 * on every cross-origin POST/PUT/DELETE; clients such as curl send none and are not affected. `hosts`: the Host
 * header, and X-Forwarded-Host behind a proxy (a cross-site page cannot set that one without a preflight). Pure.
 */
export function isCrossSiteWrite(method: string, origin: string | undefined, hosts: ReadonlyArray<string | undefined>): boolean {
  if (['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) || origin === undefined) return false;
  try {
    const from = new URL(origin).host;
    return !hosts.some((h) => h !== undefined && h.split(',').some((one) => one.trim() === from));
  } catch {
    return true;
  }
}

const sameOriginWrites: RequestHandler = (req, res, next) => {
  const forwarded = req.headers['x-forwarded-host'];
  if (!isCrossSiteWrite(req.method, req.headers.origin, [req.headers.host, Array.isArray(forwarded) ? forwarded.join(',') : forwarded])) {
    next();
    return;
  }
  res.status(403).json({ error: 'cross_site_request' });
};

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

/** A job's data as the dashboard shows it: a call job decoded (its event is stored compressed), anything else as it is. */
export function dashboardJobData(data: unknown): unknown {
  const decoded = decodeCallJobData(data);
  return decoded.ok ? decoded.value : data;
}

function adapter(queue: Queue, readOnly: boolean): BullMQAdapter {
  const a = new BullMQAdapter(queue, { readOnlyMode: readOnly, description: 'RingSense call insights -> Salesforce Tasks' });
  a.setFormatter('data', dashboardJobData);
  return a;
}

/**
 * The bull-board dashboard for the queues, behind HTTP Basic auth (bull-board has none of its own), as the
 * handlers to mount at DASHBOARD_PATH. Retries from it are allowed unless read-only: admins retry failed calls
 * there as with `ringsense-sync failed retry`.
 */
export function adminDashboard(opts: DashboardOptions): RequestHandler[] {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: opts.queues.map((q) => adapter(q, opts.readOnly)),
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
  return [adminHeaders, auth, sameOriginWrites, board];
}
