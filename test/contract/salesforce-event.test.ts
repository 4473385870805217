/** Event and EventRelation over jsforce against the Salesforce simulator: REST, collections, composite, graph, describe. */
import { describe, expect, it } from 'vitest';
import type { Connection } from 'jsforce';
import { connectedSalesforce } from '../support/salesforce-sim.ts';

const V = '/services/data/v62.0';
const START = '2026-03-02T15:00:00.000+0000';

async function world(sharedActivities?: boolean) {
  const { sim, conn } = await connectedSalesforce({
    seed: { ...(sharedActivities === undefined ? {} : { sharedActivities }), records: {
      Account: [{ Id: '001Dm0000000009', Name: 'Acme' }],
      Contact: [{ Id: '003Dm0000000009', LastName: 'Rivera', AccountId: '001Dm0000000009' }],
      Lead: [{ Id: '00QDm0000000009', LastName: 'Okafor', Company: 'Okafor Ltd' }],
    } },
  });
  const id = (type: string) => String(sim.records(type)[0]!.Id);
  return { sim, conn, account: id('Account'), contact: id('Contact'), lead: id('Lead'), user: sim.integrationUserId };
}

/** The errorCode jsforce reports for a refused call. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return String((err as { errorCode?: string }).errorCode);
  }
  throw new Error('expected a refusal');
}

/** 'ok', or the statusCode of a collection result's first error (jsforce types errors loosely). */
const outcome = (r: unknown): string => {
  const res = r as { success: boolean; errors: Array<{ statusCode: string }> };
  return res.success ? 'ok' : String(res.errors[0]?.statusCode);
};

type Composite = { compositeResponse: Array<{ httpStatusCode: number; referenceId: string; body: unknown }> };
const composite = (conn: Connection, body: object) => conn.requestPost<Composite>(`${V}/composite`, body);

describe('Event over REST', () => {
  it('creates a completed meeting with its derived times, and refuses what Salesforce refuses', async () => {
    const { sim, conn, contact, account, lead } = await world();
    const r = await conn.sobject('Event').create({ Subject: 'Meeting', StartDateTime: START, DurationInMinutes: 30, WhoId: contact, Description: 'Summary' });
    expect(r).toMatchObject({ success: true });
    const ev = await conn.sobject('Event').retrieve((r as { id: string }).id);
    expect(ev).toMatchObject({ EndDateTime: '2026-03-02T15:30:00.000+0000', ActivityDateTime: START, ActivityDate: '2026-03-02', AccountId: account, EventSubtype: 'Event', ShowAs: 'Busy' });
    expect(await refusal(conn.sobject('Event').create({ Subject: 'x', StartDateTime: START, DurationInMinutes: 30, EndDateTime: '2026-03-02T17:00:00Z' }))).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(await refusal(conn.sobject('Event').create({ Subject: 'x', StartDateTime: START, DurationInMinutes: 20161 }))).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(await refusal(conn.sobject('Event').create({ Subject: 'x', DurationInMinutes: 30 }))).toBe('REQUIRED_FIELD_MISSING');
    expect(await refusal(conn.sobject('Event').create({ Subject: 'x', StartDateTime: START, DurationInMinutes: 30, WhoId: lead, WhatId: account }))).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(await refusal(conn.sobject('Event').update({ Id: (r as { id: string }).id, EventSubtype: 'Event' }))).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(sim.records('Event')).toHaveLength(1);
  });

  it('attendees as EventRelations: the WhoId is already one, a duplicate is refused, delete takes them along', async () => {
    const { sim, conn, contact, lead, user, account } = await world();
    const ev = await conn.sobject('Event').create({ Subject: 'Meeting', StartDateTime: START, EndDateTime: '2026-03-02T16:00:00Z', WhoId: contact }) as { id: string };
    const rels = await conn.sobject('EventRelation').create([
      { EventId: ev.id, RelationId: user },
      { EventId: ev.id, RelationId: lead },
      { EventId: ev.id, RelationId: contact },
      { EventId: ev.id, RelationId: account },
    ]);
    expect(rels.map(outcome)).toEqual(['ok', 'ok', 'DUPLICATE_VALUE', 'FIELD_INTEGRITY_EXCEPTION']);
    const q = await conn.query<{ RelationId: string; IsInvitee: boolean; IsParent: boolean }>(`SELECT RelationId, IsInvitee, IsParent FROM EventRelation WHERE EventId = '${ev.id}'`);
    expect(q.records.map((x) => [x.RelationId, x.IsInvitee, x.IsParent])).toEqual([[contact, false, true], [user, true, false], [lead, true, false]]);
    expect((await conn.sobject('Event').retrieve(ev.id)).IsGroupEvent).toBe(true);
    await conn.sobject('Event').destroy(ev.id);
    expect(sim.records('EventRelation')).toHaveLength(0);
  });
});

