/**
 * The TaskStore contract: what the core relies on of Salesforce's Tasks, held against every implementation (the
 * in-memory fake and the jsforce adapter over the Salesforce simulator), so the fake cannot drift from the real one.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../src/demo/demo-seed.ts';
import type { EventDraft, TaskDraft } from '../../src/sync/build-drafts.ts';
import { meetingMarker } from '../../src/sync/call-key.ts';
import { findTarget, type ActivityWrite, type TaskStore } from '../../src/sync/task-store.port.ts';

/**
 * The mapped fields every store under test has on Task (the simulator's seed declares them; the fake's catalog holds
 * them): a restricted picklist and a number.
 */
export const CONTRACT_FIELDS = {
  sentiment: { name: 'RingSense_Sentiment__c', label: 'Sentiment', type: 'picklist' as const, picklistValues: ['Positive', 'Negative'], restrictedPicklist: true },
  score: { name: 'RingSense_Score__c', label: 'Score', type: 'double' as const, precision: 18, scale: 0 },
};

export interface StoreUnderTest {
  readonly store: TaskStore;
  /** An active owner, and an owner Salesforce refuses Tasks for (deactivated). */
  readonly ownerId: string;
  readonly refusedOwnerId: string;
  /** Whether a second Task with a key is refused (the External ID mode). */
  readonly uniqueKeys: boolean;
}

const draft = (key: string, ownerId: string, kind: TaskDraft['kind'] = 'follow_up', description = `about ${key}`): TaskDraft => ({
  key,
  kind,
  fields: { Subject: `Task ${key}`, Description: description, OwnerId: ownerId, ActivityDate: '2024-09-06', Status: kind === 'call' ? 'Completed' : 'Not Started', Priority: 'Normal', TaskSubtype: kind === 'call' ? 'Call' : 'Task' },
});

/** A meeting's Event draft at `start`, its Description carrying the marker line as buildDrafts writes it. */
const meeting = (id: string, ownerId: string, start: string, version = 'v1'): EventDraft => ({
  key: `ringsense:${id}`,
  kind: 'meeting',
  marker: meetingMarker(id),
  fields: { Subject: `Meeting ${id}`, Description: `Summary\n\n${meetingMarker(id)}\n${version}`, OwnerId: ownerId, StartDateTime: start, DurationInMinutes: 30, EventSubtype: 'Event' },
});

