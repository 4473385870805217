import { describe, expect, it } from 'vitest';
import { CachedPeople } from '../../../src/mapping/cached-people.ts';
import { FakePeople } from '../../fakes/fake-directory.ts';

const TRACY = { type: 'Contact' as const, id: '003Dm0000000001IAA', name: 'Tracy Debolah', accountId: '001Dm0000000001IAA', phones: ['(650) 555-0142'], lastModified: '2024-08-01T00:00:00Z' };

function rig() {
  let now = 1_000_000;
  const inner = new FakePeople();
  inner.people = [TRACY];
  inner.users = [{ id: '005Dm0000000001IAA', isActive: true, email: 'john@example.com' }];
  const cached = new CachedPeople(inner, { now: () => now, personTtlMs: 600_000, negativeTtlMs: 60_000 });
  return { inner, cached, advance: (ms: number) => (now += ms) };
}

describe('CachedPeople', () => {
  it('answers repeated lookups from the cache until they expire', async () => {
    const { inner, cached, advance } = rig();
    expect(await cached.peopleByPhone('+16505550142')).toEqual([TRACY]);
    expect(await cached.peopleByPhone('+16505550142')).toEqual([TRACY]);
    expect(inner.calls.filter((c) => c.startsWith('peopleByPhone'))).toHaveLength(1);
    advance(600_001);
    await cached.peopleByPhone('+16505550142');
    expect(inner.calls.filter((c) => c.startsWith('peopleByPhone'))).toHaveLength(2);
  });

  it('keeps "nobody has this number" only briefly', async () => {
    const { inner, cached, advance } = rig();
    expect(await cached.peopleByPhone('+14155550000')).toEqual([]);
    await cached.peopleByPhone('+14155550000');
    advance(60_001);
    await cached.peopleByPhone('+14155550000');
    expect(inner.calls.filter((c) => c === 'peopleByPhone:+14155550000')).toHaveLength(2);
  });

  it('shares one request between concurrent lookups of the same person', async () => {
    const { inner, cached } = rig();
    const results = await Promise.all(Array.from({ length: 10 }, () => cached.peopleByPhone('+16505550142')));
    expect(results.every((r) => r.length === 1)).toBe(true);
    await Promise.all([cached.activeUserByEmail('JOHN@example.com'), cached.activeUserByEmail('john@example.com')]);
    expect(inner.calls).toEqual(['peopleByPhone:+16505550142', 'activeUserByEmail:JOHN@example.com']);
  });

  it('forgets records Salesforce says are gone', async () => {
    const { inner, cached } = rig();
    await cached.peopleByPhone('+16505550142');
    expect(cached.forget([TRACY.id])).toBe(1);
    await cached.peopleByPhone('+16505550142');
    expect(inner.calls.filter((c) => c.startsWith('peopleByPhone'))).toHaveLength(2);
  });
});

describe('CachedPeople: races and stale entries', () => {
  it('treats an entry that expires while it is read as a miss, never as a cached "nobody"', async () => {
    let now = 1_000_000;
    let ticking = false;
    const inner = new FakePeople();
    inner.people = [TRACY];
    inner.users = [{ id: '005Dm0000000001IAA', isActive: true, email: 'john@example.com' }];
    // Each read of the clock moves it on 1 ms: an entry can expire between two reads of the cache.
    const cached = new CachedPeople(inner, { now: () => (ticking ? now++ : now), userTtlMs: 1000, personTtlMs: 1000 });
    await cached.userById('005Dm0000000001IAA');
    await cached.peopleByPhone('+16505550142');
    now += 999;
    ticking = true;
    expect(await cached.userById('005Dm0000000001IAA')).toMatchObject({ id: '005Dm0000000001IAA' });
    now = 1_000_999;
    expect(cached.peekPhone('+16505550142')).toEqual([TRACY]);
    now = 1_001_000;
    expect(cached.peekPhone('+16505550142')).toBeUndefined();
  });

  it('counts a hit for a lookup answered by the cache and a miss for one that asks Salesforce', async () => {
    const { cached } = rig();
    await cached.peopleByPhone('+16505550142');
    await cached.peopleByPhone('+16505550142');
    expect(cached.peekPhone('+16505550142')).toEqual([TRACY]);
    expect(cached.peekPhone('+14155550000')).toBeUndefined(); // the lookup that follows counts the miss
    await cached.peopleByPhone('+14155550000');
    expect(cached.stats()).toMatchObject({ hits: 2, misses: 2 });
  });

  it('does not cache what a lookup under way when a record was forgotten answers', async () => {
    const { inner, cached } = rig();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const peopleByPhone = inner.peopleByPhone.bind(inner);
    inner.peopleByPhone = async (e164) => {
      const found = peopleByPhone(e164);
      await gate;
      return found;
    };
    const pending = cached.peopleByPhone('+16505550142');
    cached.forget([TRACY.id]); // Salesforce says Tracy is gone while the search (which still saw her) is under way
    release();
    expect(await pending).toEqual([TRACY]);
    inner.people = [];
    expect(await cached.peopleByPhone('+16505550142')).toEqual([]);
    expect(inner.calls.filter((c) => c.startsWith('peopleByPhone'))).toHaveLength(2);
  });

  it('remembers a new lead by its name as well as its number: a second call finds it while the index lags', async () => {
    const { inner, cached } = rig();
    expect(await cached.peopleByName('Pat  Newcomer')).toEqual([]);
    const id = await cached.createLead({ firstName: 'Pat', lastName: 'Newcomer', company: 'Inbound', leadSource: 'Phone Inquiry', ownerId: '005Dm0000000001IAA' });
    expect(await cached.peopleByName('pat newcomer')).toMatchObject([{ type: 'Lead', id, name: 'Pat Newcomer' }]);
    expect(inner.calls.filter((c) => c.startsWith('peopleByName'))).toHaveLength(1);
  });
});
