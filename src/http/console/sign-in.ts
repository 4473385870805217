import { randomBytes } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../../lib/logger.ts';
import { credentialsMatcher, SignInThrottle, type Credentials } from '../basic-auth.ts';
import { cameOverTls, LOGIN_COOKIE, parseCookies, sameToken, serializeCookie, SESSION_COOKIE, XSRF_COOKIE } from './cookies.ts';
import type { AdminSession, SessionStore } from './sessions.ts';
import { loginPage, type PageChrome } from './views.ts';

/**
 * The console's sign-in: a login page with its own CSRF token (a cookie and the same value in the form: nobody
 * else's page can sign a browser in), the admin credentials compared in constant time, failures limited per client
 * and user (5 in 15 minutes) and per client (20 in 15 minutes), and sign-out. Never logged: what was typed.
 */

export const SIGN_IN_LIMITS = { perUser: { max: 5, windowMs: 15 * 60_000 }, perClient: { max: 20, windowMs: 15 * 60_000 } } as const;

export interface SignInOptions {
  readonly credentials: Credentials;
  readonly sessions: SessionStore;
  readonly logger: Logger;
  readonly readOnly: boolean;
  readonly now?: () => number;
}

const loginForm = z.object({
  user: z.string().max(200),
  password: z.string().max(1000),
  _csrf: z.string().max(200),
  next: z.string().max(500).optional(),
});

/** Where to go after signing in: a console path only (no open redirect). Pure. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin(?:\/[A-Za-z0-9/_.-]*)?$/.test(next) && !next.includes('//') && !next.includes('..') ? next : '/admin';
}

export const formBody = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

/** The signed-in session of a request, if any. */
export function sessionOf(req: Request, sessions: SessionStore): AdminSession | undefined {
  return sessions.get(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
}

export function clientOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function signInRoutes(o: SignInOptions): express.Router {
  const router = express.Router();
  const matches = credentialsMatcher(o.credentials);
  const now = o.now ?? Date.now;
  const perUser = new SignInThrottle({ ...SIGN_IN_LIMITS.perUser, now });
  const perClient = new SignInThrottle({ ...SIGN_IN_LIMITS.perClient, now });
  const chrome: PageChrome = { title: 'Sign in', session: undefined, readOnly: o.readOnly, flash: undefined };

  const showLogin = (req: Request, res: Response, status: number, view: { next: string; user: string; message?: string; messageKind?: 'error' | 'notice' }) => {
    const csrf = randomBytes(32).toString('base64url');
    res.append('Set-Cookie', serializeCookie(LOGIN_COOKIE, csrf, { path: '/admin/login', maxAge: 3600, secure: cameOverTls(req) }));
    res.status(status).type('html').send(loginPage(chrome, { csrf, next: view.next, user: view.user, message: view.message, messageKind: view.messageKind ?? 'error' }));
  };

  router.get('/login', (req, res) => {
    if (sessionOf(req, o.sessions)) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    const signedOut = req.query.signed_out === '1';
    showLogin(req, res, 200, { next: safeNext(req.query.next), user: '', ...(signedOut ? { message: 'You are signed out.', messageKind: 'notice' as const } : {}) });
  });

  router.post('/login', formBody, (req, res) => {
    const form = loginForm.safeParse(req.body);
    if (!form.success) {
      showLogin(req, res, 400, { next: '/admin', user: '', message: 'The sign-in form was incomplete: fill in the user and the password.' });
      return;
    }
    const { user, password, _csrf } = form.data;
    const next = safeNext(form.data.next);
    if (!sameToken(_csrf, parseCookies(req.headers.cookie).get(LOGIN_COOKIE))) {
      showLogin(req, res, 403, { next, user: '', message: 'The sign-in form had expired or came from elsewhere: sign in again.' });
      return;
    }
    const client = clientOf(req);
    const userKey = `${client}\n${user.toLowerCase()}`;
    const wait = Math.max(perUser.waitMs(userKey), perClient.waitMs(client));
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60_000);
      res.set('Retry-After', String(Math.ceil(wait / 1000)));
      showLogin(req, res, 429, { next, user, message: `Too many failed sign-ins: try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` });
      return;
    }
    if (!matches({ user, password })) {
      const [userLimit, clientLimit] = [perUser.failed(userKey), perClient.failed(client)];
      const throttled = userLimit || clientLimit;
      if (throttled) o.logger.warn('admin_console_sign_in_throttled', { client, detail: 'too many failed sign-ins: refused for 15 minutes' });
      else o.logger.warn('admin_console_sign_in_failed', { client });
      showLogin(req, res, 401, { next, user, message: 'Wrong user or password.' });
      return;
    }
    const session = o.sessions.create(user);
    const secure = cameOverTls(req);
    const maxAge = Math.floor(o.sessions.ttlMs / 1000);
    res.append('Set-Cookie', serializeCookie(SESSION_COOKIE, session.id, { path: '/admin', maxAge, secure }));
    // bull-board's UI (axios) sends this cookie's value back as X-XSRF-TOKEN on its own writes.
    res.append('Set-Cookie', serializeCookie(XSRF_COOKIE, session.csrf, { path: '/admin/queues', maxAge, secure, httpOnly: false }));
    res.append('Set-Cookie', serializeCookie(LOGIN_COOKIE, '', { path: '/admin/login', maxAge: 0, secure }));
    o.logger.info('admin_console_signed_in', { client });
    res.redirect(303, next);
  });

  return router;
}

/** POST /logout (behind requireSession and requireCsrf): the session ends, its cookies are removed. Allowed read-only. */
export const signOut =
  (sessions: SessionStore, logger: Logger): RequestHandler =>
  (req, res) => {
    const session = res.locals.session as AdminSession;
    sessions.delete(session.id);
    const secure = cameOverTls(req);
    res.append('Set-Cookie', serializeCookie(SESSION_COOKIE, '', { path: '/admin', maxAge: 0, secure }));
    res.append('Set-Cookie', serializeCookie(XSRF_COOKIE, '', { path: '/admin/queues', maxAge: 0, secure, httpOnly: false }));
    logger.info('admin_console_signed_out', { client: clientOf(req) });
    res.redirect(303, '/admin/login?signed_out=1');
  };
