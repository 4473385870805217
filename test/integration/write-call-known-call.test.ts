/**
 * A call already in Salesforce that the write ledger does not know (its entry expired, or Redis lost its data):
 * written as new, it meets its own unique key. Over real HTTP with the unmodified jsforce against the simulator.
 */
import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../src/config/load-mapping.ts';
import { DEMO_IDS, demoSalesforceSeed } from '../../src/demo/demo-seed.ts';
import { parseInsightsNotification, type RecordingInsights } from '../../src/ringcentral/insights-event.schema.ts';
import { SalesforceTaskStore } from '../../src/salesforce/task-store.adapter.ts';
import { writeCall } from '../../src/sync/write-call.ts';
import { buildDrafts, type CallDrafts } from '../../src/sync/build-drafts.ts';
import { loadEventFixture, asCall } from '../support/fixtures.ts';
import { connectedSalesforce } from '../support/salesforce-sim.ts';
import { ACE_DOMAINS } from '../../src/calls/domains.ts';

const KEY_FIELD = 'RingSense_Call_Id__c';
const base: RecordingInsights = (() => {
  const r = parseInsightsNotification(loadEventFixture('documented-example'), ACE_DOMAINS);
  if (!r.ok) throw new Error(r.error.message);
  return asCall(r.value.body);
})();

function drafts(lastModifiedTime: string): CallDrafts {
  const m = parseMapping('', 'm.yaml').mapping;
  return buildDrafts({ ...base, lastModifiedTime }, { ownerUserId: DEMO_IDS.userJohn, who: { type: 'Contact', id: DEMO_IDS.contactTracy }, speakerUserIds: new Map() }, { activity: m.activity, followUps: m.followUps });
}

describe('a call the ledger forgot, with a unique external id field', () => {
  it('meets DUPLICATE_VALUE on the fast create path, then looks the call up instead of failing it', async () => {
    const { sim, conn } = await connectedSalesforce({ seed: demoSalesforceSeed(), taskExternalIdField: KEY_FIELD });
    const store = new SalesforceTaskStore(conn, { externalIdField: KEY_FIELD });
    const v1 = drafts('2024-09-04T21:00:00.000Z');
    const first = await writeCall(store, v1, 'create');
    expect(first.call).toBe('created');

    // The same version again, as new: nothing is written twice and nothing fails.
    const again = await writeCall(store, v1, 'create');
    expect(again).toMatchObject({ callTaskId: first.callTaskId, call: 'unchanged', followUpsCreated: 0, followUpFailures: [] });
    // A newer version written with an offset (21:30 UTC, though its text sorts before the first's): updated.
    const v2 = drafts('2024-09-04T20:30:00-01:00');
    const later = await writeCall(store, v2, 'create');
    expect(later).toMatchObject({ callTaskId: first.callTaskId, call: 'updated', followUpFailures: [] });
    const tasks = sim.records('Task').filter((t) => String(t[KEY_FIELD]).startsWith(`ringsense:${base.sourceRecordId}`));
    expect(tasks).toHaveLength(1 + v1.followUps.length);
  });
});
