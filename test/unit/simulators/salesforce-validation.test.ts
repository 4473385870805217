import { beforeEach, describe, expect, it } from 'vitest';
import { sfError } from '../../support/sf-error.ts';
import type { DmlContext } from '../../../src/simulators/salesforce/dml.ts';
import { caseSafeSuffix } from '../../../src/lib/salesforce-id.ts';
import { isWellFormedId } from '../../../src/simulators/salesforce/ids.ts';
import { createOrg, type SimOrg } from '../../../src/simulators/salesforce/org.ts';
import type { ObjectDef } from '../../../src/simulators/salesforce/schema.ts';


let org: SimOrg;
let task: ObjectDef;
let ctx: DmlContext;
let ids: Record<string, string>;

beforeEach(() => {
  org = createOrg({ taskExternalIdField: 'RingSense_Call_Id__c' });
  task = org.dml.objectOrNotFound('Task');
  ctx = { userId: org.integrationUserId };
  const seed = (type: string, rec: Record<string, unknown>) => org.dml.seed(org.dml.objectOrNotFound(type), rec, org.integrationUserId);
  const account = seed('Account', { Name: 'Acme' });
  ids = {
    account,
    contact: seed('Contact', { LastName: 'Lee', AccountId: account }),
    lead: seed('Lead', { LastName: 'Ray', Company: 'Acme' }),
    opp: seed('Opportunity', { Name: 'Deal', StageName: 'Prospecting', CloseDate: '2030-01-01', AccountId: account }),
    inactive: seed('User', { Username: 'gone@acme.com', LastName: 'Gone', Email: 'gone@acme.com', IsActive: false }),
  };
});

const create = (rec: Record<string, unknown>) => org.dml.create(task, rec, ctx);
const stored = (id: string) => org.store.get('Task', id)!;

describe('ids', () => {
  it('generates 18-character ids with a valid case-safe suffix', () => {
    const id = create({ Subject: 'x' });
    expect(id).toMatch(/^00T[a-zA-Z0-9]{15}$/);
    expect(id.slice(15)).toBe(caseSafeSuffix(id.slice(0, 15)));
    expect(isWellFormedId(id)).toBe(true);
    expect(isWellFormedId(id.slice(0, 15))).toBe(true);
    expect(isWellFormedId(id.slice(0, 15) + 'ZZZ')).toBe(id.slice(15).toUpperCase() === 'ZZZ');
    expect(caseSafeSuffix('001000000000000')).toBe('AAA');
    expect(caseSafeSuffix('001D000000IqhSL')).toBe('IAZ'); // REST docs example id 001D000000IqhSLIAZ
  });
});

