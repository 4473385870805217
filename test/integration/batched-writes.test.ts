/**
 * Calls written together: the Tasks of new calls share collection requests, and the lookups of calls made at the
 * same moment share searches and queries, over real HTTP with the unmodified jsforce against the simulator.
 * Exactness: one refused record fails neither its neighbours nor duplicates anything on the retry.
 */
import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../src/config/load-mapping.ts';
import { DEMO_IDS, demoSalesforceSeed } from '../../src/demo/demo-seed.ts';
import { parseInsightsNotification, type RecordingInsights } from '../../src/ringcentral/insights-event.schema.ts';
import { SalesforcePeople } from '../../src/salesforce/people.adapter.ts';
import { SalesforceTaskStore } from '../../src/salesforce/task-store.adapter.ts';
import { writeCall } from '../../src/sync/write-call.ts';
import type { SalesforceSimulator } from '../../src/simulators/salesforce/salesforce-simulator.ts';
import { buildDrafts, type CallDrafts } from '../../src/sync/build-drafts.ts';
import { loadEventFixture, asCall } from '../support/fixtures.ts';
import { connectedSalesforce } from '../support/salesforce-sim.ts';
import { ACE_DOMAINS } from '../../src/calls/domains.ts';

async function connect(extraContacts: Array<Record<string, unknown>> = []) {
  const seed = demoSalesforceSeed();
  seed.records = { ...seed.records, Contact: [...(seed.records?.Contact ?? []), ...extraContacts] };
  return connectedSalesforce({ seed });
}

const base: RecordingInsights = (() => {
  const r = parseInsightsNotification(loadEventFixture('documented-example'), ACE_DOMAINS);
  if (!r.ok) throw new Error(r.error.message);
  return asCall(r.value.body);
})();

/** The documented example as call number `n` (its own recording id), owned by `ownerId`. */
function draftsFor(n: number, ownerId: string): CallDrafts {
  const m = parseMapping('', 'm.yaml').mapping;
  const insights: RecordingInsights = { ...base, sourceRecordId: `90000000${n}`, sourceSessionId: `s-${n}` };
  return buildDrafts(insights, { ownerUserId: ownerId, who: { type: 'Contact', id: DEMO_IDS.contactTracy }, speakerUserIds: new Map() }, { activity: m.activity, followUps: m.followUps });
}

const tasksOf = (s: SalesforceSimulator, n: number) => s.records('Task').filter((t) => String(t.CallObject).startsWith(`ringsense:90000000${n}`));

