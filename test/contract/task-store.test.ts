/** The TaskStore contract against the in-memory fake and the jsforce adapter on the Salesforce simulator. */
import { DEMO_IDS, demoSalesforceSeed } from '../../src/demo/demo-seed.ts';
import { SalesforceTaskStore } from '../../src/salesforce/task-store.adapter.ts';
import { FakeTaskStore } from '../fakes/fake-task-store.ts';
import { connectedSalesforce } from '../support/salesforce-sim.ts';
import { taskStoreContract } from './task-store.contract.ts';

const KEY_FIELD = 'RingSense_Call_Id__c';

taskStoreContract('FakeTaskStore (in memory)', ({ uniqueKeys }) => {
  const store = new FakeTaskStore({
    uniqueKeys,
    refuse: (d) =>
      d.fields.OwnerId === DEMO_IDS.userFormer ? { kind: 'permanent', code: 'INACTIVE_OWNER_OR_USER', message: 'operation performed with inactive user as owner' } : undefined,
  });
  return Promise.resolve({ store, ownerId: DEMO_IDS.userJohn, refusedOwnerId: DEMO_IDS.userFormer, uniqueKeys });
});

taskStoreContract('SalesforceTaskStore (jsforce, simulator)', async ({ uniqueKeys }) => {
  const { conn } = await connectedSalesforce({ seed: demoSalesforceSeed(), ...(uniqueKeys ? { taskExternalIdField: KEY_FIELD } : {}) });
  const store = new SalesforceTaskStore(conn, uniqueKeys ? { externalIdField: KEY_FIELD } : {});
  return { store, ownerId: DEMO_IDS.userJohn, refusedOwnerId: DEMO_IDS.userFormer, uniqueKeys };
});