describe('Event in all-or-none requests', () => {
  it('a composite that fails after creating an Event and an EventRelation leaves nothing behind', async () => {
    const { sim, conn, contact, user } = await world();
    const res = await composite(conn, { allOrNone: true, compositeRequest: [
      { method: 'POST', url: `${V}/sobjects/Event`, referenceId: 'ev', body: { Subject: 'Meeting', StartDateTime: START, DurationInMinutes: 30, WhoId: contact } },
      { method: 'POST', url: `${V}/sobjects/EventRelation`, referenceId: 'rel', body: { EventId: '@{ev.id}', RelationId: user } },
      { method: 'PATCH', url: `${V}/sobjects/Event/@{ev.id}`, referenceId: 'later', body: { Location: 'Room 1' } },
      { method: 'POST', url: `${V}/sobjects/EventRelation`, referenceId: 'dup', body: { EventId: '@{ev.id}', RelationId: user } },
    ] });
    expect(res.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode, (r.body as Array<{ errorCode: string }>)[0]?.errorCode]))
      .toEqual([['ev', 400, 'PROCESSING_HALTED'], ['rel', 400, 'PROCESSING_HALTED'], ['later', 400, 'PROCESSING_HALTED'], ['dup', 400, 'DUPLICATE_VALUE']]);
    expect(sim.records('Event')).toHaveLength(0);
    expect(sim.records('EventRelation')).toHaveLength(0);
  });

  it('an all-or-none collection and a graph roll back an Event with its relations; a good graph keeps them', async () => {
    const { sim, conn, contact, user } = await world();
    const bad = await conn.sobject('Event').create([
      { Subject: 'ok', StartDateTime: START, DurationInMinutes: 30, WhoId: contact },
      { Subject: 'too long', StartDateTime: START, EndDateTime: '2026-04-01T00:00:00Z' },
    ], { allOrNone: true });
    expect(bad.map((r) => r.success)).toEqual([false, false]);
    const graph = (id: string, relationId: string) => ({ graphId: id, compositeRequest: [
      { method: 'POST', url: `${V}/sobjects/Event`, referenceId: 'ev', body: { Subject: id, StartDateTime: START, DurationInMinutes: 60, WhoId: contact } },
      { method: 'POST', url: `${V}/sobjects/EventRelation`, referenceId: 'rel', body: { EventId: '@{ev.id}', RelationId: relationId } },
    ] });
    const res = await conn.requestPost<{ graphs: Array<{ graphId: string; isSuccessful: boolean }> }>(`${V}/composite/graph`, { graphs: [graph('good', user), graph('bad', contact)] });
    expect(res.graphs.map((g) => [g.graphId, g.isSuccessful])).toEqual([['good', true], ['bad', false]]);
    expect(sim.records('Event').map((e) => [e.Subject, e.IsGroupEvent])).toEqual([['good', true]]);
    expect(sim.records('EventRelation')).toHaveLength(2);
  });
});

describe('Shared Activities off', () => {
  it('EventRelation describe lacks IsParent and IsWhat, and only invitees can be created', async () => {
    const { conn, contact, user, lead } = await world(false);
    const fields = (await conn.sobject('EventRelation').describe()).fields.map((f) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['EventId', 'RelationId', 'IsInvitee', 'Status']));
    expect(fields).not.toContain('IsParent');
    expect(fields).not.toContain('IsWhat');
    const ev = await conn.sobject('Event').create({ Subject: 'Meeting', StartDateTime: START, DurationInMinutes: 30, WhoId: contact }) as { id: string };
    const rels = await conn.sobject('EventRelation').create([
      { EventId: ev.id, RelationId: contact, IsInvitee: true },
      { EventId: ev.id, RelationId: user },
      { EventId: ev.id, RelationId: lead, IsInvitee: false },
    ]);
    expect(rels.map(outcome)).toEqual(['ok', 'ok', 'FIELD_INTEGRITY_EXCEPTION']);
    expect(await refusal(conn.sobject('EventRelation').create({ EventId: ev.id, RelationId: lead, IsParent: true }))).toBe('INVALID_FIELD');
  });

  it('with Shared Activities (the default) describe has IsParent and IsWhat', async () => {
    const { conn } = await world();
    const fields = (await conn.sobject('EventRelation').describe()).fields.map((f) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['IsParent', 'IsWhat']));
  });
});
