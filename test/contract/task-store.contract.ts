/**
 * The TaskStore contract: what the core relies on of Salesforce's Tasks, held against every implementation (the
 * in-memory fake and the jsforce adapter over the Salesforce simulator), so the fake cannot drift from the real one.
 */
import { describe, expect, it } from 'vitest';
import type { TaskDraft } from '../../src/sync/build-drafts.ts';
import type { TaskStore } from '../../src/sync/task-store.port.ts';

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

export function taskStoreContract(name: string, make: (opts: { uniqueKeys: boolean }) => Promise<StoreUnderTest>): void {
  describe(`TaskStore contract: ${name}`, () => {
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
