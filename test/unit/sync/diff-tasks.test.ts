import { describe, expect, it } from 'vitest';
import type { CallDrafts, TaskDraft } from '../../../src/sync/build-drafts.ts';
import { diffTasks, refusalOf, UPDATABLE } from '../../../src/sync/diff-tasks.ts';
import type { FoundTask } from '../../../src/sync/task-store.port.ts';

const V = '2024-09-04T21:15:43.591Z';
const description = (version: string) => `Summary (RingSense)\nThe call.\n\nRingSense insights updated ${version}`;
const draft = (key: string, kind: TaskDraft['kind'], extra: Partial<TaskDraft['fields']> = {}): TaskDraft => ({
  key,
  kind,
  fields: { Subject: `S ${key}`, Description: description(V), OwnerId: '005000000000001AAA', ActivityDate: '2024-09-04', Status: kind === 'call' ? 'Completed' : 'Not Started', Priority: 'Normal', TaskSubtype: kind === 'call' ? 'Call' : 'Task', ...extra },
});
const drafts: CallDrafts = {
  sourceRecordId: '1',
  version: V,
  call: draft('ringsense:1', 'call', { CallDurationInSeconds: 126, CallType: 'Outbound', WhoId: '003000000000001AAA' }),
  followUps: [draft('ringsense:1:step:a', 'follow_up'), draft('ringsense:1:step:b', 'follow_up')],
};
const found = (entries: Array<[string, string, string | undefined]>): Map<string, FoundTask> => new Map(entries.map(([key, id, d]) => [key, { id, description: d }]));

describe('diffTasks', () => {
  it('nothing there: creates the call activity and every follow-up', () => {
    expect(diffTasks(drafts, new Map())).toEqual({ kind: 'write', create: [drafts.call, ...drafts.followUps] });
  });

  it('the same version there: creates only the follow-ups missing, updates nothing', () => {
    const existing = found([['ringsense:1', '00T1', description(V)], ['ringsense:1:step:a', '00T2', 'step']]);
    expect(diffTasks(drafts, existing)).toEqual({ kind: 'write', create: [drafts.followUps[1]], callTaskId: '00T1' });
  });

  it('the same instant written another way is the same version', () => {
    const existing = found([['ringsense:1', '00T1', description('2024-09-04T23:15:43.591+02:00')]]);
    expect(diffTasks(drafts, existing)).toMatchObject({ kind: 'write', callTaskId: '00T1' });
    expect(diffTasks(drafts, existing)).not.toHaveProperty('update');
  });

  it('an older version there (or none readable): updates the call activity, never its owner, who or what, and adds new follow-ups', () => {
    for (const d of [description('2024-09-04T20:00:00Z'), 'a Description a rep rewrote', undefined]) {
      const diff = diffTasks(drafts, found([['ringsense:1', '00T1', d], ['ringsense:1:step:a', '00T2', 'step']]));
      expect(diff).toEqual({
        kind: 'write',
        create: [drafts.followUps[1]],
        callTaskId: '00T1',
        update: { id: '00T1', sobject: 'Task', fields: { Subject: 'S ringsense:1', Description: description(V), CallDurationInSeconds: 126, CallType: 'Outbound', ActivityDate: '2024-09-04' } },
      });
    }
    expect(UPDATABLE).not.toContain('OwnerId');
    expect(UPDATABLE).not.toContain('WhoId');
    expect(UPDATABLE).not.toContain('WhatId');
  });

  it('a newer version there: writes nothing, and brings back no follow-up the newer analysis dropped', () => {
    const existing = found([['ringsense:1', '00T1', description('2024-09-05T08:00:00Z')], ['ringsense:1:step:a', '00T2', 'step']]);
    expect(diffTasks(drafts, existing)).toEqual({ kind: 'older', callTaskId: '00T1', followUpsPresent: 1 });
  });

  it('follow-ups there without their call activity (a rep deleted it): creates the call activity, not them again', () => {
    const existing = found([['ringsense:1:step:a', '00T2', 'step'], ['ringsense:1:step:b', '00T3', 'step']]);
    expect(diffTasks(drafts, existing)).toEqual({ kind: 'write', create: [drafts.call] });
  });
});

describe('refusalOf', () => {
  it('a duplicate key means the record is there; a refusal for good; anything else passes', () => {
    expect(refusalOf({ kind: 'permanent', code: 'DUPLICATE_VALUE', message: 'duplicate' })).toBe('exists');
    expect(refusalOf({ kind: 'permanent', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'no' })).toBe('refused');
    expect(refusalOf({ kind: 'stale_reference', code: 'ENTITY_IS_DELETED', message: 'gone' })).toBe('refused');
    expect(refusalOf({ kind: 'transient', code: 'UNABLE_TO_LOCK_ROW', message: 'locked' })).toBe('passing');
    expect(refusalOf({ kind: 'rate_limited', code: 'REQUEST_LIMIT_EXCEEDED', message: 'limit' })).toBe('passing');
    expect(refusalOf({ kind: 'auth', code: 'INVALID_SESSION_ID', message: 'session' })).toBe('passing');
  });
});
