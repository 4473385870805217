/**
 * SalesforcePeople's shared lookups when Salesforce refuses one of them, and its searches by name, over real HTTP
 * with the unmodified jsforce against the Salesforce simulator.
 */
import { describe, expect, it } from 'vitest';
import { CrmError } from '../../src/salesforce/classify-error.ts';
import { SalesforcePeople } from '../../src/salesforce/people.adapter.ts';
import { connectedSalesforce } from '../support/salesforce-sim.ts';

const USER_GOOD = '005Dm0000000001IAA';
const USER_BAD = '005Dm0000000002IAA';

/** A contact seed (a 15-character id; Salesforce answers with its 18-character form): `n` its number, `name` first and last name, `lastModified` when it last changed. */
const contact = (n: number, name: string, lastModified = '2024-06-01T00:00:00.000Z') => {
  const [first, ...last] = name.split(' ');
  return { Id: `003Dm${String(n).padStart(10, '0')}`, ...(last.length ? { FirstName: first, LastName: last.join(' ') } : { LastName: first }), LastModifiedDate: lastModified };
};
const id18 = (n: number) => contact(n, 'x').Id;

/** The simulator seeded with `contacts`, a jsforce connection, and the SOQL/SOSL text of every lookup sent. */
async function connect(contacts: Array<Record<string, unknown>>) {
  const { sim, conn } = await connectedSalesforce({
    seed: { records: { User: [{ Id: USER_GOOD, Username: 'a@example.com', Email: 'a@example.com', LastName: 'A', Alias: 'a', IsActive: true }], Contact: contacts } },
  });
  // What the adapter sends, read off jsforce's own requests (passed on untouched).
  const sent: string[] = [];
  const request = conn.request.bind(conn);
  conn.request = ((req: unknown, ...rest: unknown[]) => {
    const url = typeof req === 'string' ? req : (req as { url: string }).url;
    const q = /[?&]q=([^&]*)/.exec(url);
    if (q) sent.push(decodeURIComponent(q[1]!));
    return (request as (...a: unknown[]) => unknown)(req, ...rest);
  }) as typeof conn.request;
  return { sim, people: new SalesforcePeople(conn), sent };
}

/** The 15-character ids (a seed's own form) of what a lookup found. */
const ids = (people: Array<{ id: string }>) => people.map((p) => p.id.slice(0, 15));

describe('SalesforcePeople: a shared request that fails', () => {
  it('fails only the caller whose name Salesforce refuses, and answers the others from searches of their own', async () => {
    const { sim, people, sent } = await connect([contact(1, 'Ann Lee'), contact(2, 'Bo Chen')]);
    sim.injectFault({ status: 400, body: [{ errorCode: 'MALFORMED_SEARCH', message: 'unexpected token' }], count: 10, path: '/search', query: 'Odd' });
    const [ann, odd, bo] = await Promise.allSettled([people.peopleByName('Ann Lee'), people.peopleByName('Odd Name'), people.peopleByName('Bo Chen')]);
    expect(ann.status === 'fulfilled' && ids(ann.value)).toEqual([id18(1)]);
    expect(bo.status === 'fulfilled' && ids(bo.value)).toEqual([id18(2)]);
    expect(odd.status === 'rejected' && odd.reason).toBeInstanceOf(CrmError);
    expect(odd.status === 'rejected' && (odd.reason as CrmError).failure).toMatchObject({ kind: 'permanent', code: 'MALFORMED_SEARCH' });
    expect(sent).toHaveLength(4); // the shared search, then each name alone
  });

  it('fails only the user whose id a shared query refuses', async () => {
    const { sim, people } = await connect([]);
    sim.injectFault({ status: 400, body: [{ errorCode: 'INVALID_QUERY_FILTER_OPERATOR', message: 'no' }], count: 10, path: '/query', query: USER_BAD });
    const [a, b] = await Promise.allSettled([people.userById(USER_GOOD), people.userById(USER_BAD)]);
    expect(a.status === 'fulfilled' && a.value?.id).toBe(USER_GOOD);
    expect(b.status === 'rejected' && (b.reason as CrmError).failure.code).toBe('INVALID_QUERY_FILTER_OPERATOR');
  });

  it('rejects every caller of a rate-limited search, without a request per caller', async () => {
    const { sim, people, sent } = await connect([contact(1, 'Ann Lee')]);
    sim.injectFault({ status: 403, count: 10, path: '/search' }); // REQUEST_LIMIT_EXCEEDED, as Salesforce says it
    const outcomes = await Promise.allSettled([people.peopleByName('Ann Lee'), people.peopleByName('Bo Chen'), people.peopleByPhone('+16505550142')]);
    expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as CrmError).failure.kind)).toEqual(['rate_limited', 'rate_limited', 'rate_limited']);
    expect(sent).toHaveLength(2); // one search of names, one of numbers
  });
});

