import { randomBytes } from 'node:crypto';

/**
 * The console's sign-in sessions, in this process's memory. Why memory and not Redis: a session is a cookie's worth
 * of state that only this replica's console reads, it must not outlive a deploy that may change who the admin is,
 * and nothing in Redis should let whoever reads it sign in. The price: a restart signs admins out, and with several
 * replicas behind one address the load balancer must keep an admin on one replica (sticky sessions), or the admin
 * opens one replica's address; a session made on one replica is unknown to the others (they send it to sign in).
 */

export interface AdminSession {
  /** The cookie's value: 32 random bytes. */
  readonly id: string;
  readonly user: string;
  /** The CSRF token every state-changing request of this session carries. */
  readonly csrf: string;
  readonly expiresAt: number;
}

export const SESSION_TTL_MS = 8 * 3600_000;
export const MAX_SESSIONS = 1000;

const token = (): string => randomBytes(32).toString('base64url');

export class SessionStore {
  readonly #sessions = new Map<string, AdminSession>();
  /** One message per session, shown on the next page (the outcome of a retry...). */
  readonly #flash = new Map<string, string>();
  readonly ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(opts: { ttlMs?: number; max?: number; now?: () => number } = {}) {
    this.ttlMs = opts.ttlMs ?? SESSION_TTL_MS;
    this.#max = opts.max ?? MAX_SESSIONS;
    this.#now = opts.now ?? Date.now;
  }

  create(user: string): AdminSession {
    const session = { id: token(), user, csrf: token(), expiresAt: this.#now() + this.ttlMs };
    this.#sessions.set(session.id, session);
    // Bounded: the oldest session goes first.
    if (this.#sessions.size > this.#max) this.delete(this.#sessions.keys().next().value!);
    return session;
  }

  /** The live session of that id; an expired one is forgotten. */
  get(id: string | undefined): AdminSession | undefined {
    if (id === undefined) return undefined;
    const s = this.#sessions.get(id);
    if (s && s.expiresAt <= this.#now()) {
      this.delete(id);
      return undefined;
    }
    return s;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
    this.#flash.delete(id);
  }

  flash(id: string, message: string): void {
    if (this.#sessions.has(id)) this.#flash.set(id, message);
  }

  takeFlash(id: string): string | undefined {
    const m = this.#flash.get(id);
    this.#flash.delete(id);
    return m;
  }
}
