/** The in-memory org (schema, records, DML, SOQL) without HTTP: used by the server and by unit tests. */
import { ContentRules } from './content.ts';
import { Dml } from './dml.ts';
import { EventRules } from './event-rules.ts';
import { SHARED_ACTIVITY_FIELDS } from './event-schema.ts';
import { IdGenerator, KEY_PREFIXES } from './ids.ts';
import { QueryService } from './query.ts';
import { RuleChain } from './rule-chain.ts';
import { ORG_TIME_ZONE, Schema } from './schema.ts';
import { SoqlEngine } from './soql-eval.ts';
import { RecordStore } from './store.ts';

export const BUILTIN_USERNAME = 'integration.user@ringsense-sim.invalid';

export interface SimOrg {
  orgId: string;
  /** The built-in integration user ("Run As" user for client_credentials). */
  integrationUserId: string;
  schema: Schema;
  store: RecordStore;
  dml: Dml;
  engine: SoqlEngine;
  queries: QueryService;
}

export function createOrg(opts: { taskExternalIdField?: string } = {}): SimOrg {
  const ids = new IdGenerator();
  const orgId = ids.next(KEY_PREFIXES.Organization ?? '00D');
  const schema = new Schema(opts.taskExternalIdField === undefined ? {} : { taskExternalIdField: opts.taskExternalIdField });
  const store = new RecordStore();
  const dml = new Dml(schema, store, ids);
  dml.rules = new RuleChain([new ContentRules(dml), new EventRules(dml)]);
  const userObj = dml.objectOrNotFound('User');
  const integrationUserId = ids.next(userObj.keyPrefix);
  dml.seed(userObj, {
    Id: integrationUserId, Username: BUILTIN_USERNAME, FirstName: 'Integration', LastName: 'User',
    Alias: 'integ', Email: BUILTIN_USERNAME, IsActive: true,
  }, integrationUserId);
  dml.seed(dml.objectOrNotFound('Organization'), {
    Id: orgId, Name: 'RingSense Simulator', TimeZoneSidKey: ORG_TIME_ZONE, DefaultLocaleSidKey: 'en_US', IsSandbox: false,
  }, integrationUserId);
  const engine = new SoqlEngine(schema, store);
  const queries = new QueryService(engine);
  return { orgId, integrationUserId, schema, store, dml, engine, queries };
}

/**
 * Switches Shared Activities off in the org (a seed's `sharedActivities: false`): EventRelation loses IsParent and
 * IsWhat, so describe shows it and only invitee relations can be made (event-rules.ts).
 */
export function disableSharedActivities(schema: Schema): void {
  for (const field of SHARED_ACTIVITY_FIELDS) schema.removeField('EventRelation', field);
}
