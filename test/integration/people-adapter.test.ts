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
