import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_IDS, demoRingCentralSeed, demoSalesforceSeed } from '../../src/demo/demo-seed.ts';
import { SalesforcePeople } from '../../src/salesforce/people.adapter.ts';
import type { SimRecording } from '../../src/simulators/ringcentral/state.ts';
import type { SalesforceSeed } from '../../src/simulators/salesforce/salesforce-simulator.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { connectedSalesforce } from '../support/salesforce-sim.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

/** The documented example (John Smith, Pacific time in the demo org, calling Tracy Debolah), as another call at `startTime`. */
function johnCalls(n: number, startTime: string): SimRecording {
  const [doc] = demoRingCentralSeed(['documented-example']).recordings ?? [];
  if (!doc) throw new Error('no documented example');
  const insights = structuredClone(doc.insights);
  return { ...doc, insights: { ...insights, sourceRecordId: `27280849960${n}`, sourceSessionId: `s-tz-${n}`, recordingStartTime: startTime } };
}

/** The demo org with John Smith's own time zone replaced (null: none, as a user created without one). */
function salesforceSeed(johnZone: string | null): SalesforceSeed {
  const seed = demoSalesforceSeed();
  const users = (seed.records?.User ?? []).map((u) => (u.Id === DEMO_IDS.userJohn ? { ...u, TimeZoneSidKey: johnZone } : u));
  return { ...seed, records: { ...seed.records, User: users } };
}

async function publish(pl: Pipeline, rec: SimRecording, finished: number): Promise<void> {
  pl.sims.rc.addRecording(rec);
  pl.sims.rc.publishInsights(String(rec.insights.sourceRecordId));
  expect(await pl.settled(finished)).toEqual({ completed: finished, failed: 0 });
}

const tasksOf = (pl: Pipeline, sourceRecordId: string) => {
  const mine = pl.tasks().filter((t) => String(t.CallObject).startsWith(`ringsense:${sourceRecordId}`));
  return { call: mine.find((t) => t.TaskSubtype === 'Call'), followUps: mine.filter((t) => t.TaskSubtype === 'Task') };
};

/** Queries and searches Salesforce answered since the counters were reset. */
const lookups = (pl: Pipeline) => {
  const k = pl.sims.sf.counters().byKind;
  return (k.query ?? 0) + (k.search ?? 0);
};

/**
 * From now on Salesforce refuses every query of users or of the org: a call that still syncs with the right dates
 * asked for neither (a refused user lookup fails the call; a refused org lookup would make its dates UTC dates).
 */
const refuseUserAndOrgQueries = (pl: Pipeline) =>
  pl.sims.sf.injectFault({ status: 400, query: /\bFROM\s+(User|Organization)\b/i, count: 1000, body: [{ message: 'refused by the test', errorCode: 'INVALID_TYPE' }] });

