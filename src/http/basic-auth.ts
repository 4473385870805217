import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** The user and password of an `Authorization: Basic ...` header, or undefined when there is none or it is malformed. */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  const m = header === undefined ? null : /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * A checker of Basic credentials against the expected ones, in constant time: both values are hashed to a fixed
 * length (no length leak, and timingSafeEqual needs equal lengths), and both are always compared.
 */
export function basicAuthChecker(expected: Credentials): (header: string | undefined) => boolean {
  const matches = credentialsMatcher(expected);
  return (header) => matches(parseBasicAuth(header));
}

/**
 * A checker of a user and password (a Basic header's, or the console's sign-in form's) against the expected ones,
 * in constant time, as basicAuthChecker.
 */
export function credentialsMatcher(expected: Credentials): (given: Credentials | undefined) => boolean {
  const user = digest(expected.user);
  const password = digest(expected.password);
  return (given) => {
    const userOk = timingSafeEqual(digest(given?.user ?? ''), user);
    const passwordOk = timingSafeEqual(digest(given?.password ?? ''), password);
    return given !== undefined && userOk && passwordOk;
  };
}

/**
 * Failed sign-ins per client: at most `max` within `windowMs`, then the client is refused (429) until the window
 * that began with its first failure is over, whatever it sends. Pure bookkeeping with an injectable clock.
 */
export class SignInThrottle {
  readonly #failures = new Map<string, { since: number; count: number }>();
  readonly max: number;
  readonly windowMs: number;
  readonly now: () => number;

  constructor(opts: { max?: number; windowMs?: number; now?: () => number } = {}) {
    this.max = opts.max ?? 5;
    this.windowMs = opts.windowMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Milliseconds the client must wait, or 0 when it may try. */
  waitMs(client: string): number {
    const f = this.#failures.get(client);
    if (!f) return 0;
    const left = f.since + this.windowMs - this.now();
    if (left <= 0) {
      this.#failures.delete(client);
      return 0;
    }
    return f.count >= this.max ? left : 0;
  }

  /** Counts a failure; true when it is the one that reaches the limit. */
  failed(client: string): boolean {
    const t = this.now();
    const f = this.#failures.get(client);
    if (!f || f.since + this.windowMs <= t) {
      this.#failures.set(client, { since: t, count: 1 });
      if (this.#failures.size > 10_000) this.#failures.delete(this.#failures.keys().next().value!); // bounded
      return this.max === 1;
    }
    f.count += 1;
    return f.count === this.max;
  }
}

/**
 * Told of each failed sign-in: the client, and whether it is throttled from now on. Never what was typed (a
 * password typed in the user field is a password too).
 */
export type SignInFailureObserver = (client: string, throttled: boolean) => void;

/**
 * Express middleware: HTTP Basic auth (RFC 7617); anything else gets 401 and the challenge. Failed sign-ins are
 * throttled per client (SignInThrottle) and told to `onFailure`.
 */
export function requireBasicAuth(expected: Credentials, realm: string, opts: { throttle?: SignInThrottle; onFailure?: SignInFailureObserver } = {}): RequestHandler {
  const matches = basicAuthChecker(expected);
  const throttle = opts.throttle ?? new SignInThrottle();
  const challenge = `Basic realm="${realm.replace(/["\\]/g, '')}"`;
  return (req, res, next) => {
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const wait = throttle.waitMs(client);
    if (wait > 0) {
      res.set('Retry-After', String(Math.ceil(wait / 1000))).set('Cache-Control', 'no-store').status(429).json({ error: 'too_many_failed_sign_ins' });
      return;
    }
    if (matches(req.headers.authorization)) {
      next();
      return;
    }
    if (req.headers.authorization !== undefined) {
      const throttled = throttle.failed(client);
      opts.onFailure?.(client, throttled);
    }
    res.set('WWW-Authenticate', challenge).set('Cache-Control', 'no-store').status(401).json({ error: 'unauthorized' });
  };
}