describe('batched writes', () => {
  it('writes the Tasks of calls arriving together in one collection request', async () => {
    const { sim, conn } = await connect();
    const store = new SalesforceTaskStore(conn);
    sim.setLatency(50);
    sim.resetCounters();
    const calls = [1, 2, 3, 4, 5].map((n) => draftsFor(n, DEMO_IDS.userJohn));
    const reports = await Promise.all(calls.map((d) => writeCall(store, d, 'create')));
    expect(reports.map((r) => r.call)).toEqual(['created', 'created', 'created', 'created', 'created']);
    for (const [i, d] of calls.entries()) {
      expect(reports[i]!.followUpsCreated).toBe(d.followUps.length);
      expect(tasksOf(sim, i + 1)).toHaveLength(1 + d.followUps.length);
    }
    // Submitted within the same few milliseconds: one request for all (26 records).
    expect(sim.counters().byKind['collections.create']).toBe(1);
    expect(sim.counters().byKind.query ?? 0).toBe(0); // new calls are not looked up first
  });

  it('one refused call fails alone: its neighbours are written, and retrying everything duplicates nothing', async () => {
    const { sim, conn } = await connect();
    const store = new SalesforceTaskStore(conn);
    sim.setLatency(50);
    // Call 2 belongs to a deactivated user: Salesforce refuses its records (INACTIVE_OWNER_OR_USER), only its.
    const calls = [draftsFor(1, DEMO_IDS.userJohn), draftsFor(2, DEMO_IDS.userFormer), draftsFor(3, DEMO_IDS.userMaria)];
    sim.resetCounters();
    const outcomes = await Promise.allSettled(calls.map((d) => writeCall(store, d, 'create')));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/INACTIVE_OWNER_OR_USER/);
    expect(tasksOf(sim, 1)).toHaveLength(1 + calls[0]!.followUps.length);
    expect(tasksOf(sim, 2)).toHaveLength(0);
    expect(tasksOf(sim, 3)).toHaveLength(1 + calls[2]!.followUps.length);
    // A refusal of the call's own record is final: it is not written again alone.
    expect(sim.counters().byKind).toEqual({ 'collections.create': 1 });

    // The admin fixes the owner; every call is written again (as retries are: looking first).
    const again = [draftsFor(1, DEMO_IDS.userJohn), draftsFor(2, DEMO_IDS.userMaria), draftsFor(3, DEMO_IDS.userMaria)];
    const reports = await Promise.all(again.map((d) => writeCall(store, d, 'look_first')));
    expect(reports.map((r) => r.call)).toEqual(['unchanged', 'created', 'unchanged']);
    for (const n of [1, 2, 3]) {
      const keys = tasksOf(sim, n).map((t) => String(t.CallObject));
      expect(keys.length).toBe(1 + again[n - 1]!.followUps.length);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('a collection request that fails as a whole is written call by call, each looked up first', async () => {
    const { sim, conn } = await connect();
    const store = new SalesforceTaskStore(conn);
    sim.setLatency(30);
    sim.injectFault({ status: 503, count: 1, method: 'POST', path: /composite\/sobjects/ });
    const calls = [1, 2, 3].map((n) => draftsFor(n, DEMO_IDS.userJohn));
    const reports = await Promise.all(calls.map((d) => writeCall(store, d, 'create')));
    expect(reports.every((r) => r.call === 'created')).toBe(true);
    for (const n of [1, 2, 3]) expect(tasksOf(sim, n)).toHaveLength(1 + calls[n - 1]!.followUps.length);
  });
});

describe('batched lookups', () => {
  it('looks up several numbers, names, users and accounts with one request each, and gives each its own answer', async () => {
    const { sim, conn } = await connect();
    const people = new SalesforcePeople(conn);
    sim.setLatency(50);
    sim.resetCounters();
    const [tracy, sean, nobody, byName, john, maria, former, northwind, debolah] = await Promise.all([
      people.peopleByPhone('+16505550142'),
      people.peopleByPhone('+13125550177'),
      people.peopleByPhone('+19995550100'),
      people.peopleByName("Sean O'Brien"),
      people.activeUserByEmail('JOHN.SMITH@acme-robotics.example'),
      people.activeUserByEmail('maria.garcia@acme-robotics.example'),
      people.activeUserByEmail('pat.former@acme-robotics.example'),
      people.openOpportunity(DEMO_IDS.accountNorthwind),
      people.openOpportunity(DEMO_IDS.accountDebolah),
    ]);
    expect(tracy.map((p) => p.id)).toEqual([DEMO_IDS.contactTracy]);
    expect(sean.map((p) => p.id)).toEqual([DEMO_IDS.contactSean]);
    expect(nobody).toEqual([]);
    expect(byName.map((p) => p.id)).toEqual([DEMO_IDS.contactSean]);
    expect([john?.id, maria?.id, former]).toEqual([DEMO_IDS.userJohn, DEMO_IDS.userMaria, undefined]);
    expect([northwind, debolah]).toEqual([DEMO_IDS.oppNorthwind, undefined]);
    // Phone numbers: one search; the name: one search; e-mails: one query; accounts: one query.
    const c = sim.counters().byKind;
    expect(c.search).toBe(2);
    expect(c.query).toBe(2);
  });

  it('asks number by number when a shared search may have been cut at its row limit', async () => {
    // 120 contacts share one number (a switchboard): with another number in the same search, the rows could fill
    // the limit before the other number's contact appears.
    const switchboard = Array.from({ length: 120 }, (_, i) => ({ FirstName: `Desk${i}`, LastName: 'Debolah', Phone: '(650) 555-0142', AccountId: DEMO_IDS.accountDebolah }));
    const { sim, conn } = await connect(switchboard);
    const people = new SalesforcePeople(conn);
    sim.resetCounters();
    const [desk, sean] = await Promise.all([people.peopleByPhone('+16505550142'), people.peopleByPhone('+13125550177')]);
    expect(sean.map((p) => p.id)).toEqual([DEMO_IDS.contactSean]);
    expect(desk.length).toBeGreaterThanOrEqual(50);
    expect(sim.counters().byKind.search).toBe(3); // the shared search, then each number alone
  });
});