export function taskStoreContract(name: string, make: (opts: { uniqueKeys: boolean }) => Promise<StoreUnderTest>): void {
  describe(`TaskStore contract: ${name}`, () => {
    for (const uniqueKeys of [false, true]) {
      it(`creates a meeting's Event, finds it by its target (not another at the same time), and updates it as an Event (unique keys: ${uniqueKeys})`, async () => {
        const { store, ownerId } = await make({ uniqueKeys });
        const start = '2024-09-17T15:00:00.000Z';
        const [a, b] = await store.create([meeting('m-1', ownerId, start), meeting('m-2', ownerId, start)], { shared: true });
        if (!a?.ok || !b?.ok) throw new Error('not created');
        expect(a.id).not.toBe(b.id);
        const found = await store.find([findTarget(meeting('m-1', ownerId, start)), findTarget(meeting('m-3', ownerId, start)), 'ringsense:m-1']);
        expect([...found.keys()]).toEqual(['ringsense:m-1']);
        expect(found.get('ringsense:m-1')).toEqual({ id: a.id, description: meeting('m-1', ownerId, start).fields.Description });
        await store.update(a.id, { Description: meeting('m-1', ownerId, start, 'v2').fields.Description }, undefined, 'Event');
        expect((await store.find([findTarget(meeting('m-1', ownerId, start))])).get('ringsense:m-1')?.description).toContain('v2');
      });
    }

    it("relates contacts to an Event once: again, they are counted as there, not added", async () => {
      const { store, ownerId } = await make({ uniqueKeys: false });
      const [e] = await store.create([meeting('m-r', ownerId, '2024-09-17T16:00:00.000Z')], { shared: false });
      if (!e?.ok) throw new Error('not created');
      expect(await store.relateToEvent(e.id, [DEMO_IDS.contactTracy, DEMO_IDS.contactSean])).toEqual({ kind: 'related', added: 2, present: 0, refused: [] });
      expect(await store.relateToEvent(e.id, [DEMO_IDS.contactTracy])).toEqual({ kind: 'related', added: 0, present: 1, refused: [] });
      expect(await store.relateToEvent(e.id, [])).toEqual({ kind: 'related', added: 0, present: 0, refused: [] });
    });

    it('finds nothing for keys never written', async () => {
      const { store } = await make({ uniqueKeys: false });
      expect((await store.find(['ringsense:none', 'ringsense:none:step:1'])).size).toBe(0);
    });

    it('creates drafts with their keys, one outcome each in order, and finds them by key with their description', async () => {
      const { store, ownerId } = await make({ uniqueKeys: false });
      const drafts = [draft('ringsense:1', ownerId, 'call', 'Summary\nRingSense insights updated 2024-09-04T21:15:43.591Z'), draft('ringsense:1:step:a', ownerId)];
      const outcomes = await store.create(drafts, { shared: false });
      expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
      const found = await store.find(['ringsense:1', 'ringsense:1:step:a', 'ringsense:2']);
      expect([...found.keys()].sort()).toEqual(['ringsense:1', 'ringsense:1:step:a']);
      expect(found.get('ringsense:1')).toEqual({ id: outcomes[0]!.ok ? outcomes[0]!.id : '', description: 'Summary\nRingSense insights updated 2024-09-04T21:15:43.591Z' });
    });

    it('shared creates of several calls answer each call for its own records; a refused record touches no other', async () => {
      const { store, ownerId, refusedOwnerId } = await make({ uniqueKeys: false });
      const calls = [0, 1, 2].map((n) => [draft(`ringsense:s${n}`, n === 1 ? refusedOwnerId : ownerId, 'call'), draft(`ringsense:s${n}:step:a`, ownerId)]);
      const outcomes = await Promise.all(calls.map((c) => store.create(c, { shared: true })));
      expect(outcomes.map((o) => o.map((r) => r.ok))).toEqual([[true, true], [false, true], [true, true]]);
      const refused = outcomes[1]![0]!;
      expect(refused.ok ? undefined : refused.failure).toMatchObject({ kind: 'permanent', code: 'INACTIVE_OWNER_OR_USER' });
      expect((await store.find(calls.flat().map((d) => d.key))).size).toBe(5);
    });

    it('updates a Task by id', async () => {
      const { store, ownerId } = await make({ uniqueKeys: false });
      const [created] = await store.create([draft('ringsense:u', ownerId, 'call', 'v1')], { shared: false });
      if (!created?.ok) throw new Error('not created');
      await store.update(created.id, { Description: 'v2', Subject: 'Task ringsense:u (updated)' });
      expect((await store.find(['ringsense:u'])).get('ringsense:u')).toEqual({ id: created.id, description: 'v2' });
    });

    it('finds more keys than one query holds', async () => {
      const { store, ownerId } = await make({ uniqueKeys: false });
      const drafts = Array.from({ length: 130 }, (_, i) => draft(`ringsense:many:step:${i}`, ownerId));
      expect((await store.create(drafts, { shared: false })).every((o) => o.ok)).toBe(true);
      expect((await store.find(drafts.map((d) => d.key))).size).toBe(130);
    });

    it('describes Task: the mapped fields with their type, field-level security and picklist values', async () => {
      const { store } = await make({ uniqueKeys: false });
      const catalog = await store.describeFields();
      expect(catalog.get('ringsense_sentiment__c')).toMatchObject({ name: 'RingSense_Sentiment__c', type: 'picklist', restrictedPicklist: true, picklistValues: ['Positive', 'Negative'], createable: true, updateable: true });
      expect(catalog.get('ringsense_score__c')).toMatchObject({ name: 'RingSense_Score__c', type: 'double' });
    });

    it('writes mapped fields with a Task; a value Salesforce refuses fails that record only, naming the field', async () => {
      const { store, ownerId } = await make({ uniqueKeys: false });
      const withMapped = (key: string, mapped: ActivityWrite['mapped']): ActivityWrite => ({ ...draft(key, ownerId, 'call'), mapped });
      const outcomes = await store.create([withMapped('ringsense:m1', { RingSense_Sentiment__c: 'Positive', RingSense_Score__c: 7 }), withMapped('ringsense:m2', { RingSense_Sentiment__c: 'Neutral' })], { shared: true });
      expect(outcomes[0]?.ok).toBe(true);
      expect(outcomes[1]?.ok ? undefined : outcomes[1]?.failure).toMatchObject({ kind: 'permanent', code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['RingSense_Sentiment__c'] });
      // The refusal quotes no value (it may be call content).
      expect(outcomes[1]?.ok ? '' : outcomes[1]?.failure.message).not.toContain('Neutral');
      expect([...(await store.find(['ringsense:m1', 'ringsense:m2'])).keys()]).toEqual(['ringsense:m1']);
      const id = outcomes[0]?.ok ? outcomes[0].id : '';
      await store.update(id, { Description: 'v2' }, { RingSense_Score__c: 8 });
      await expect(store.update(id, { Description: 'v3' }, { RingSense_Sentiment__c: 'Neutral' })).rejects.toMatchObject({ failure: { code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['RingSense_Sentiment__c'] } });
      expect((await store.find(['ringsense:m1'])).get('ringsense:m1')?.description).toBe('v2');
    });

    it('with unique keys, refuses a second Task with a key as DUPLICATE_VALUE', async () => {
      const { store, ownerId, uniqueKeys } = await make({ uniqueKeys: true });
      expect(uniqueKeys).toBe(true);
      await store.create([draft('ringsense:d', ownerId, 'call')], { shared: false });
      const [again] = await store.create([draft('ringsense:d', ownerId, 'call')], { shared: true });
      expect(again?.ok ? undefined : again?.failure.code).toBe('DUPLICATE_VALUE');
      expect((await store.find(['ringsense:d'])).size).toBe(1);
    });
  });
}
