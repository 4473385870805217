import type { Connection } from 'jsforce';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { Batcher } from '../lib/batcher.ts';
import { clip, singleLine } from '../lib/plain-text.ts';
import type { DirectoryPerson, DirectoryUser, NewLead, PeopleDirectory } from '../mapping/directory.port.ts';
import { id15 } from './batch-lookup.ts';
import { CrmError } from './classify-error.ts';
import { soqlQuery, soslSearch, withRetry } from './rest.ts';
import { settledEach, unwrap, type Settled } from './settled-each.ts';
import { assertSalesforceId, soqlList, soslTerm } from './soql.ts';

const CONTACT_PHONES = ['Phone', 'MobilePhone', 'HomePhone', 'OtherPhone', 'AssistantPhone'] as const;
const LEAD_PHONES = ['Phone', 'MobilePhone'] as const;
/** Rows per object a search for several terms allows per term... */
const PER_TERM = 50;
/**
 * ...up to this many per object (a SOSL search returns 2,000 rows at most, and searches two objects). A search for one
 * term gets all of them: a common name ("Mike") may have more than PER_TERM namesakes modified since the exact one.
 */
const MAX_ROWS_PER_OBJECT = 1000;
/** Numbers or names in one search (about 1.5 kB of URL for ordinary names and numbers). */
const MAX_SEARCH_TERMS = 50;
/**
 * Characters of a name a search sends: a Contact's or Lead's Name holds 121 (FirstName 40, a space, LastName 80), so
 * a longer name is no one's, and the rest of it would only lengthen the request (a 15,000-character speaker name
 * made a URL Salesforce refuses).
 */
const NAME_CHARS = 121;
/** Digits of a number a search sends: a phone field holds 40 characters. */
const PHONE_CHARS = 40;
/**
 * The most SearchQuery (the text in `FIND {...}`) one search sends: past 4,000 characters SOSL drops its logical
 * operators (our `OR`s would become an all-words search) and past 10,000 it finds nothing.
 */
const MAX_SEARCH_QUERY = 4000;
/**
 * The most bytes of request target (path and query string) one search sends. Salesforce refuses a URL and headers
 * over 16,384 bytes together (431; 414 for a URL over that alone); half of that leaves the other half for the
 * headers, and fits the 8 kB request line that common proxies allow (nginx's 8k buffers, Apache's 8,190 bytes).
 * A batch of names or numbers that would be longer is split into searches that fit (one name, cut to NAME_CHARS,
 * always fits: under 2 kB even in a script of 3-byte characters).
 */
const MAX_SEARCH_URL = 8000;
/** Field lengths of a Lead's name and company (the Field Reference). */
const LEAD_FIELDS = { FirstName: 40, LastName: 80, Company: 255 } as const;
/** Users or accounts in one `IN (...)` query (about 2 kB of URL). */
const MAX_TERMS = 100;
/**
 * Terms that make a lookup worth a request of its own while another is in flight: a trickle of calls (one or two
 * terms at a time) still shares requests, a backlog does not wait a round trip for the one in flight. Measured on the
 * bench (1,000-call backlog, 150 ms): ~+10 % calls/s for +0.02 requests per call.
 */
const EAGER_TERMS = 10;
const rowLimit = (terms: number): number => (terms === 1 ? MAX_ROWS_PER_OBJECT : Math.min(MAX_ROWS_PER_OBJECT, PER_TERM * terms));
const returning = (limit: number): string =>
  `Contact(Id, Name, AccountId, ${CONTACT_PHONES.join(', ')}, LastModifiedDate ORDER BY LastModifiedDate DESC LIMIT ${limit}), ` +
  `Lead(Id, Name, ${LEAD_PHONES.join(', ')}, LastModifiedDate WHERE IsConverted = false ORDER BY LastModifiedDate DESC LIMIT ${limit})`;

interface UserRow {
  Id: string;
  IsActive: boolean;
  Email?: string | null;
  Name?: string | null;
  TimeZoneSidKey?: string | null;
}
type PersonRow = { attributes: { type: string }; Id: string; Name: string; AccountId?: string | null; LastModifiedDate: string } & Record<string, unknown>;

