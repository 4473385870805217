import type { Connection } from 'jsforce';
import { describe, expect, it } from 'vitest';
import { CrmError } from '../../../src/salesforce/classify-error.ts';
import { SalesforcePeople } from '../../../src/salesforce/people.adapter.ts';

/** A Salesforce error as jsforce throws it (HttpApiError: name = errorCode = Salesforce's code). */
function sfError(errorCode: string, message = errorCode): Error {
  return Object.assign(new Error(message), { name: errorCode, errorCode, data: { errorCode, message } });
}

interface Row {
  attributes: { type: 'Contact' | 'Lead' };
  Id: string;
  Name: string;
  Phone?: string;
  LastModifiedDate: string;
}

const contact = (n: number, name: string, lastModified = `2024-06-${String((n % 28) + 1).padStart(2, '0')}T00:00:00Z`): Row => ({
  attributes: { type: 'Contact' },
  Id: `003Dm${String(n).padStart(10, '0')}AAA`,
  Name: name,
  LastModifiedDate: lastModified,
});

/**
 * The two REST calls the adapter makes (`GET /search`, `GET /query`), answered in process: a search matches rows whose
 * name holds every word of a term, most recently modified first, cut at the LIMIT the search asks for. `fail` may
 * refuse a request as Salesforce would.
 */
function fakeSalesforce(rows: Row[], users: Array<{ Id: string; IsActive: boolean; Email: string }> = []) {
  const requests: string[] = [];
  const state: { fail?: (q: string) => Error | undefined } = {};
  const conn = {
    request: (req: { method: string; url: string }) => {
      const q = decodeURIComponent(req.url.replace(/^\/(search|query)\?q=/, ''));
      requests.push(q);
      const refused = state.fail?.(q);
      if (refused) return Promise.reject(refused);
      if (req.url.startsWith('/query')) {
        const ids = [...q.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
        return Promise.resolve({ totalSize: 0, done: true, records: users.filter((u) => ids.includes(u.Id)) });
      }
      const terms = /^FIND \{(.*)\} IN/.exec(q)![1]!.split(' OR ').map((t) => t.replace(/\\(.)/g, '$1').replace(/"/g, '').toLowerCase());
      const limit = Number(/LIMIT (\d+)/.exec(q)![1]);
      const matched = rows
        .filter((r) => terms.some((t) => t.split(' ').every((w) => r.Name.toLowerCase().split(' ').includes(w))))
        .sort((a, b) => b.LastModifiedDate.localeCompare(a.LastModifiedDate));
      return Promise.resolve({ searchRecords: matched.slice(0, limit) });
    },
  };
  return { conn: conn as unknown as Connection, requests, state };
}

const ids = (people: Array<{ id: string }>) => people.map((p) => p.id);

describe('SalesforcePeople: a shared request that fails', () => {
  it("fails only the caller whose name Salesforce refuses, and answers the others from searches of their own", async () => {
    const sf = fakeSalesforce([contact(1, 'Ann Lee'), contact(2, 'Bo Chen')]);
    sf.state.fail = (q) => (q.includes('Odd') ? sfError('MALFORMED_SEARCH', 'unexpected token') : undefined);
    const people = new SalesforcePeople(sf.conn);
    const [ann, odd, bo] = await Promise.allSettled([people.peopleByName('Ann Lee'), people.peopleByName('Odd Name'), people.peopleByName('Bo Chen')]);
    expect(ann.status === 'fulfilled' && ids(ann.value)).toEqual([contact(1, '').Id]);
    expect(bo.status === 'fulfilled' && ids(bo.value)).toEqual([contact(2, '').Id]);
    expect(odd.status === 'rejected' && odd.reason).toBeInstanceOf(CrmError);
    expect(odd.status === 'rejected' && (odd.reason as CrmError).failure).toMatchObject({ kind: 'permanent', code: 'MALFORMED_SEARCH' });
    expect(sf.requests).toHaveLength(4); // the shared search, then each name alone
  });

  it('fails only the user whose id a shared query refuses', async () => {
    const good = '005Dm0000000001IAA';
    const bad = '005Dm0000000002IAA';
    const sf = fakeSalesforce([], [{ Id: good, IsActive: true, Email: 'a@example.com' }]);
    sf.state.fail = (q) => (q.includes(bad) ? sfError('INVALID_QUERY_FILTER_OPERATOR') : undefined);
    const people = new SalesforcePeople(sf.conn);
    const [a, b] = await Promise.allSettled([people.userById(good), people.userById(bad)]);
    expect(a.status === 'fulfilled' && a.value?.id).toBe(good);
    expect(b.status === 'rejected' && (b.reason as CrmError).failure.code).toBe('INVALID_QUERY_FILTER_OPERATOR');
  });

  it('rejects every caller of a rate-limited search, without a request per caller', async () => {
    const sf = fakeSalesforce([contact(1, 'Ann Lee')]);
    sf.state.fail = () => sfError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    const people = new SalesforcePeople(sf.conn);
    const outcomes = await Promise.allSettled([people.peopleByName('Ann Lee'), people.peopleByName('Bo Chen'), people.peopleByPhone('+16505550142')]);
    expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as CrmError).failure.kind)).toEqual(['rate_limited', 'rate_limited', 'rate_limited']);
    expect(sf.requests).toHaveLength(2); // one search of names, one of numbers
  });
});

describe('SalesforcePeople: searches by name', () => {
  it('asks nothing for a name with fewer than two letters or digits, whatever its punctuation', async () => {
    const sf = fakeSalesforce([contact(1, 'Jo Lee')]);
    const people = new SalesforcePeople(sf.conn);
    for (const name of ['J-', '-J', 'J.', "'J'", '(J)', 'Ö!', '']) expect(await people.peopleByName(name), name).toEqual([]);
    expect(sf.requests).toEqual([]);
    expect(ids(await people.peopleByName('Jo'))).toEqual([contact(1, '').Id]);
    await people.peopleByName('J. R.');
    expect(sf.requests).toHaveLength(2);
  });

  it('finds an exact name behind more than 50 more recently modified namesakes when searched alone', async () => {
    const mike = contact(0, 'Mike', '2020-01-01T00:00:00Z');
    const namesakes = Array.from({ length: 80 }, (_, i) => contact(i + 1, `Mike Other${i}`, '2024-01-01T00:00:00Z'));
    const sf = fakeSalesforce([mike, ...namesakes]);
    const people = new SalesforcePeople(sf.conn);
    expect(ids(await people.peopleByName('Mike'))).toContain(mike.Id);
    expect(sf.requests[0]).toContain('LIMIT 1000');
  });

  it('keeps the shared limit for several names, and the full one when a cut search is asked again name by name', async () => {
    const mike = contact(0, 'Mike', '2020-01-01T00:00:00Z');
    const namesakes = Array.from({ length: 120 }, (_, i) => contact(i + 1, `Mike Other${i}`, '2024-01-01T00:00:00Z'));
    const sf = fakeSalesforce([mike, ...namesakes, contact(500, 'Bo Chen')]);
    const people = new SalesforcePeople(sf.conn);
    const [m, bo] = await Promise.all([people.peopleByName('Mike'), people.peopleByName('Bo Chen')]);
    expect(ids(m)).toContain(mike.Id);
    expect(ids(bo)).toEqual([contact(500, '').Id]);
    expect(sf.requests.map((q) => /LIMIT (\d+)/.exec(q)![1])).toEqual(['100', '1000', '1000']);
  });
});
