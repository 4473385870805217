/**
 * Typed custom fields through unmodified jsforce against the Salesforce simulator: describe as Salesforce reports
 * them, and writes refused as Salesforce refuses them (a single create throws `[{message, errorCode, fields}]`;
 * sObject Collections answer `{success: false, errors: [{statusCode, message, fields}]}` per record).
 */
import { describe, expect, it } from 'vitest';
import { DEMO_IDS, demoSalesforceSeed } from '../../src/demo/demo-seed.ts';
import { describeFields } from '../../src/salesforce/rest.ts';
import type { CustomFieldSpec } from '../../src/simulators/salesforce/schema.ts';
import { connectedSalesforce } from '../support/salesforce-sim.ts';

const FIELDS: CustomFieldSpec[] = [
  { name: 'RingSense_Sentiment__c', label: 'Sentiment', type: 'picklist', picklistValues: ['Positive', 'Neutral', 'Negative'], restrictedPicklist: true },
  { name: 'RingSense_Score__c', label: 'Score', type: 'double', precision: 3, scale: 0 },
  { name: 'RingSense_Link__c', label: 'Link', type: 'url' },
  { name: 'RingSense_Topic__c', label: 'Topic', type: 'string', length: 10 },
];
const task = (extra: Record<string, unknown>) => ({ Subject: 'Call', OwnerId: DEMO_IDS.userJohn, Status: 'Completed', TaskSubtype: 'Call', ...extra });

describe('Salesforce simulator: typed custom fields with jsforce', () => {
  it('describe reports the seeded fields; the one describe reader reads them', async () => {
    const { conn } = await connectedSalesforce({ seed: { ...demoSalesforceSeed(), fields: { Task: FIELDS } } });
    const d = await conn.sobject('Task').describe();
    const sentiment = d.fields.find((f) => f.name === 'RingSense_Sentiment__c');
    expect(sentiment).toMatchObject({ type: 'picklist', restrictedPicklist: true, custom: true, createable: true, updateable: true });
    expect((sentiment?.picklistValues ?? []).map((p: { value: string }) => p.value)).toEqual(['Positive', 'Neutral', 'Negative']);
    const catalog = await describeFields(conn, 'Task');
    expect(catalog.get('ringsense_score__c')).toMatchObject({ type: 'double', precision: 3, scale: 0 });
    expect(catalog.get('ringsense_link__c')).toMatchObject({ type: 'url', length: 255 });
    expect(catalog.get('ringsense_topic__c')).toMatchObject({ type: 'string', length: 10 });
    expect(catalog.get('subject')).toMatchObject({ type: 'combobox', length: 255 });
  });

  it('writes typed values and refuses bad ones per record in a collection, naming the field', async () => {
    const { sim, conn } = await connectedSalesforce({ seed: { ...demoSalesforceSeed(), fields: { Task: FIELDS } } });
    const results = await conn.sobject('Task').create([
      task({ RingSense_Sentiment__c: 'Positive', RingSense_Score__c: 7, RingSense_Link__c: 'https://ringsense.ringcentral.com/calls/1' }),
      task({ RingSense_Sentiment__c: 'Meh' }),
      task({ RingSense_Topic__c: 'far too long a topic' }),
      task({ RingSense_Score__c: 'seven' }),
      task({ RingSense_Score__c: 1234 }),
    ], { allOrNone: false });
    const errors = results.map((r) => (r.success ? 'ok' : (r as unknown as { errors: Array<{ statusCode: string; fields: string[]; message: string }> }).errors[0]));
    expect(errors).toEqual([
      'ok',
      { statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: 'Sentiment: bad value for restricted picklist field: Meh', fields: ['RingSense_Sentiment__c'] },
      { statusCode: 'STRING_TOO_LONG', message: 'Topic: data value too large: far too long a topic (max length=10)', fields: ['RingSense_Topic__c'] },
      { statusCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', message: 'Score: value not of required type: seven', fields: ['RingSense_Score__c'] },
      { statusCode: 'NUMBER_OUTSIDE_VALID_RANGE', message: 'Score: value outside of valid range on numeric field: 1234', fields: ['RingSense_Score__c'] },
    ]);
    const stored = sim.records('Task').find((t) => t.RingSense_Sentiment__c === 'Positive');
    expect(stored).toMatchObject({ RingSense_Score__c: 7, RingSense_Link__c: 'https://ringsense.ringcentral.com/calls/1' });
    expect(sim.records('Task')).toHaveLength(1);
  });

  it('a single create throws the error body as Salesforce sends it: [{message, errorCode, fields}]', async () => {
    const { conn } = await connectedSalesforce({ seed: { ...demoSalesforceSeed(), fields: { Task: FIELDS } } });
    const err = (await conn.sobject('Task').create(task({ RingSense_Score__c: 'seven' })).catch((e: unknown) => e)) as { errorCode?: string; data?: unknown };
    expect(err.errorCode).toBe('INVALID_TYPE_ON_FIELD_IN_RECORD');
    expect(err.data).toEqual({ message: 'Score: value not of required type: seven', errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD', fields: ['RingSense_Score__c'] });
  });

  it('fields can be declared over the control API, and redefined while a client runs (describe shows the change)', async () => {
    const { sim, conn } = await connectedSalesforce({ seed: demoSalesforceSeed() });
    const res = await fetch(`${sim.url}/_sim/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fields: { Task: [FIELDS[0]] } }) });
    expect(res.status).toBe(200);
    expect((await describeFields(conn, 'Task')).get('ringsense_sentiment__c')?.picklistValues).toEqual(['Positive', 'Neutral', 'Negative']);
    sim.defineFields('Task', [{ ...FIELDS[0]!, picklistValues: ['Positive'] }]);
    expect((await describeFields(conn, 'Task')).get('ringsense_sentiment__c')?.picklistValues).toEqual(['Positive']);
  });
});