describe('SalesforcePeople: searches by name', () => {
  it('asks nothing for a name with fewer than two letters or digits, whatever its punctuation', async () => {
    const { people, sent } = await connect([contact(1, 'Jo Lee')]);
    for (const name of ['J-', '-J', 'J.', "'J'", '(J)', 'Ö!', '']) expect(await people.peopleByName(name), name).toEqual([]);
    expect(sent).toEqual([]);
    expect(ids(await people.peopleByName('Jo'))).toEqual([id18(1)]);
    await people.peopleByName('J. R.');
    expect(sent).toHaveLength(2);
  });

  it('finds an exact name behind more than 50 more recently modified namesakes when searched alone', async () => {
    const mike = contact(0, 'Mike', '2020-01-01T00:00:00.000Z');
    const namesakes = Array.from({ length: 80 }, (_, i) => contact(i + 1, `Mike Other${i}`, '2024-01-01T00:00:00.000Z'));
    const { people, sent } = await connect([mike, ...namesakes]);
    expect(ids(await people.peopleByName('Mike'))).toContain(mike.Id);
    expect(sent[0]).toContain('LIMIT 1000');
  });

  it('keeps the shared limit for several names, and the full one when a cut search is asked again name by name', async () => {
    const mike = contact(0, 'Mike', '2020-01-01T00:00:00.000Z');
    const namesakes = Array.from({ length: 120 }, (_, i) => contact(i + 1, `Mike Other${i}`, '2024-01-01T00:00:00.000Z'));
    const { people, sent } = await connect([mike, ...namesakes, contact(500, 'Bo Chen')]);
    const [m, bo] = await Promise.all([people.peopleByName('Mike'), people.peopleByName('Bo Chen')]);
    expect(ids(m)).toContain(mike.Id);
    expect(ids(bo)).toEqual([id18(500)]);
    expect(sent.map((q) => /LIMIT (\d+)/.exec(q)![1])).toEqual(['100', '1000', '1000']);
  });
});

