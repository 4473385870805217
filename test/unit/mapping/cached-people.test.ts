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