function toUser(r: UserRow): DirectoryUser {
  return {
    id: r.Id,
    isActive: r.IsActive,
    ...(r.Email ? { email: r.Email } : {}),
    ...(r.Name ? { name: r.Name } : {}),
    ...(r.TimeZoneSidKey ? { timeZone: r.TimeZoneSidKey } : {}),
  };
}

function toPerson(r: PersonRow): DirectoryPerson | undefined {
  const type = r.attributes.type;
  if (type !== 'Contact' && type !== 'Lead') return undefined;
  const fields = type === 'Contact' ? CONTACT_PHONES : LEAD_PHONES;
  const phones = fields.map((f) => r[f]).filter((v): v is string => typeof v === 'string' && v !== '');
  return { type, id: r.Id, name: r.Name, phones, lastModified: r.LastModifiedDate, ...(r.AccountId ? { accountId: r.AccountId } : {}) };
}

/** A number's national digits, which is how Salesforce's phone index matches. */
function nationalDigits(e164: string): string {
  return parsePhoneNumberFromString(e164)?.nationalNumber ?? e164.replace(/\D/g, '');
}

/** A name as a search sends it: one line, at most what a Name field holds. */
const nameTerm = (name: string): string => soslTerm(clip(singleLine(name).trim().replace(/\s+/g, ' '), NAME_CHARS));
/** A number's digits as a search sends them. */
const phoneTerm = (digits: string): string => soslTerm(digits.slice(0, PHONE_CHARS));

const soslFor = (terms: readonly string[], scope: 'PHONE' | 'NAME'): string =>
  `FIND {${terms.join(' OR ')}} IN ${scope} FIELDS RETURNING ${returning(rowLimit(terms.length))}`;

/** A Lead field's value: one line, at most the field's length. */
const leadField = (value: string, field: keyof typeof LEAD_FIELDS): string => clip(singleLine(value).trim(), LEAD_FIELDS[field]);

/** The words of a name as SOSL matches them (case-insensitive, any order). */
const words = (name: string): string[] => name.toLowerCase().split(/\s+/).filter(Boolean);

export interface PeopleBatchOptions {
  /** Users or accounts per query (default 100); numbers or names per search (at most 50). */
  readonly maxTerms?: number;
  readonly maxInFlight?: number;
  readonly lingerMs?: number;
}

/** Rows of a search for several terms, handed to each term they belong to. */
function attribute<K>(keys: readonly K[], rows: readonly PersonRow[], belongs: (row: PersonRow, key: K) => boolean): DirectoryPerson[][] {
  return keys.map((k) => rows.filter((r) => belongs(r, k)).map(toPerson).filter((p): p is DirectoryPerson => p !== undefined));
}

/** A search that may have been cut at its row limit (for some object): its terms are asked again one by one. */
function maybeCut(rows: readonly PersonRow[], limit: number): boolean {
  const byType = new Map<string, number>();
  for (const r of rows) byType.set(r.attributes.type, (byType.get(r.attributes.type) ?? 0) + 1);
  return [...byType.values()].some((n) => n >= limit);
}

/**
 * Salesforce people through jsforce: users by id or e-mail, contacts and leads by phone (SOSL) or name, an
 * account's open opportunity. Lookups made at the same moment (many calls in a backlog) share one request: one
 * search for several numbers or names (`FIND {a OR b}`), one query for several users or accounts (`IN (...)`).
 */
export class SalesforcePeople implements PeopleDirectory {
  readonly #conn: Connection;
  readonly #byPhone: Batcher<string, Settled<DirectoryPerson[]>>;
  readonly #byName: Batcher<string, Settled<DirectoryPerson[]>>;
  readonly #byId: Batcher<string, Settled<DirectoryUser | undefined>>;
  readonly #byEmail: Batcher<string, Settled<DirectoryUser | undefined>>;
  readonly #opportunity: Batcher<string, Settled<string | undefined>>;

