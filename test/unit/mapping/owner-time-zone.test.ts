import { beforeEach, describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { ServiceError } from '../../../src/lib/service-error.ts';
import { CachedPeople } from '../../../src/mapping/cached-people.ts';
import type { DirectoryUser } from '../../../src/mapping/directory.port.ts';
import { ownerTimeZone } from '../../../src/mapping/owner-time-zone.ts';
import { resolveParticipants } from '../../../src/mapping/resolve-participants.ts';
import { warmMappedUsers } from '../../../src/mapping/warm-users.ts';
import { parseInsightsNotification, type RecordingInsights } from '../../../src/ringcentral/insights-event.schema.ts';
import { FakePeople, FakeTelephony } from '../../fakes/fake-directory.ts';
import { loadEventFixture, asCall } from '../../support/fixtures.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';

const JOHN = '005Dm0000000001IAA';
const MARIA = '005Dm0000000002IAA';
const BY_ID = parseMapping(`users:\n  "62288320001": { salesforceUserId: "${JOHN}" }\n`, 'mapping.yaml');
const BY_EMAIL = parseMapping(`users:\n  "62288320001": { email: "john.smith@acme.example" }\n`, 'mapping.yaml');
const DEFAULT_OWNER = parseMapping(`lookups: { ownerByExtensionEmail: false }\ndefaultOwner: { email: "maria.garcia@acme.example" }\n`, 'mapping.yaml');

function call(): RecordingInsights {
  const r = parseInsightsNotification(loadEventFixture('documented-example'), ACE_DOMAINS);
  if (!r.ok) throw new Error(r.error.message);
  return asCall(r.value.body);
}

/** The warnings logged, as { message, ...meta }. */
function warnings() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: { warn: (message: string, meta: Record<string, unknown>) => lines.push({ message, ...meta }) } };
}

let inner: FakePeople;
const john = (over: Partial<DirectoryUser> = {}): DirectoryUser => ({ id: JOHN, isActive: true, email: 'john.smith@acme.example', ...over });

beforeEach(() => {
  inner = new FakePeople();
  inner.users = [john({ timeZone: 'America/Los_Angeles' }), { id: MARIA, isActive: true, email: 'maria.garcia@acme.example', timeZone: 'America/New_York' }];
  inner.orgZone = 'America/Chicago';
});

describe("resolveParticipants: the owner's time zone", () => {
  it("comes with the user, however the owner was found, and asks Salesforce nothing more", async () => {
    for (const [snap, zone] of [[BY_ID, 'America/Los_Angeles'], [BY_EMAIL, 'America/Los_Angeles'], [DEFAULT_OWNER, 'America/New_York']] as const) {
      inner.calls = [];
      const r = await resolveParticipants(call(), snap, { people: inner, telephony: new FakeTelephony() });
      expect(r.ok && { zone: r.value.ownerTimeZone, from: r.value.ownerTimeZoneFrom }).toEqual({ zone, from: 'user' });
      expect(inner.calls).not.toContain('orgTimeZone');
    }
  });

  it('is looked up in Salesforce for a user the mapping names by id, and the warmed user carries it', async () => {
    const people = new CachedPeople(inner);
    await warmMappedUsers(BY_ID, people);
    const asked = inner.calls.length;
    const r = await resolveParticipants(call(), BY_ID, { people, telephony: new FakeTelephony() });
    expect(r.ok && r.value.ownerTimeZone).toBe('America/Los_Angeles');
    expect(inner.calls.slice(asked).filter((c) => c.startsWith('userById') || c === 'orgTimeZone')).toEqual([]);
  });

  it("is the org's default for a user without one, asked once and cached across calls", async () => {
    inner.users = [john()];
    const people = new CachedPeople(inner);
    for (let i = 0; i < 3; i++) {
      const r = await resolveParticipants(call(), BY_ID, { people, telephony: new FakeTelephony() });
      expect(r.ok && { zone: r.value.ownerTimeZone, from: r.value.ownerTimeZoneFrom }).toEqual({ zone: 'America/Chicago', from: 'org_default' });
    }
    expect(inner.calls.filter((c) => c === 'orgTimeZone')).toHaveLength(1);
  });
});

describe('ownerTimeZone: fallbacks', () => {
  it("falls back from an id this runtime does not know to the org's default, warning once", async () => {
    const { lines, logger } = warnings();
    for (let i = 0; i < 3; i++) expect(await ownerTimeZone(john({ timeZone: 'Mars/Olympus_Mons' }), inner, logger)).toEqual({ timeZone: 'America/Chicago', source: 'org_default' });
    expect(lines).toEqual([expect.objectContaining({ message: 'unknown_time_zone', reason: 'user_time_zone_unknown', timeZone: 'Mars/Olympus_Mons', userId: JOHN, using: 'America/Chicago' })]);
  });

  it("falls back to UTC when the org's default is unknown too, warning about each once", async () => {
    const { lines, logger } = warnings();
    inner.orgZone = 'Venus/Maxwell';
    for (let i = 0; i < 2; i++) expect(await ownerTimeZone(john({ timeZone: 'Mars/Tharsis' }), inner, logger)).toEqual({ timeZone: 'UTC', source: 'utc' });
    expect(lines.map((l) => [l.reason, l.timeZone, l.using])).toEqual([
      ['user_time_zone_unknown', 'Mars/Tharsis', 'UTC'],
      ['org_time_zone_unknown', 'Venus/Maxwell', 'UTC'],
    ]);
  });

  it('is UTC, quietly, when neither the user nor the org has one', async () => {
    const { lines, logger } = warnings();
    inner.orgZone = undefined;
    expect(await ownerTimeZone(john({ timeZone: '  ' }), inner, logger)).toEqual({ timeZone: 'UTC', source: 'utc' });
    expect(lines).toEqual([]);
  });

  it('is UTC when Salesforce refuses to say (a permanent refusal), and retried like any lookup when it is down', async () => {
    const { lines, logger } = warnings();
    inner.orgTimeZone = () => Promise.reject(new ServiceError('salesforce', { kind: 'permanent', code: 'INSUFFICIENT_ACCESS_ZZ', message: 'no access' }));
    expect(await ownerTimeZone(john(), inner, logger)).toEqual({ timeZone: 'UTC', source: 'utc' });
    expect(lines).toEqual([expect.objectContaining({ reason: 'org_time_zone_unavailable', code: 'INSUFFICIENT_ACCESS_ZZ' })]);
    const down = new ServiceError('salesforce', { kind: 'transient', code: 'ECONNRESET', message: 'socket hang up' });
    inner.orgTimeZone = () => Promise.reject(down);
    await expect(ownerTimeZone(john(), inner, logger)).rejects.toBe(down);
  });
});

describe('CachedPeople: the org time zone', () => {
  it('is kept for a day, shared by concurrent lookups', async () => {
    let now = 0;
    const people = new CachedPeople(inner, { now: () => now });
    expect(await Promise.all([people.orgTimeZone(), people.orgTimeZone()])).toEqual(['America/Chicago', 'America/Chicago']);
    now += 23 * 3_600_000;
    await people.orgTimeZone();
    expect(inner.calls.filter((c) => c === 'orgTimeZone')).toHaveLength(1);
    now += 2 * 3_600_000;
    await people.orgTimeZone();
    expect(inner.calls.filter((c) => c === 'orgTimeZone')).toHaveLength(2);
  });
});
