import { nameKey } from '../config/load-mapping.ts';
import { TtlCache } from '../lib/ttl-cache.ts';
import type { DirectoryPerson, DirectoryUser, NewLead, PeopleDirectory } from './directory.port.ts';

export interface PeopleCacheOptions {
  /** Users change rarely. */
  userTtlMs?: number;
  /** Contacts and leads found by phone or name. */
  personTtlMs?: number;
  /** "Nobody has this number" is kept briefly: the person may be added in Salesforce any minute. */
  negativeTtlMs?: number;
  /** The org's default time zone: an admin changes it once in a blue moon. */
  orgTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/** What a lookup answered; null is "nobody" (undefined is never stored: a read that gives it is a miss). */
type Entry = DirectoryUser | DirectoryPerson[] | string | null;

/** A name's cache key: case and spacing are no part of a name to SOSL (the mapping file's own name key). */
const nameEntry = (name: string): string => `name:${nameKey(name)}`;

/**
 * Caches lookups so a steady flow of calls from known people costs no lookup requests. Entries expire, and
 * `forget(ids)` drops every entry that mentions a record Salesforce says is gone (INVALID_CROSS_REFERENCE_KEY).
 */
export class CachedPeople implements PeopleDirectory {
  readonly #inner: PeopleDirectory;
  readonly #cache: TtlCache<Entry>;
  readonly #ttl: { user: number; person: number; negative: number; org: number };
  /** Lookups under way: concurrent calls about the same person share one request. */
  readonly #inflight = new Map<string, Promise<Entry | undefined>>();
  /** Bumped by forget(): a lookup started before a forget may have seen the forgotten record, so is not cached. */
  #generation = 0;
  /** Lookups answered from the cache, and lookups that asked (or joined a request to) Salesforce. */
  #hits = 0;
  #misses = 0;

  constructor(inner: PeopleDirectory, opts: PeopleCacheOptions = {}) {
    this.#inner = inner;
    this.#cache = new TtlCache<Entry>({ maxEntries: opts.maxEntries ?? 20_000, ...(opts.now ? { now: opts.now } : {}) });
    this.#ttl = { user: opts.userTtlMs ?? 3_600_000, person: opts.personTtlMs ?? 600_000, negative: opts.negativeTtlMs ?? 60_000, org: opts.orgTtlMs ?? 86_400_000 };
  }

  async #cached<T extends Entry>(key: string, ttl: number, load: () => Promise<T | undefined>): Promise<T | undefined> {
    // One read: an entry may expire between two (has, then get), and undefined is a miss, never "nobody".
    const hit = this.#cache.get(key);
    if (hit !== undefined) {
      this.#hits++;
      return (hit === null ? undefined : hit) as T | undefined;
    }
    this.#misses++;
    const pending = this.#inflight.get(key);
    if (pending) return (await pending) as T | undefined;
    const generation = this.#generation;
    const request = load().then((value) => {
      const empty = value === undefined || (Array.isArray(value) && value.length === 0);
      if (generation === this.#generation) this.#cache.set(key, value ?? null, empty ? this.#ttl.negative : ttl);
      return value;
    });
    this.#inflight.set(key, request);
    try {
      return await request;
    } finally {
      if (this.#inflight.get(key) === request) this.#inflight.delete(key);
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
    const v = this.#cache.get(`phone:${e164}`);
    if (v === undefined) return undefined; // not a lookup yet: peopleByPhone, which follows, counts the miss
    this.#hits++;
    return Array.isArray(v) ? v : [];
  }
  async peopleByName(name: string) {
    return (await this.#cached(nameEntry(name), this.#ttl.person, () => this.#inner.peopleByName(name))) ?? [];
  }
  openOpportunity(accountId: string) {
    return this.#cached(`opp:${accountId}`, this.#ttl.person, () => this.#inner.openOpportunity(accountId));
  }
  orgTimeZone() {
    return this.#cached('org:timeZone', this.#ttl.org, () => this.#inner.orgTimeZone());
  }
  async createLead(lead: NewLead) {
    const id = await this.#inner.createLead(lead);
    // The search index lags: remember the new lead for its number and its name (a caller without a number is found
    // by name) so the next call from them finds it instead of creating another.
    const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ');
    const person: DirectoryPerson = { type: 'Lead', id, name, phones: lead.phone ? [lead.phone] : [], lastModified: new Date().toISOString() };
    if (lead.phone) this.#cache.set(`phone:${lead.phone}`, [person], this.#ttl.person);
    const known = this.#cache.get(nameEntry(name));
    this.#cache.set(nameEntry(name), [...(Array.isArray(known) ? known : []), person], this.#ttl.person);
    return id;
  }

  /** Drops every cached entry that mentions one of `ids`. */
  forget(ids: readonly string[]): number {
    const wanted = ids.filter(Boolean);
    if (wanted.length === 0) return 0;
    // Lookups under way may answer with these records: they are not cached, and later lookups do not join them.
    this.#generation++;
    this.#inflight.clear();
    return this.#cache.deleteWhere((key, v) => wanted.some((id) => key.endsWith(`:${id}`) || (v !== null && JSON.stringify(v).includes(id))));
  }

  stats() {
    return { hits: this.#hits, misses: this.#misses, size: this.#cache.size };
  }
}
