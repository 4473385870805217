import type { RequestHandler } from 'express';

/*
 * The guards in front of everything under /admin (the console and the bull-board dashboard): the host it answers,
 * cross-site writes refused, and headers that keep its pages out of frames, caches and other sites' Referers.
 */

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
export function publicHostOnly(policy: HostPolicy): RequestHandler {
  return (req, res, next) => {
    if (policy.publicHost === undefined || addressedHost(req.headers, policy.trustProxy) === policy.publicHost) {
      next();
      return;
    }
    const which = policy.trustProxy ? 'X-Forwarded-Host (or Host)' : 'Host';
    res.status(421).json({ error: 'misdirected_request', detail: `the ${which} header does not name this dashboard (ADMIN_PUBLIC_HOST)` });
  };
}

export function sameOriginWrites(policy: HostPolicy): RequestHandler {
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
 * sniffed into another type, and no Referer with its URLs leaves for elsewhere. `same-origin` rather than
 * `no-referrer`: under no-referrer a browser sends `Origin: null` on its own form posts and fetches, which
 * sameOriginWrites must refuse as it cannot tell them from another site's.
 */
export const adminHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "frame-ancestors 'none'",
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
  });
  next();
};


