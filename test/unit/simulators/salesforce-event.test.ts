/** Event and EventRelation in the simulated org: time fields, Who/What, invitees, Shared Activities, rollback. */
import { beforeEach, describe, expect, it } from 'vitest';
import { DUPLICATE_RELATION, INVITEES_ONLY } from '../../../src/simulators/salesforce/event-rules.ts';
import { EVENT_TOO_LONG } from '../../../src/simulators/salesforce/event-timing.ts';
import { createOrg, disableSharedActivities, type SimOrg } from '../../../src/simulators/salesforce/org.ts';
import { sfError } from '../../support/sf-error.ts';

let org: SimOrg;
let accountId: string;
let contactId: string;
let leadId: string;
const ctx = () => ({ userId: org.integrationUserId });
const obj = (type: string) => org.dml.objectOrInvalidType(type);
const create = (type: string, rec: Record<string, unknown>) => org.dml.create(obj(type), rec, ctx());
const update = (type: string, id: string, rec: Record<string, unknown>) => org.dml.update(obj(type), id, rec, ctx());
const get = (type: string, id: string) => org.store.get(type, id)!;
const live = (type: string) => org.store.all(type);
const START = '2026-03-02T15:00:00.000+0000';
const meeting = (rec: Record<string, unknown> = {}) => create('Event', { Subject: 'Meeting', StartDateTime: START, ...rec });

beforeEach(() => {
  org = createOrg();
  accountId = create('Account', { Name: 'Acme' });
  contactId = create('Contact', { LastName: 'Rivera', AccountId: accountId });
  leadId = create('Lead', { LastName: 'Okafor', Company: 'Okafor Ltd' });
});

