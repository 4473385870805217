import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../../lib/logger.ts';
import { requireBasicAuth, type Credentials } from '../basic-auth.ts';
import { AUTH_REALM } from '../dashboard-path.ts';
import { sameToken, XSRF_HEADER } from './cookies.ts';
import type { AdminSession, SessionStore } from './sessions.ts';
import { sessionOf } from './sign-in.ts';
import { errorPage } from './views.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isWrite = (method: string): boolean => WRITES.has(method.toUpperCase());

/** A browser asking for a page (not a script asking for JSON): it is sent to the login page rather than challenged. */
function wantsPage(req: Request): boolean {
  return req.method === 'GET' && /\btext\/html\b/.test(req.headers.accept ?? '');
}

function toLogin(req: Request, res: Response): void {
  res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl.split('?')[0]!)}`);
}

/** Console pages: a signed-in session (in res.locals.session), else the login page (or 401 for a script). */
export function requireSession(sessions: SessionStore): RequestHandler {
  return (req, res, next) => {
    const session = sessionOf(req, sessions);
    if (session) {
      res.locals.session = session;
      next();
      return;
    }
    if (wantsPage(req)) toLogin(req, res);
    else res.status(401).json({ error: 'sign_in_required', detail: 'sign in at /admin/login' });
  };
}

/**
 * Every state-changing console request carries the session's CSRF token (the form field `_csrf`, or the header
 * X-CSRF-Token): without it, 403. Runs after requireSession and the form parser.
 */
export function requireCsrf(readOnly: boolean): RequestHandler {
  return (req, res, next) => {
    if (!isWrite(req.method)) {
      next();
      return;
    }
    const session = res.locals.session as AdminSession;
    const body: unknown = req.body;
    const field = body && typeof body === 'object' && '_csrf' in body && typeof body._csrf === 'string' ? body._csrf : undefined;
    const header = req.headers['x-csrf-token'];
    if (sameToken(field ?? (typeof header === 'string' ? header : undefined), session.csrf)) {
      next();
      return;
    }
    const chrome = { title: 'Refused', session, readOnly, flash: undefined };
    res.status(403).type('html').send(errorPage(chrome, 'Refused: the request had no valid CSRF token', 'Changes are made from the console\'s own pages only. Reload the page and try again.'));
  };
}

/** ADMIN_READ_ONLY=true: every change is refused (403), whatever the request. */
export function refuseWhenReadOnly(readOnly: boolean): RequestHandler {
  return (_req, res, next) => {
    if (!readOnly) {
      next();
      return;
    }
    const session = res.locals.session as AdminSession | undefined;
    const chrome = { title: 'Read-only', session, readOnly, flash: undefined };
    res.status(403).type('html').send(errorPage(chrome, 'Refused: the console is read-only', 'ADMIN_READ_ONLY=true: nothing can be changed from the console. Use the CLI, or restart the service without it.'));
  };
}

/**
 * Who may use the bull-board dashboard at /admin/queues: the same sign-in as the console. A browser with a session
 * cookie is in; its writes must carry the session's CSRF token as X-XSRF-TOKEN (bull-board's UI, axios, echoes the
 * XSRF-TOKEN cookie set at sign-in). Scripts (curl, the CLI's checks) may still send HTTP Basic with the same
 * credentials, throttled per client. A browser without either is sent to the login page; anything else gets 401
 * and the Basic challenge.
 */
export function dashboardAuth(sessions: SessionStore, credentials: Credentials, logger: Logger): RequestHandler {
  const basic = requireBasicAuth(credentials, AUTH_REALM, {
    onFailure: (client, throttled) =>
      throttled ? logger.warn('admin_sign_in_throttled', { client, detail: 'too many failed sign-ins: refused for a minute' }) : logger.warn('admin_sign_in_failed', { client }),
  });
  return (req, res, next) => {
    const session = sessionOf(req, sessions);
    if (session) {
      const header = req.headers[XSRF_HEADER];
      if (isWrite(req.method) && !sameToken(typeof header === 'string' ? header : undefined, session.csrf)) {
        res.status(403).json({ error: 'csrf_token_missing', detail: 'writes from a signed-in browser carry the X-XSRF-TOKEN header' });
        return;
      }
      res.locals.session = session;
      next();
      return;
    }
    if (req.headers.authorization === undefined && wantsPage(req)) {
      toLogin(req, res);
      return;
    }
    basic(req, res, next);
  };
}