describe('SalesforcePeople: names longer than Salesforce holds', () => {
  /** A 15,000-character speaker name (words and spaces: its URL, encoded, is over 16 kB). */
  const longName = `Tracy ${'Debolah '.repeat(1875)}`.trim();

  it('searches a 15,000-character name for what a Name field holds, in the same shared search as the other names', async () => {
    const { people, sent } = await connect([contact(1, 'Ann Lee'), contact(2, 'Bo Chen')]);
    const [ann, long, bo] = await Promise.all([people.peopleByName('Ann Lee'), people.peopleByName(longName), people.peopleByName('Bo Chen')]);
    expect(ids(ann)).toEqual([id18(1)]);
    expect(ids(bo)).toEqual([id18(2)]);
    expect(long).toEqual([]); // a name no Name field can hold is no one's
    expect(sent).toHaveLength(1); // one search for the three, as before
    const term = /FIND \{(.*)\} IN NAME/.exec(sent[0]!)![1]!.split(' OR ').find((t) => t.startsWith('Tracy'))!;
    expect(term.length).toBeLessThanOrEqual(121);
    expect(term.startsWith('Tracy Debolah Debolah')).toBe(true);
  });

  it('finds a contact whose full 121-character name is the start of a longer speaker name', async () => {
    const first = 'A'.repeat(40);
    const last = 'B'.repeat(80);
    const { people } = await connect([{ Id: '003Dm0000000009', FirstName: first, LastName: last }]);
    expect(ids(await people.peopleByName(`${first} ${last}`))).toEqual(['003Dm0000000009']);
    // The cut keeps what a Name holds, so a search for more than that still finds the namesake (resolve-participants
    // then wants the exact name, so this is no match for the call, but the lookup answers instead of failing).
    expect(ids(await people.peopleByName(`${first} ${last} ${'C'.repeat(15_000)}`))).toEqual(['003Dm0000000009']);
  });

  it('splits a batch whose search would pass 8,000 bytes of URL or 4,000 characters of SearchQuery, and finds everyone', async () => {
    // 50 names of 121 Cyrillic letters (6 bytes each in a URL): one search for them all would be a 36 kB URL.
    const name = (i: number) => ({ first: String.fromCharCode(0x410 + (i % 32)).repeat(40), last: `${'Щ'.repeat(77)}${String(i).padStart(3, '0')}` });
    const seeded = Array.from({ length: 50 }, (_, i) => ({ Id: `003Dm${String(i + 1).padStart(10, '0')}`, FirstName: name(i).first, LastName: name(i).last }));
    const { people, sent } = await connect(seeded);
    const found = await Promise.all(seeded.map((_, i) => people.peopleByName(`${name(i).first} ${name(i).last}`)));
    expect(found.map(ids)).toEqual(seeded.map((s) => [s.Id]));
    expect(sent.length).toBeGreaterThan(1);
    for (const q of sent) {
      expect(`/services/data/v62.0/search?q=${encodeURIComponent(q)}`.length).toBeLessThanOrEqual(8000);
      expect(/FIND \{(.*)\} IN NAME/.exec(q)![1]!.length).toBeLessThanOrEqual(4000);
    }
  });

  it('creates a lead for a caller whose name is longer than its fields, cut to their lengths and on one line', async () => {
    const { sim, people } = await connect([]);
    const id = await people.createLead({ firstName: `Tracy\r\nINJECTED ${'x'.repeat(100)}`, lastName: 'D'.repeat(15_000), company: 'Fabrikam', leadSource: 'Phone Inquiry', ownerId: USER_GOOD });
    const lead = sim.records('Lead').find((l) => String(l.Id).startsWith(id.slice(0, 15)))!;
    expect(lead.LastName).toBe('D'.repeat(80));
    expect(lead.FirstName).toHaveLength(40);
    expect(lead.FirstName).toMatch(/^Tracy INJECTED x+$/);
  });
});

describe('the simulator refuses an over-long request as Salesforce does', () => {
  const search = (conn: Awaited<ReturnType<typeof connectedSalesforce>>['conn'], q: string, headers: Record<string, string> = {}) =>
    conn.request({ method: 'GET', url: `/search?q=${encodeURIComponent(q)}`, headers }, { retry: { maxRetries: 0 } });
  const code = (e: unknown) => (e as { errorCode?: string }).errorCode;

  it('a URI over 16,384 bytes is 414, a URI and headers over 16,384 bytes together are 431, and neither is metered', async () => {
    const { sim, conn } = await connectedSalesforce();
    const used = sim.counters().apiUsage.used;
    expect(code(await search(conn, `FIND {${'a'.repeat(17_000)}}`).then(() => 'answered', (e: unknown) => e))).toBe('ERROR_HTTP_414');
    expect(code(await search(conn, `FIND {${'a'.repeat(14_000)}}`, { 'X-Padding': 'p'.repeat(3000) }).then(() => 'answered', (e: unknown) => e))).toBe('ERROR_HTTP_431');
    expect(sim.counters().apiUsage.used).toBe(used);
    await expect(search(conn, `FIND {${'a'.repeat(14_000)}}`)).resolves.toEqual({ searchRecords: [] });
  });

  it('a SearchQuery over 4,000 characters loses its logical operators, over 10,000 finds nothing', async () => {
    const { conn } = await connectedSalesforce({ seed: { records: { Contact: [contact(1, 'Ann Lee'), contact(2, 'Bo Chen')] } } });
    const names = async (q: string) =>
      ((await search(conn, `FIND {${q}} IN NAME FIELDS RETURNING Contact(Name ORDER BY Name)`)) as { searchRecords: Array<{ Name: string }> }).searchRecords.map((r) => r.Name);
    expect(await names('Ann Chen')).toEqual([]); // both words, as SOSL means it
    const pad = ` OR ${'zz'.repeat(2100)}`;
    expect(await names(`Ann Chen${pad}`)).toEqual(['Ann Lee', 'Bo Chen']); // 4,000+ characters: any word
    expect(await names(`Ann Lee OR Bo Chen${pad.repeat(3)}`)).toEqual([]); // 10,000+ characters: nothing
  });
});
