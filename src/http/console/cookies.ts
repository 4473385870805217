import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** The session cookie (HttpOnly), the sign-in form's token cookie, and the one bull-board's UI echoes (axios). */
export const SESSION_COOKIE = 'rs_admin_session';
export const LOGIN_COOKIE = 'rs_admin_login';
export const XSRF_COOKIE = 'XSRF-TOKEN';
export const XSRF_HEADER = 'x-xsrf-token';

/** The cookies of a Cookie header; malformed pairs are skipped, the first of a repeated name wins. Pure. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 1) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!out.has(name) && /^[A-Za-z0-9_-]{1,200}$/.test(value)) out.set(name, value);
  }
  return out;
}

export interface CookieOptions {
  readonly path: string;
  /** Seconds; 0 removes the cookie. */
  readonly maxAge: number;
  readonly secure: boolean;
  /** false only for the cookie bull-board's UI must read. */
  readonly httpOnly?: boolean;
}

/** A Set-Cookie value: always SameSite=Strict. Values are our own base64url tokens. Pure. */
export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${o.path}`, `Max-Age=${o.maxAge}`, 'SameSite=Strict'];
  if (o.httpOnly !== false) parts.push('HttpOnly');
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * The request came over TLS: to this process, or to the proxy in front (X-Forwarded-Proto https, its last value).
 * X-Forwarded-Proto is believed even without TRUST_PROXY: it can only add Secure to a cookie, which at worst keeps
 * a forging client from signing in over plain HTTP.
 */
export function cameOverTls(req: Request): boolean {
  const xfp = req.headers['x-forwarded-proto'];
  const last = (Array.isArray(xfp) ? xfp.join(',') : (xfp ?? '')).split(',').at(-1)?.trim().toLowerCase();
  return req.secure || last === 'https';
}

/** Two tokens equal, in constant time (lengths are not secret: tokens have one length). */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a.length === 0) return false;
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