describe("dates in the rep's day (User.TimeZoneSidKey)", () => {
  it('logs a late-evening call on the Pacific-time rep\'s day, with its follow-ups due two business days later in that zone', async () => {
    p = await startPipeline({ sims: { seed: { ringcentral: demoRingCentralSeed([]), salesforce: salesforceSeed('America/Los_Angeles') } } });
    // Wednesday 2024-09-04, 7:30 pm PDT: Thursday the 5th in UTC.
    await publish(p, johnCalls(1, '2024-09-05T02:30:00Z'), 1);
    const { call, followUps } = tasksOf(p, '272808499601');
    expect(call).toMatchObject({ ActivityDate: '2024-09-04', OwnerId: DEMO_IDS.userJohn, WhoId: DEMO_IDS.contactTracy, Status: 'Completed' });
    expect(followUps).toHaveLength(4);
    for (const t of followUps) expect(t).toMatchObject({ ActivityDate: '2024-09-06', OwnerId: DEMO_IDS.userJohn, Status: 'Not Started' }); // Friday, not Monday the 9th
    expect(String(followUps[0]!.Description)).toContain('(2024-09-04, RingCentral recording 272808499601)');

    // The time zone came with the user (cached): a further call asks Salesforce about neither user nor org.
    refuseUserAndOrgQueries(p);
    // Friday 2024-09-06, 7:30 pm PDT (Saturday the 7th in UTC): follow-ups count from Friday, due Tuesday.
    await publish(p, johnCalls(2, '2024-09-07T02:30:00Z'), 2);
    const friday = tasksOf(p, '272808499602');
    expect(friday.call?.ActivityDate).toBe('2024-09-06');
    expect(friday.followUps.map((t) => t.ActivityDate)).toEqual(['2024-09-10', '2024-09-10', '2024-09-10', '2024-09-10']);
  });

  it("uses the org's default time zone for a user without one, asking for it once", async () => {
    // The simulated org's default (Organization.TimeZoneSidKey) is America/Los_Angeles.
    const withZone = await firstCallCost('America/Los_Angeles');
    const without = await firstCallCost(null);
    expect(without.dates).toEqual(withZone.dates);
    expect(without.dates).toEqual({ call: '2024-09-04', followUps: '2024-09-06' });
    expect(without.lookups).toBe(withZone.lookups + 1); // one query for the org's default...
    expect(without.laterLookups).toBe(withZone.laterLookups); // ...kept: later calls cost what they cost with a user's own zone
    expect(without.laterDates).toEqual([['2024-09-04', '2024-09-06'], ['2024-09-04', '2024-09-06']]);
  });
});

describe('SalesforcePeople: time zones over the REST API', () => {
  it("reads each user's TimeZoneSidKey in the users' own query, and the org's default only when asked", async () => {
    const { sim, conn } = await connectedSalesforce({ seed: salesforceSeed('America/Los_Angeles') });
    const people = new SalesforcePeople(conn);
    sim.resetCounters();
    const [john, former] = await Promise.all([people.userById(DEMO_IDS.userJohn), people.userById(DEMO_IDS.userFormer)]);
    expect([john?.timeZone, former?.timeZone]).toEqual(['America/Los_Angeles', 'America/Chicago']);
    expect((await people.activeUserByEmail('maria.garcia@acme-robotics.example'))?.timeZone).toBe('America/New_York');
    expect(sim.counters().byKind).toEqual({ query: 2 }); // users by id (both in one), users by e-mail
    expect(await people.orgTimeZone()).toBe('America/Los_Angeles');
    expect(sim.counters().byKind).toEqual({ query: 3 });
  });
});

/** A pipeline whose John Smith has `zone`: the dates of a late call, and the lookups of the first and of two later calls. */
async function firstCallCost(zone: string | null) {
  const pl = await startPipeline({ sims: { seed: { ringcentral: demoRingCentralSeed([]), salesforce: salesforceSeed(zone) } } });
  p = pl;
  try {
    // The mapped users are looked up at start (warm-users): counted from after that.
    await waitForUsersWarmed(pl);
    pl.sims.sf.resetCounters();
    await publish(pl, johnCalls(3, '2024-09-05T02:30:00Z'), 1);
    const first = lookups(pl);
    const { call, followUps } = tasksOf(pl, '272808499603');
    pl.sims.sf.resetCounters();
    refuseUserAndOrgQueries(pl);
    await publish(pl, johnCalls(4, '2024-09-05T03:30:00Z'), 2); // 8:30 pm PDT
    await publish(pl, johnCalls(5, '2024-09-05T04:30:00Z'), 3); // 9:30 pm PDT
    const laterDates = ['272808499604', '272808499605'].map((id) => tasksOf(pl, id)).map((t) => [t.call?.ActivityDate, t.followUps[0]?.ActivityDate]);
    return { dates: { call: call?.ActivityDate, followUps: followUps[0]?.ActivityDate }, lookups: first, laterLookups: lookups(pl), laterDates };
  } finally {
    await pl.stop();
    p = undefined;
  }
}

/** Until the start-up lookup of the mapping's users (two queries: by id, by e-mail) has been answered. */
const waitForUsersWarmed = (pl: Pipeline) => waitFor(() => (pl.sims.sf.counters().byKind.query ?? 0) >= 2, 10_000, 'the mapped users looked up');