describe('Task create', () => {
  it('applies defaults and derives IsClosed / AccountId / Name fields', () => {
    const id = create({ Subject: 'Call', TaskSubtype: 'Call', CallType: 'Outbound', WhoId: ids.contact, Status: 'Completed' });
    expect(stored(id)).toMatchObject({ Priority: 'Normal', Status: 'Completed', IsClosed: true, AccountId: ids.account, OwnerId: org.integrationUserId, TaskSubtype: 'Call' });
    const viaOpp = create({ Subject: 'x', WhatId: ids.opp });
    expect(stored(viaOpp)).toMatchObject({ Status: 'Not Started', IsClosed: false, AccountId: ids.account, TaskSubtype: 'Task' });
  });

  it('accepts 15-character reference ids and stores the 18-character form', () => {
    const id = create({ Subject: 'x', WhoId: ids.contact!.slice(0, 15) });
    expect(stored(id).WhoId).toBe(ids.contact);
  });

  it.each([
    [{ Foo: 1 }, 'INVALID_FIELD', "No such column 'Foo' on sObject of type Task"],
    [{ Id: '00T000000000000AAA' }, 'INVALID_FIELD', 'The Id field should not be specified in the sobject data.'],
    [{ AccountId: '001000000000000AAA' }, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'Unable to create/update fields: AccountId.'],
    [{ IsClosed: true }, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'Unable to create/update fields: IsClosed.'],
    [{ Subject: 'x'.repeat(256) }, 'STRING_TOO_LONG', '(max length=255)'],
    [{ Description: 'x'.repeat(32001) }, 'STRING_TOO_LONG', 'Description: data value too large:'],
    [{ CallType: 'Sideways' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'bad value for restricted picklist field: Sideways'],
    [{ TaskSubtype: 'Cadence' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'Cadence'],
    [{ Status: null }, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [Status]'],
    [{ ActivityDate: '2024-13-45' }, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of date from VALUE_STRING value 2024-13-45'],
    [{ CallDurationInSeconds: 'long' }, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of int'],
    [{ WhoId: 'not-an-id' }, 'MALFORMED_ID', 'Name ID: id value of incorrect type: not-an-id'],
  ])('rejects %j with %s', (rec, code, message) => {
    const err = sfError(() => create(rec));
    expect(err.status).toBe(400);
    expect(err.errorCode).toBe(code);
    expect(err.message).toContain(message);
    expect(org.store.all('Task')).toHaveLength(0);
  });

  it('accepts exactly 32,000 characters of Description', () => {
    expect(create({ Description: 'x'.repeat(32000) })).toMatch(/^00T/);
  });

  it('checks reference targets: wrong type, missing record, inactive owner, Lead with WhatId', () => {
    expect(sfError(() => create({ WhoId: ids.account })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(sfError(() => create({ WhatId: ids.contact })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(sfError(() => create({ OwnerId: ids.contact })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    org.dml.remove(org.dml.objectOrNotFound('Contact'), ids.contact!);
    expect(sfError(() => create({ WhoId: ids.contact })).errorCode).toBe('INVALID_CROSS_REFERENCE_KEY');
    expect(sfError(() => create({ OwnerId: ids.inactive })).errorCode).toBe('INACTIVE_OWNER_OR_USER');
    const lead = sfError(() => create({ WhoId: ids.lead, WhatId: ids.account }));
    expect(lead.errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(lead.errors[0]?.fields).toEqual(['WhatId']);
    expect(create({ WhoId: ids.lead })).toMatch(/^00T/);
  });

  it('enforces uniqueness of the external id field (case-insensitive)', () => {
    create({ RingSense_Call_Id__c: 'call-1' });
    expect(sfError(() => create({ RingSense_Call_Id__c: 'CALL-1' })).errorCode).toBe('DUPLICATE_VALUE');
  });
});

describe('Task update and upsert', () => {
  it('rejects TaskSubtype on update (create-only) but allows other fields', () => {
    const id = create({ Subject: 'x', TaskSubtype: 'Call' });
    const err = sfError(() => org.dml.update(task, id, { TaskSubtype: 'Task' }, ctx));
    expect(err.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(err.errors[0]?.fields).toEqual(['TaskSubtype']);
    org.dml.update(task, id, { Status: 'Completed', WhatId: ids.account }, ctx);
    expect(stored(id)).toMatchObject({ IsClosed: true, AccountId: ids.account, TaskSubtype: 'Call' });
  });

  it('rejects setting WhatId while WhoId is a Lead, also across updates', () => {
    const id = create({ WhoId: ids.lead });
    expect(sfError(() => org.dml.update(task, id, { WhatId: ids.opp }, ctx)).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
  });

  it('reports deleted and malformed records', () => {
    const id = create({ Subject: 'x' });
    org.dml.remove(task, id);
    expect(sfError(() => org.dml.update(task, id, { Subject: 'y' }, ctx)).errorCode).toBe('ENTITY_IS_DELETED');
    expect(sfError(() => org.dml.update(task, ids.contact!, { Subject: 'y' }, ctx)).errorCode).toBe('MALFORMED_ID');
  });

  it('upserts by external id: created, then matched', () => {
    const first = org.dml.upsert(task, 'RingSense_Call_Id__c', 'c-9', { Subject: 'one', TaskSubtype: 'Call' }, ctx);
    expect(first.created).toBe(true);
    const second = org.dml.upsert(task, 'ringsense_call_id__c', 'c-9', { Subject: 'two' }, ctx);
    expect(second).toEqual({ id: first.id, created: false });
    expect(stored(first.id)).toMatchObject({ Subject: 'two', TaskSubtype: 'Call', RingSense_Call_Id__c: 'c-9' });
    expect(sfError(() => org.dml.upsert(task, 'Subject', 'x', {}, ctx)).errorCode).toBe('INVALID_FIELD');
    expect(sfError(() => org.dml.upsert(task, 'Nope__c', 'x', {}, ctx)).status).toBe(404);
  });
});

describe('seeding', () => {
  it('fills field defaults as Salesforce does on create (Lead.IsConverted, User.IsActive)', () => {
    const lead = org.dml.seed(org.dml.objectOrNotFound('Lead'), { LastName: 'Hart', Company: 'Fabrikam' }, org.integrationUserId);
    expect(org.store.get('Lead', lead)).toMatchObject({ IsConverted: false, Status: 'Open - Not Contacted' });
    const user = org.dml.seed(org.dml.objectOrNotFound('User'), { LastName: 'New', Username: 'new@example.com', Email: 'new@example.com' }, org.integrationUserId);
    expect(org.store.get('User', user)).toMatchObject({ IsActive: true });
  });
});