  constructor(conn: Connection, opts: PeopleBatchOptions = {}) {
    this.#conn = conn;
    // One lookup of a kind in flight: what arrives meanwhile waits and shares the next request. Under load (a
    // backlog), a next request that already has EAGER_TERMS terms goes without waiting.
    const o = { maxWeight: Math.max(1, opts.maxTerms ?? MAX_TERMS), maxInFlight: opts.maxInFlight ?? 1, lingerMs: opts.lingerMs ?? 2, eagerWeight: EAGER_TERMS };
    const search = { ...o, maxWeight: Math.min(o.maxWeight, MAX_SEARCH_TERMS) };
    this.#byPhone = new Batcher(settledEach((numbers: string[]) => this.#searchPhones(numbers)), search);
    this.#byName = new Batcher(settledEach((names: string[]) => this.#searchNames(names)), search);
    this.#byId = new Batcher(settledEach((ids: string[]) => this.#usersWhere(ids, (list) => `Id IN ${list}`, (u, id) => id15(u.Id) === id15(id))), o);
    this.#byEmail = new Batcher(
      settledEach((emails: string[]) =>
        this.#usersWhere(emails, (list) => `Email IN ${list} AND IsActive = true`, (u, e) => (u.Email ?? '').toLowerCase() === e.toLowerCase()),
      ),
      o,
    );
    this.#opportunity = new Batcher(settledEach((accounts: string[]) => this.#openOpportunities(accounts)), o);
  }

  userById(id: string): Promise<DirectoryUser | undefined> {
    return this.#byId.submit(assertSalesforceId(id)).then(unwrap);
  }

  activeUserByEmail(email: string): Promise<DirectoryUser | undefined> {
    return this.#byEmail.submit(email).then(unwrap);
  }

  peopleByPhone(e164: string): Promise<DirectoryPerson[]> {
    return this.#byPhone.submit(e164).then(unwrap);
  }

  async peopleByName(name: string): Promise<DirectoryPerson[]> {
    // SOSL refuses a search term shorter than two characters, and punctuation (escaped or not) is no character to
    // it: "J-" searches for "J". Count the name's own letters and digits.
    if (name.replace(/[^\p{L}\p{N}]/gu, '').length < 2) return [];
    return this.#byName.submit(name).then(unwrap);
  }

  openOpportunity(accountId: string): Promise<string | undefined> {
    return this.#opportunity.submit(assertSalesforceId(accountId)).then(unwrap);
  }

  async #search(terms: readonly string[], scope: 'PHONE' | 'NAME'): Promise<PersonRow[]> {
    const sosl = soslFor(terms, scope);
    const res = await withRetry(() => soslSearch<PersonRow>(this.#conn, sosl));
    return res.searchRecords;
  }

  /** Whether a search for these (distinct) terms fits one request: see MAX_SEARCH_QUERY and MAX_SEARCH_URL. */
  #fits(terms: readonly string[], scope: 'PHONE' | 'NAME'): boolean {
    if (terms.join(' OR ').length > MAX_SEARCH_QUERY) return false;
    return `/services/data/v${this.#conn.version}/search?q=`.length + encodeURIComponent(soslFor(terms, scope)).length <= MAX_SEARCH_URL;
  }

  /** Items in runs (in order) whose search fits one request; ordinary names and numbers make one run of a whole batch. */
  #fitting<T>(items: readonly T[], term: (item: T) => string, scope: 'PHONE' | 'NAME'): T[][] {
    const runs: T[][] = [];
    let run: T[] = [];
    let terms = new Set<string>();
    for (const item of items) {
      const next = new Set(terms).add(term(item));
      if (run.length > 0 && next.size > terms.size && !this.#fits([...next], scope)) {
        runs.push(run);
        run = [];
        terms = new Set([term(item)]);
      } else terms = next;
      run.push(item);
    }
    if (run.length > 0) runs.push(run);
    return runs;
  }

  async #searchPhones(numbers: string[]): Promise<DirectoryPerson[][]> {
    const runs = this.#fitting(numbers, (n) => phoneTerm(nationalDigits(n)), 'PHONE');
    if (runs.length > 1) return (await Promise.all(runs.map((r) => this.#searchPhones(r)))).flat();
    const digits = numbers.map((n) => nationalDigits(n).slice(0, PHONE_CHARS));
    const rows = await this.#search([...new Set(digits)].map(phoneTerm), 'PHONE');
    const belongs = (r: PersonRow, i: number) =>
      (r.attributes.type === 'Contact' ? CONTACT_PHONES : LEAD_PHONES).some((f) => typeof r[f] === 'string' && r[f].replace(/\D/g, '').includes(digits[i]!));
    if (numbers.length > 1 && maybeCut(rows, rowLimit(new Set(digits).size))) return Promise.all(numbers.map((n) => this.#searchPhones([n]).then((r) => r[0]!)));
    return attribute(numbers.map((_, i) => i), rows, belongs);
  }

  async #searchNames(names: string[]): Promise<DirectoryPerson[][]> {
    const runs = this.#fitting(names, nameTerm, 'NAME');
    if (runs.length > 1) return (await Promise.all(runs.map((r) => this.#searchNames(r)))).flat();
    const terms = [...new Set(names.map(nameTerm))];
    const rows = await this.#search(terms, 'NAME');
    if (names.length === 1) return [rows.map(toPerson).filter((p): p is DirectoryPerson => p !== undefined)];
    if (maybeCut(rows, rowLimit(terms.length))) return Promise.all(names.map((n) => this.#searchNames([n]).then((r) => r[0]!)));
    // A row belongs to a name whose every word it contains (what the search for that name alone would match).
    return attribute(names, rows, (r, name) => {
      const have = new Set(words(r.Name));
      return words(name).every((w) => have.has(w));
    });
  }

  async #usersWhere(values: string[], where: (list: string) => string, matches: (u: UserRow, value: string) => boolean): Promise<Array<DirectoryUser | undefined>> {
    // TimeZoneSidKey rides with the user (the rep's day for their dates): no request of its own.
    const soql = `SELECT Id, IsActive, Email, Name, TimeZoneSidKey FROM User WHERE ${where(soqlList([...new Set(values)]))} ORDER BY LastModifiedDate DESC`;
    const res = await withRetry(() => soqlQuery<UserRow>(this.#conn, soql));
    return values.map((v) => {
      const row = res.records.find((u) => matches(u, v));
      return row && toUser(row);
    });
  }

  async orgTimeZone(): Promise<string | undefined> {
    // Asked only for a user without a time zone of their own (CachedPeople keeps the answer for a day).
    const res = await withRetry(() => soqlQuery<{ TimeZoneSidKey?: string | null }>(this.#conn, 'SELECT TimeZoneSidKey FROM Organization LIMIT 1'));
    return res.records[0]?.TimeZoneSidKey ?? undefined;
  }

  async #openOpportunities(accounts: string[]): Promise<Array<string | undefined>> {
    const one = accounts.length === 1;
    const soql = `SELECT Id, AccountId FROM Opportunity WHERE AccountId IN ${soqlList([...new Set(accounts)])} AND IsClosed = false ORDER BY LastModifiedDate DESC${one ? ' LIMIT 1' : ''}`;
    const res = await withRetry(() => soqlQuery<{ Id: string; AccountId: string }>(this.#conn, soql));
    // More rows than one page (accounts with many open deals): ask account by account.
    if (!one && !res.done) return Promise.all(accounts.map((a) => this.#openOpportunities([a]).then((r) => r[0])));
    // Most recently modified first: the first row of an account is its answer.
    return accounts.map((a) => res.records.find((o) => id15(o.AccountId) === id15(a))?.Id);
  }

  async createLead(lead: NewLead): Promise<string> {
    // A create is not idempotent: no in-process retry (a job retry resolves again and finds the lead by phone).
    try {
      // A caller's name as RingSense heard it: one line, cut to the fields' lengths (a longer name is refused whole).
      const firstName = lead.firstName === undefined ? '' : leadField(lead.firstName, 'FirstName');
      const res = await this.#conn.sobject('Lead').create({
        LastName: leadField(lead.lastName, 'LastName') || 'Unknown caller',
        Company: leadField(lead.company, 'Company'),
        LeadSource: lead.leadSource,
        OwnerId: lead.ownerId,
        ...(firstName ? { FirstName: firstName } : {}),
        ...(lead.phone ? { Phone: lead.phone } : {}),
        ...(lead.status ? { Status: lead.status } : {}),
      });
      if (!res.success) throw new CrmError({ kind: 'permanent', code: 'LEAD_NOT_CREATED', message: JSON.stringify(res.errors) });
      return res.id;
    } catch (e) {
      throw CrmError.from(e);
    }
  }
}