describe('Event time fields', () => {
  it('derives EndDateTime from DurationInMinutes, ActivityDateTime/ActivityDate from the start; defaults as Salesforce', () => {
    const id = meeting({ DurationInMinutes: 45, WhoId: contactId });
    expect(get('Event', id)).toMatchObject({
      StartDateTime: START, EndDateTime: '2026-03-02T15:45:00.000+0000', DurationInMinutes: 45,
      ActivityDateTime: START, ActivityDate: '2026-03-02', IsAllDayEvent: false, ShowAs: 'Busy', EventSubtype: 'Event',
      IsChild: false, IsGroupEvent: false, IsPrivate: false, AccountId: accountId, OwnerId: org.integrationUserId,
    });
  });

  it('derives DurationInMinutes from EndDateTime; both may be given when they agree', () => {
    expect(get('Event', meeting({ EndDateTime: '2026-03-02T16:30:00Z' }))).toMatchObject({ DurationInMinutes: 90, EndDateTime: '2026-03-02T16:30:00.000+0000' });
    expect(get('Event', meeting({ EndDateTime: '2026-03-02T16:00:00Z', DurationInMinutes: 60 }))).toMatchObject({ DurationInMinutes: 60 });
  });

  it.each([
    [{ EndDateTime: '2026-03-02T16:00:00Z', DurationInMinutes: 30 }, 'FIELD_INTEGRITY_EXCEPTION', 'DurationInMinutes'],
    [{ EndDateTime: '2026-03-02T14:00:00Z' }, 'FIELD_INTEGRITY_EXCEPTION', 'EndDateTime'],
    [{ DurationInMinutes: -5 }, 'FIELD_INTEGRITY_EXCEPTION', 'DurationInMinutes'],
    [{}, 'REQUIRED_FIELD_MISSING', 'DurationInMinutes'],
    [{ StartDateTime: null, DurationInMinutes: 30 }, 'REQUIRED_FIELD_MISSING', 'StartDateTime'],
    [{ ActivityDateTime: '2026-03-02T16:00:00Z', DurationInMinutes: 30 }, 'FIELD_INTEGRITY_EXCEPTION', 'ActivityDateTime'],
  ])('refuses %j with %s on %s', (rec, code, field) => {
    const err = sfError(() => meeting(rec));
    expect(err.errorCode).toBe(code);
    expect(err.errors[0]?.fields).toEqual([field]);
    expect(live('Event')).toHaveLength(0);
  });

  it('an event longer than 14 days is refused, whether given as a duration or an end; 14 days is allowed', () => {
    expect(sfError(() => meeting({ DurationInMinutes: 14 * 1440 + 1 })).message).toBe(EVENT_TOO_LONG);
    const byEnd = sfError(() => meeting({ EndDateTime: '2026-03-16T15:01:00Z' }));
    expect([byEnd.errorCode, byEnd.message, byEnd.errors[0]?.fields]).toEqual(['FIELD_INTEGRITY_EXCEPTION', EVENT_TOO_LONG, ['EndDateTime']]);
    expect(get('Event', meeting({ EndDateTime: '2026-03-16T15:00:00Z' })).DurationInMinutes).toBe(20160);
  });

  it('ActivityDateTime alone stands for the start', () => {
    const id = create('Event', { Subject: 'x', ActivityDateTime: START, DurationInMinutes: 30 });
    expect(get('Event', id)).toMatchObject({ StartDateTime: START, ActivityDateTime: START });
  });

  it('an all-day event: one day by default, whole days, ActivityDate for its date, no ActivityDateTime', () => {
    const id = create('Event', { Subject: 'Offsite', IsAllDayEvent: true, ActivityDate: '2026-03-05' });
    expect(get('Event', id)).toMatchObject({ StartDateTime: '2026-03-05T00:00:00.000+0000', EndDateTime: '2026-03-05T00:00:00.000+0000', DurationInMinutes: 1440, ActivityDateTime: null, ActivityDate: '2026-03-05' });
    const three = create('Event', { Subject: 'Trip', IsAllDayEvent: true, StartDateTime: '2026-03-05T10:00:00Z', EndDateTime: '2026-03-07T00:00:00Z' });
    expect(get('Event', three)).toMatchObject({ StartDateTime: '2026-03-05T00:00:00.000+0000', DurationInMinutes: 3 * 1440 });
    expect(sfError(() => create('Event', { Subject: 'x', IsAllDayEvent: true })).errorCode).toBe('REQUIRED_FIELD_MISSING');
  });

  it('on update: a new start keeps the duration, a new end changes it, untouched times stay', () => {
    const id = meeting({ DurationInMinutes: 30 });
    update('Event', id, { StartDateTime: '2026-03-02T17:00:00Z' });
    expect(get('Event', id)).toMatchObject({ EndDateTime: '2026-03-02T17:30:00.000+0000', ActivityDateTime: '2026-03-02T17:00:00.000+0000', DurationInMinutes: 30 });
    update('Event', id, { EndDateTime: '2026-03-02T18:00:00Z' });
    expect(get('Event', id).DurationInMinutes).toBe(60);
    update('Event', id, { Subject: 'Renamed' });
    expect(get('Event', id)).toMatchObject({ StartDateTime: '2026-03-02T17:00:00.000+0000', DurationInMinutes: 60 });
    expect(sfError(() => update('Event', id, { DurationInMinutes: 20161 })).message).toBe(EVENT_TOO_LONG);
    expect(sfError(() => update('Event', id, { EndDateTime: '2026-03-01T00:00:00Z' })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
  });
});

describe('Event fields as Task has them', () => {
  it('a Lead WhoId excludes a WhatId, as for Task; a Contact with an Account is fine', () => {
    const err = sfError(() => meeting({ DurationInMinutes: 30, WhoId: leadId, WhatId: accountId }));
    expect([err.errorCode, err.errors[0]?.fields]).toEqual(['FIELD_INTEGRITY_EXCEPTION', ['WhatId']]);
    expect(sfError(() => create('Task', { Subject: 'x', WhoId: leadId, WhatId: accountId })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    const id = meeting({ DurationInMinutes: 30, WhoId: contactId, WhatId: accountId });
    expect(sfError(() => update('Event', id, { WhoId: leadId })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
  });

  it('EventSubtype is create-only; ShowAs is a restricted picklist; IsChild and IsGroupEvent are read-only', () => {
    const id = meeting({ DurationInMinutes: 30, EventSubtype: 'Event', ShowAs: 'Free' });
    expect(sfError(() => update('Event', id, { EventSubtype: 'Event' })).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(sfError(() => meeting({ DurationInMinutes: 30, ShowAs: 'Maybe' })).errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    expect(sfError(() => meeting({ DurationInMinutes: 30, IsGroupEvent: true })).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(sfError(() => meeting({ DurationInMinutes: 30, Subject: 'x'.repeat(256) })).errorCode).toBe('STRING_TOO_LONG');
  });
});

describe('EventRelation (Shared Activities on)', () => {
  it('the WhoId is a parent relation made by the platform; invitees make a group event', () => {
    const eventId = meeting({ DurationInMinutes: 30, WhoId: contactId });
    expect(live('EventRelation')).toMatchObject([{ EventId: eventId, RelationId: contactId, IsParent: true, IsInvitee: false, IsWhat: false }]);
    const rel = create('EventRelation', { EventId: eventId, RelationId: org.integrationUserId });
    expect(get('EventRelation', rel)).toMatchObject({ IsInvitee: true, IsParent: false, Status: 'New' });
    expect(get('Event', eventId).IsGroupEvent).toBe(true);
    update('EventRelation', rel, { Status: 'Accepted', Response: 'See you there' });
    expect(get('EventRelation', rel)).toMatchObject({ Status: 'Accepted' });
  });

  it('refuses a duplicate (the WhoId again, too), a RelationId of another type, and changing EventId or RelationId', () => {
    const eventId = meeting({ DurationInMinutes: 30, WhoId: contactId });
    const dup = sfError(() => create('EventRelation', { EventId: eventId, RelationId: contactId }));
    expect([dup.errorCode, dup.message]).toEqual(['DUPLICATE_VALUE', DUPLICATE_RELATION]);
    expect(sfError(() => create('EventRelation', { EventId: eventId, RelationId: accountId })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(sfError(() => create('EventRelation', { RelationId: leadId })).errorCode).toBe('REQUIRED_FIELD_MISSING');
    const rel = create('EventRelation', { EventId: eventId, RelationId: leadId });
    expect(sfError(() => update('EventRelation', rel, { RelationId: contactId })).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(sfError(() => create('EventRelation', { EventId: eventId, RelationId: org.integrationUserId, IsWhat: true })).errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
  });

  it('a relation is an invitee or a related contact/lead; a user is never a parent; one lead or contacts', () => {
    const eventId = meeting({ DurationInMinutes: 30, WhoId: contactId });
    expect(sfError(() => create('EventRelation', { EventId: eventId, RelationId: leadId, IsInvitee: false })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(sfError(() => create('EventRelation', { EventId: eventId, RelationId: org.integrationUserId, IsParent: true })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(sfError(() => create('EventRelation', { EventId: eventId, RelationId: leadId, IsParent: true })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    const other = create('Contact', { LastName: 'Chen' });
    create('EventRelation', { EventId: eventId, RelationId: other, IsParent: true, IsInvitee: false });
    expect(live('EventRelation').filter((r) => r.IsParent === true)).toHaveLength(2);
  });

  it('the WhoId becomes an invitee by updating its relation (one relation per person, as the Object Reference has it)', () => {
    const eventId = meeting({ DurationInMinutes: 30, WhoId: contactId });
    const [parent] = live('EventRelation');
    update('EventRelation', String(parent?.Id), { IsInvitee: true });
    expect(get('EventRelation', String(parent?.Id))).toMatchObject({ IsParent: true, IsInvitee: true });
    expect(get('Event', eventId).IsGroupEvent).toBe(true);
    expect(sfError(() => update('EventRelation', String(parent?.Id), { IsInvitee: false, IsParent: false })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
  });

  it('a new WhoId moves the parent relation', () => {
    const eventId = meeting({ DurationInMinutes: 30, WhoId: contactId });
    const other = create('Contact', { LastName: 'Chen' });
    update('Event', eventId, { WhoId: other });
    expect(live('EventRelation').map((r) => [r.RelationId, r.IsParent])).toEqual([[other, true]]);
  });

  it('deleting an event deletes its relations; deleting the last invitee ends the group event', () => {
    const eventId = meeting({ DurationInMinutes: 30, WhoId: contactId });
    const rel = create('EventRelation', { EventId: eventId, RelationId: org.integrationUserId });
    org.dml.remove(obj('EventRelation'), rel);
    expect(get('Event', eventId).IsGroupEvent).toBe(false);
    create('EventRelation', { EventId: eventId, RelationId: leadId });
    org.dml.remove(obj('Event'), eventId);
    expect(live('EventRelation')).toHaveLength(0);
    expect(org.queries.run('SELECT Id FROM EventRelation', { includeDeleted: true, batchSize: 2000, version: '62.0' }).records).toHaveLength(3);
  });
});

describe('EventRelation without Shared Activities', () => {
  beforeEach(() => disableSharedActivities(org.schema));

  it('has no IsParent or IsWhat, makes no relation for the WhoId, and takes invitees only', () => {
    expect(org.schema.field('EventRelation', 'IsParent')).toBeUndefined();
    expect(org.schema.field('EventRelation', 'IsWhat')).toBeUndefined();
    const eventId = meeting({ DurationInMinutes: 30, WhoId: contactId });
    expect(live('EventRelation')).toHaveLength(0);
    expect(sfError(() => create('EventRelation', { EventId: eventId, RelationId: contactId, IsParent: true })).errorCode).toBe('INVALID_FIELD');
    const refused = sfError(() => create('EventRelation', { EventId: eventId, RelationId: contactId, IsInvitee: false }));
    expect([refused.errorCode, refused.message]).toEqual(['FIELD_INTEGRITY_EXCEPTION', INVITEES_ONLY]);
    for (const who of [contactId, leadId, org.integrationUserId]) create('EventRelation', { EventId: eventId, RelationId: who });
    const [first] = live('EventRelation');
    expect(sfError(() => update('EventRelation', String(first?.Id), { IsInvitee: false })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(live('EventRelation')).toHaveLength(3);
  });
});

describe('all or none', () => {
  it('a rolled-back transaction leaves no Event, no EventRelation, and an earlier event as it was', () => {
    const before = meeting({ DurationInMinutes: 30 });
    const tx = org.store.begin();
    const eventId = meeting({ DurationInMinutes: 60, WhoId: contactId });
    create('EventRelation', { EventId: eventId, RelationId: org.integrationUserId });
    create('EventRelation', { EventId: before, RelationId: leadId });
    update('Event', before, { StartDateTime: '2026-03-03T09:00:00Z' });
    expect(get('Event', before).IsGroupEvent).toBe(true);
    org.store.rollback(tx);
    expect(live('Event').map((e) => e.Id)).toEqual([before]);
    expect(live('EventRelation')).toHaveLength(0);
    expect(get('Event', before)).toMatchObject({ IsGroupEvent: false, StartDateTime: START, DurationInMinutes: 30 });
  });

  it('a rolled-back delete brings the relations back', () => {
    const eventId = meeting({ DurationInMinutes: 30, WhoId: contactId });
    create('EventRelation', { EventId: eventId, RelationId: leadId });
    const tx = org.store.begin();
    org.dml.remove(obj('Event'), eventId);
    expect(live('EventRelation')).toHaveLength(0);
    org.store.rollback(tx);
    expect(live('EventRelation')).toHaveLength(2);
    expect(get('Event', eventId)).toMatchObject({ IsDeleted: false, IsGroupEvent: true });
  });
});
