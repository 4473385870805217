/** The TaskStore contract against the in-memory fake and the jsforce adapter on the Salesforce simulator. */
import { DEMO_IDS, demoSalesforceSeed } from '../../src/demo/demo-seed.ts';
import { SalesforceTaskStore } from '../../src/salesforce/task-store.adapter.ts';
import { FakeTaskStore } from '../fakes/fake-task-store.ts';
import { connectedSalesforce } from '../support/salesforce-sim.ts';
import { fieldInfoOf } from '../../src/salesforce/rest.ts';
import { describeSObject } from '../../src/simulators/salesforce/describe.ts';
import { Schema } from '../../src/simulators/salesforce/schema.ts';
import type { FieldCatalog, TaskFieldInfo } from '../../src/sync/task-store.port.ts';
import { CONTRACT_FIELDS, taskStoreContract } from './task-store.contract.ts';

const FIELDS = Object.values(CONTRACT_FIELDS);

/** The fake's Task describe: the simulator's for the same fields, so the two cannot differ. */
function contractCatalog(): FieldCatalog {
  const schema = new Schema();
  for (const f of FIELDS) schema.defineCustomField('Task', f);
  const described = describeSObject(schema.object('Task')!, '62.0').fields as Array<Record<string, unknown>>;
  return new Map(described.map(fieldInfoOf).filter((f): f is TaskFieldInfo => !!f).map((f) => [f.name.toLowerCase(), f]));
}

const KEY_FIELD = 'RingSense_Call_Id__c';

taskStoreContract('FakeTaskStore (in memory)', ({ uniqueKeys }) => {
  const store = new FakeTaskStore({
    uniqueKeys,
    catalog: contractCatalog(),
    refuse: (d) =>
      d.fields.OwnerId === DEMO_IDS.userFormer ? { kind: 'permanent', code: 'INACTIVE_OWNER_OR_USER', message: 'operation performed with inactive user as owner' } : undefined,
  });
  return Promise.resolve({ store, ownerId: DEMO_IDS.userJohn, refusedOwnerId: DEMO_IDS.userFormer, uniqueKeys });
});

taskStoreContract('SalesforceTaskStore (jsforce, simulator)', async ({ uniqueKeys }) => {
  const { conn } = await connectedSalesforce({ seed: { ...demoSalesforceSeed(), fields: { Task: FIELDS } }, ...(uniqueKeys ? { taskExternalIdField: KEY_FIELD } : {}) });
  const store = new SalesforceTaskStore(conn, uniqueKeys ? { externalIdField: KEY_FIELD } : {});
  return { store, ownerId: DEMO_IDS.userJohn, refusedOwnerId: DEMO_IDS.userFormer, uniqueKeys };
});
