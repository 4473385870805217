import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { CachedPeople } from '../../../src/mapping/cached-people.ts';
import { resolveParticipants } from '../../../src/mapping/resolve-participants.ts';
import { warmMappedUsers } from '../../../src/mapping/warm-users.ts';
import { parseInsightsNotification } from '../../../src/ringcentral/insights-event.schema.ts';
import { FakePeople, FakeTelephony } from '../../fakes/fake-directory.ts';
import { loadEventFixture, asCall } from '../../support/fixtures.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';

const JOHN = '005Dm0000000001IAA';
const FORMER = '005Dm0000000003IAA';
const MAPPING = parseMapping(
  `users:\n  "62288320001": { salesforceUserId: "${JOHN}" }\n  "62288320002": { email: "maria.garcia@acme.example" }\n  "62288320003": { salesforceUserId: "${FORMER}" }\n` +
    `defaultOwner: { email: "nobody@acme.example" }\n`,
  'mapping.yaml',
);

function directory(): FakePeople {
  const people = new FakePeople();
  people.users = [
    { id: JOHN, isActive: true, email: 'john.smith@acme.example' },
    { id: '005Dm0000000002IAA', isActive: true, email: 'maria.garcia@acme.example' },
    { id: FORMER, isActive: false, email: 'pat@acme.example' },
  ];
  return people;
}

describe('warmMappedUsers', () => {
  it('looks up every user the mapping names, by id and by e-mail, and counts those found', async () => {
    const inner = directory();
    expect(await warmMappedUsers(MAPPING, inner)).toEqual({ mapped: 4, found: 3 });
    expect(inner.calls.sort()).toEqual([
      'activeUserByEmail:maria.garcia@acme.example',
      'activeUserByEmail:nobody@acme.example',
      `userById:${JOHN}`,
      `userById:${FORMER}`,
    ]);
  });

  it('leaves the owners cached: the first call after it asks Salesforce nothing about its owner', async () => {
    const inner = directory();
    const people = new CachedPeople(inner);
    await warmMappedUsers(MAPPING, people);
    const asked = inner.calls.length;
    const event = parseInsightsNotification(loadEventFixture('documented-example'), ACE_DOMAINS);
    if (!event.ok) throw new Error(event.error.message);
    const r = await resolveParticipants(asCall(event.value.body), MAPPING, { people, telephony: new FakeTelephony() });
    expect(r.ok && r.value.ownerUserId).toBe(JOHN);
    expect(inner.calls.slice(asked).filter((c) => c.startsWith('userById') || c.startsWith('activeUserByEmail'))).toEqual([]);
  });

  it('never throws when Salesforce does not answer', async () => {
    const inner = directory();
    inner.userById = () => Promise.reject(new Error('connect ECONNREFUSED'));
    inner.activeUserByEmail = () => Promise.reject(new Error('connect ECONNREFUSED'));
    expect(await warmMappedUsers(MAPPING, inner)).toEqual({ mapped: 4, found: 0 });
  });
});
