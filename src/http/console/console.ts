import { createRequire } from 'node:module';
import express, { type RequestHandler } from 'express';
import type { Logger } from '../../lib/logger.ts';
import type { Credentials } from '../basic-auth.ts';
import { adminHeaders, publicHostOnly, sameOriginWrites, type HostPolicy } from '../admin-guards.ts';
import { dashboardAuth, requireCsrf, requireSession } from './admin-auth.ts';
import type { ConsoleActions, ConsoleFacts } from './console.port.ts';
import { CONSOLE_CSS } from './console-css.ts';
import { callsRoutes } from './calls-routes.ts';
import { failuresRoutes } from './failures-routes.ts';
import type { MappingFacts } from './mapping.port.ts';
import type { UnmappedConsole } from './unmapped.port.ts';
import { unmappedRoutes } from './unmapped-routes.ts';
import { mappingRoutes } from './mapping-routes.ts';
import { overviewView } from './overview-view.ts';
import { SessionStore, type AdminSession } from './sessions.ts';
import { formBody, signInRoutes, signOut } from './sign-in.ts';
import { overviewFigures, overviewPage, type PageChrome } from './views.ts';

/**
 * The admin console under /admin: sign-in, the overview, the failures (failures-routes.ts), the audit log and Find a call (calls-routes.ts). Mounted only when the admin
 * credentials are set (like bull-board, which it puts behind the same sign-in: `dashboardAuth`).
 */

export interface ConsoleOptions {
  readonly credentials: Credentials;
  readonly readOnly: boolean;
  readonly hosts: HostPolicy;
  readonly logger: Logger;
  readonly facts: ConsoleFacts;
  readonly actions: ConsoleActions;
  /** The Mapping page's facts; without them (no service) the page answers 503. */
  readonly mapping?: MappingFacts;
  /** The Unmapped page's facts and changes; without them (no service) the page answers 503. */
  readonly unmapped?: UnmappedConsole;
  readonly sessions?: SessionStore;
  readonly now?: () => number;
}

export interface AdminConsole {
  /** Mount at /admin, after the dashboard at /admin/queues. */
  readonly router: express.Router;
  /** The dashboard's auth: the same sessions, or HTTP Basic for scripts. */
  readonly dashboardAuth: RequestHandler;
}

/** The console's own pages: scripts and styles from this origin only, no inline script, forms to this origin only. */
const consolePolicy: RequestHandler = (_req, res, next) => {
  res.set('Content-Security-Policy', "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
  next();
};

/** htmx, as installed from npm (the htmx.org package): served by the service itself, no CDN. */
const HTMX_FILE = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');

export function adminConsole(o: ConsoleOptions): AdminConsole {
  const sessions = o.sessions ?? new SessionStore(o.now ? { now: o.now } : {});
  const now = o.now ?? Date.now;
  const router = express.Router();
  const chrome = (title: string, session: AdminSession): PageChrome => ({ title, session, readOnly: o.readOnly, flash: sessions.takeFlash(session.id) });

  router.use(adminHeaders, consolePolicy, publicHostOnly(o.hosts), sameOriginWrites(o.hosts));
  router.get('/static/htmx.min.js', (_req, res) => {
    res.type('application/javascript').sendFile(HTMX_FILE);
  });
  router.get('/static/console.css', (_req, res) => {
    res.type('text/css').send(CONSOLE_CSS);
  });
  router.use(signInRoutes({ credentials: o.credentials, sessions, logger: o.logger, readOnly: o.readOnly, now }));

  const signedIn = [requireSession(sessions), formBody, requireCsrf(o.readOnly)];
  router.post('/logout', ...signedIn, signOut(sessions, o.logger));

  router.get(['/', '/overview/figures'], ...signedIn, async (req, res) => {
    const session = res.locals.session as AdminSession;
    const view = overviewView(await o.facts.overview(now()), { canChange: !o.readOnly, csrf: session.csrf });
    if (req.path === '/overview/figures') res.type('html').send(overviewFigures(view));
    else res.type('html').send(overviewPage(chrome('Overview', session), view));
  });

  router.use(failuresRoutes({ facts: o.facts, actions: o.actions, readOnly: o.readOnly, logger: o.logger, sessions, now, signedIn, chrome }));
  router.use(callsRoutes({ facts: o.facts, actions: o.actions, readOnly: o.readOnly, logger: o.logger, sessions, now, signedIn, chrome }));
  router.use(unmappedRoutes({ facts: o.facts, actions: o.actions, readOnly: o.readOnly, logger: o.logger, sessions, now, signedIn, chrome, unmapped: o.unmapped }));
  router.use(mappingRoutes({ facts: o.facts, actions: o.actions, readOnly: o.readOnly, logger: o.logger, sessions, now, signedIn, chrome, mapping: o.mapping }));

  return { router, dashboardAuth: dashboardAuth(sessions, o.credentials, o.logger) };
}
