import { TtlCache } from '../lib/ttl-cache.ts';
import type { DirectoryPerson, DirectoryUser, NewLead, PeopleDirectory } from './directory.port.ts';

export interface PeopleCacheOptions {
  /** Users change rarely. */
  userTtlMs?: number;
  /** Contacts and leads found by phone or name. */
  personTtlMs?: number;
  /** "Nobody has this number" is kept briefly: the person may be added in Salesforce any minute. */
  negativeTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

type Entry = DirectoryUser | DirectoryPerson[] | string | null;

/**
 * Caches lookups so a steady flow of calls from known people costs no lookup requests. Entries expire, and
 * `forget(ids)` drops every entry that mentions a record Salesforce says is gone (INVALID_CROSS_REFERENCE_KEY).
 */
export class CachedPeople implements PeopleDirectory {
  readonly #inner: PeopleDirectory;
  readonly #cache: TtlCache<Entry>;
  readonly #ttl: { user: number; person: number; negative: number };
  /** Lookups under way: concurrent calls about the same person share one request. */
  readonly #inflight = new Map<string, Promise<Entry | undefined>>();

  constructor(inner: PeopleDirectory, opts: PeopleCacheOptions = {}) {
    this.#inner = inner;
    this.#cache = new TtlCache<Entry>({ maxEntries: opts.maxEntries ?? 20_000, ...(opts.now ? { now: opts.now } : {}) });
    this.#ttl = { user: opts.userTtlMs ?? 3_600_000, person: opts.personTtlMs ?? 600_000, negative: opts.negativeTtlMs ?? 60_000 };
  }

  async #cached<T extends Entry>(key: string, ttl: number, load: () => Promise<T | undefined>): Promise<T | undefined> {
    if (this.#cache.has(key)) {
      const v = this.#cache.get(key);
      return (v === null ? undefined : v) as T | undefined;
    }
    const pending = this.#inflight.get(key);
    if (pending) return (await pending) as T | undefined;
    const request = load().then((value) => {
      const empty = value === undefined || (Array.isArray(value) && value.length === 0);
      this.#cache.set(key, value ?? null, empty ? this.#ttl.negative : ttl);
      return value;
    });
    this.#inflight.set(key, request);
    try {
      return await request;
    } finally {
      this.#inflight.delete(key);
    }
  }

  userById(id: string) {
    return this.#cached(`user:${id}`, this.#ttl.user, () => this.#inner.userById(id));
  }
  activeUserByEmail(email: string) {
    return this.#cached(`email:${email.toLowerCase()}`, this.#ttl.user, () => this.#inner.activeUserByEmail(email));
  }
  async peopleByPhone(e164: string) {
    return (await this.#cached(`phone:${e164}`, this.#ttl.person, () => this.#inner.peopleByPhone(e164))) ?? [];
  }
  peekPhone(e164: string): readonly DirectoryPerson[] | undefined {
    const key = `phone:${e164}`;
    if (!this.#cache.has(key)) return undefined;
    const v = this.#cache.get(key);
    return Array.isArray(v) ? v : [];
  }
    async peopleByName(name: string) {
    return (await this.#cached(`name:${name.toLowerCase()}`, this.#ttl.person, () => this.#inner.peopleByName(name))) ?? [];
  }
  openOpportunity(accountId: string) {
    return this.#cached(`opp:${accountId}`, this.#ttl.person, () => this.#inner.openOpportunity(accountId));
  }
  async createLead(lead: NewLead) {
    const id = await this.#inner.createLead(lead);
    // The search index lags: remember the new lead for its number so the next call finds it.
    if (lead.phone) {
      const person: DirectoryPerson = { type: 'Lead', id, name: [lead.firstName, lead.lastName].filter(Boolean).join(' '), phones: [lead.phone], lastModified: new Date().toISOString() };
      this.#cache.set(`phone:${lead.phone}`, [person], this.#ttl.person);
    }
    return id;
  }

  /** Drops every cached entry that mentions one of `ids`. */
  forget(ids: readonly string[]): number {
    const wanted = ids.filter(Boolean);
    if (wanted.length === 0) return 0;
    return this.#cache.deleteWhere((key, v) => wanted.some((id) => key.endsWith(`:${id}`) || (v !== null && JSON.stringify(v).includes(id))));
  }

  stats() {
    return { hits: this.#cache.hits, misses: this.#cache.misses, size: this.#cache.size };
  }
}
