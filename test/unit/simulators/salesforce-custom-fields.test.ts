/** Typed custom fields an admin created, declared in the simulator's seed: describe reports them, writes validate them. */
import { beforeEach, describe, expect, it } from 'vitest';
import { describeSObject } from '../../../src/simulators/salesforce/describe.ts';
import { createOrg, type SimOrg } from '../../../src/simulators/salesforce/org.ts';
import type { CustomFieldSpec, ObjectDef } from '../../../src/simulators/salesforce/schema.ts';
import { sfError } from '../../support/sf-error.ts';

const TYPED_FIELDS: CustomFieldSpec[] = [
  { name: 'RingSense_Sentiment__c', label: 'Sentiment', type: 'picklist', picklistValues: ['Positive', 'Negative'], restrictedPicklist: true },
  { name: 'RingSense_Score__c', label: 'Score', type: 'double', precision: 4, scale: 1 },
  { name: 'RingSense_Talk__c', label: 'Talk', type: 'percent', precision: 5, scale: 2 },
  { name: 'RingSense_Link__c', label: 'Link', type: 'url' },
  { name: 'RingSense_Topic__c', label: 'Topic', type: 'string', length: 20 },
  { name: 'RingSense_Flag__c', label: 'Flag', type: 'boolean' },
  { name: 'RingSense_Locked__c', label: 'Locked', type: 'string', createable: false, updateable: false },
];

let org: SimOrg;
let task: ObjectDef;
beforeEach(() => {
  org = createOrg();
  for (const spec of TYPED_FIELDS) org.schema.defineCustomField('Task', spec);
  task = org.dml.objectOrNotFound('Task');
});
const create = (rec: Record<string, unknown>) => org.dml.create(task, { Subject: 'Call', ...rec }, { userId: org.integrationUserId });

describe('typed custom fields', () => {
  it('describe reports each with its type, length, digits, picklist values and field-level security', () => {
    const fields = (describeSObject(task, '62.0').fields as Array<Record<string, unknown>>).filter((f) => String(f.name).startsWith('RingSense_'));
    expect(fields.map((f) => [f.name, f.type, f.custom])).toEqual(TYPED_FIELDS.map((s) => [s.name, s.type, true]));
    const by = (n: string) => fields.find((f) => f.name === n)!;
    expect(by('RingSense_Sentiment__c')).toMatchObject({ restrictedPicklist: true, length: 255, picklistValues: [expect.objectContaining({ value: 'Positive', active: true }), expect.objectContaining({ value: 'Negative' })] });
    expect(by('RingSense_Score__c')).toMatchObject({ precision: 4, scale: 1, soapType: 'xsd:double' });
    expect(by('RingSense_Link__c')).toMatchObject({ length: 255, type: 'url' });
    expect(by('RingSense_Topic__c')).toMatchObject({ length: 20 });
    expect(by('RingSense_Locked__c')).toMatchObject({ createable: false, updateable: false });
  });

  it('stores typed values (a number rounded to its scale)', () => {
    const id = create({ RingSense_Sentiment__c: 'Positive', RingSense_Score__c: 7.46, RingSense_Talk__c: '55.5', RingSense_Link__c: 'https://ringsense.ringcentral.com/calls/1', RingSense_Flag__c: true });
    expect(org.store.get('Task', id)).toMatchObject({ RingSense_Sentiment__c: 'Positive', RingSense_Score__c: 7.5, RingSense_Talk__c: 55.5, RingSense_Link__c: 'https://ringsense.ringcentral.com/calls/1', RingSense_Flag__c: true });
  });

  it.each([
    [{ RingSense_Sentiment__c: 'Neutral' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'Sentiment: bad value for restricted picklist field: Neutral', 'RingSense_Sentiment__c'],
    [{ RingSense_Topic__c: 'x'.repeat(21) }, 'STRING_TOO_LONG', 'Topic: data value too large:', 'RingSense_Topic__c'],
    [{ RingSense_Score__c: 'high' }, 'INVALID_TYPE_ON_FIELD_IN_RECORD', 'Score: value not of required type: high', 'RingSense_Score__c'],
    [{ RingSense_Talk__c: 'half' }, 'INVALID_TYPE_ON_FIELD_IN_RECORD', 'Talk: value not of required type: half', 'RingSense_Talk__c'],
    [{ RingSense_Flag__c: 'yes' }, 'INVALID_TYPE_ON_FIELD_IN_RECORD', 'Flag: value not of required type: yes', 'RingSense_Flag__c'],
    [{ RingSense_Score__c: 12345 }, 'NUMBER_OUTSIDE_VALID_RANGE', 'Score: value outside of valid range on numeric field: 12345', 'RingSense_Score__c'],
    [{ RingSense_Locked__c: 'x' }, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'Unable to create/update fields: RingSense_Locked__c.', 'RingSense_Locked__c'],
  ])('refuses %j with %s, naming the field', (rec, code, message, field) => {
    const err = sfError(() => create(rec));
    expect(err.status).toBe(400);
    expect(err.errorCode).toBe(code);
    expect(err.message).toContain(message);
    expect(err.errors[0]?.fields).toEqual([field]);
    expect(org.store.all('Task')).toHaveLength(0);
  });

  it('a field redefined at run time (an admin adding a picklist value) is validated the new way', () => {
    expect(sfError(() => create({ RingSense_Sentiment__c: 'Neutral' })).errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    org.schema.defineCustomField('Task', { ...TYPED_FIELDS[0]!, picklistValues: ['Positive', 'Neutral', 'Negative'] });
    expect(org.store.get('Task', create({ RingSense_Sentiment__c: 'Neutral' }))?.RingSense_Sentiment__c).toBe('Neutral');
    expect(() => org.schema.defineCustomField('Task', { name: 'NotCustom', type: 'string' })).toThrow(/not a custom field API name/);
  });
});
