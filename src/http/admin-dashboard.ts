import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express, RequestHandler } from 'express';
import { adminHeaders, publicHostOnly, sameOriginWrites, type HostPolicy } from './admin-guards.ts';
import { boardAdapter, boardRequestLimits } from './dashboard-jobs.ts';
import { DASHBOARD_PATH } from './dashboard-path.ts';

// Kept here too: the guards were born in this file, and callers still import them from it.
export { addressedHost, isCrossSiteWrite, type HostPolicy } from './admin-guards.ts';

export interface DashboardOptions {
  readonly queues: readonly Queue[];
  /**
   * Who may use the dashboard: the console's sign-in (a session cookie, or HTTP Basic for scripts), see
   * console/admin-auth.ts. It runs after the host check and before the cross-site check.
   */
  readonly auth: RequestHandler;
  /** bull-board's readOnlyMode: no retry, clean, pause, remove or edit from the dashboard. */
  readonly readOnly: boolean;
  /** ADMIN_SHOW_CALL_CONTENT: job data with its call content (cut per job); by default the redacted shape. */
  readonly showCallContent: boolean;
  readonly hosts: HostPolicy;
}

/**
 * The bull-board dashboard for the queues, behind the admin sign-in (bull-board has none of its own), as the
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
  // bull-board's router is an Express app of its own, which would name itself in X-Powered-By.
  const board = serverAdapter.getRouter() as Express;
  board.disable('x-powered-by');
  return [adminHeaders, publicHostOnly(opts.hosts), opts.auth, sameOriginWrites(opts.hosts), boardRequestLimits, board];
}
