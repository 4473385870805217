import { describe, expect, it } from 'vitest';
import { ServiceError, type Failure } from '../../../src/lib/service-error.ts';
import type { CallDrafts, TaskDraft } from '../../../src/sync/build-drafts.ts';
import { writeCall } from '../../../src/sync/write-call.ts';
import { FakeTaskStore } from '../../fakes/fake-task-store.ts';

const V1 = '2024-09-04T21:15:43.591Z';
const draft = (key: string, kind: TaskDraft['kind'], version = V1): TaskDraft => ({
  key,
  kind,
  fields: { Subject: `S ${key}`, Description: `D\nRingSense insights updated ${version}`, OwnerId: '005000000000001AAA', ActivityDate: '2024-09-04', Status: kind === 'call' ? 'Completed' : 'Not Started', Priority: 'Normal', TaskSubtype: kind === 'call' ? 'Call' : 'Task' },
});
const call = (version = V1, steps = ['a', 'b']): CallDrafts => ({
  sourceRecordId: '1',
  version,
  call: draft('ringsense:1', 'call', version),
  followUps: steps.map((s) => draft(`ringsense:1:step:${s}`, 'follow_up', version)),
});
const rule: Failure = { kind: 'permanent', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'no' };
const ops = (s: FakeTaskStore) => s.ops.map((o) => (o.op === 'create' ? `create${o.shared ? ' shared' : ''} ${o.records}` : o.op));

describe('writeCall', () => {
  it('creates a new call in one shared create, without looking', async () => {
    const store = new FakeTaskStore();
    expect(await writeCall(store, call(), 'create')).toMatchObject({ call: 'created', followUpsCreated: 2, followUpsExisting: 0, followUpFailures: [] });
    expect(ops(store)).toEqual(['create shared 3']);
  });

  it('writing the same drafts again, looking first, creates nothing', async () => {
    const store = new FakeTaskStore();
    const first = await writeCall(store, call(), 'create');
    expect(await writeCall(store, call(), 'look_first')).toEqual({ callTaskId: first.callTaskId, call: 'unchanged', followUpsCreated: 0, followUpsExisting: 2, followUpFailures: [] });
    expect(store.tasks).toHaveLength(3);
  });

  it('a newer version updates the call activity and adds only the new follow-up; an older one changes nothing', async () => {
    const store = new FakeTaskStore();
    await writeCall(store, call(), 'create');
    const newer = '2024-09-05T08:00:00.000Z';
    expect(await writeCall(store, call(newer, ['a', 'c']), 'look_first')).toMatchObject({ call: 'updated', followUpsCreated: 1, followUpsExisting: 1 });
    expect(store.tasks.find((t) => t.key === 'ringsense:1')?.fields.Description).toContain(newer);
    expect(await writeCall(store, call(V1, ['a', 'b', 'd']), 'look_first')).toMatchObject({ call: 'unchanged', followUpsCreated: 0 });
    expect(store.tasks.map((t) => t.key).sort()).toEqual(['ringsense:1', 'ringsense:1:step:a', 'ringsense:1:step:b', 'ringsense:1:step:c']);
  });

  it('a refused call activity fails the write; a refused follow-up is reported, the rest written', async () => {
    const refuseCall = new FakeTaskStore({ refuse: (d) => (d.kind === 'call' ? rule : undefined) });
    await expect(writeCall(refuseCall, call(), 'create')).rejects.toMatchObject({ name: 'ServiceError', failure: { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' } });
    const refuseStep = new FakeTaskStore({ refuse: (d) => (d.key.endsWith(':a') ? rule : undefined) });
    const r = await writeCall(refuseStep, call(), 'create');
    expect(r).toMatchObject({ call: 'created', followUpsCreated: 1, followUpFailures: [{ key: 'ringsense:1:step:a', failure: rule }] });
  });

  it('a call Salesforce holds though the ledger forgot it (a duplicate key) is looked up, not failed or doubled', async () => {
    const store = new FakeTaskStore({ uniqueKeys: true });
    await writeCall(store, call(), 'create');
    expect(await writeCall(store, call(), 'create')).toMatchObject({ call: 'unchanged', followUpsCreated: 0, followUpsExisting: 2 });
    expect(ops(store)).toEqual(['create shared 3', 'create shared 3', 'find']);
    expect(store.tasks).toHaveLength(3);
  });

  it('a shared create failing as a whole is written alone, looking first; a limit or a refused session is thrown', async () => {
    const store = new FakeTaskStore();
    let fail: Failure | undefined = { kind: 'permanent', code: 'JSON_PARSER_ERROR', message: 'a neighbour broke the request' };
    const create = store.create.bind(store);
    store.create = (d, o) => (o.shared && fail ? Promise.reject(new ServiceError('salesforce', fail)) : create(d, o));
    expect(await writeCall(store, call(), 'create')).toMatchObject({ call: 'created', followUpsCreated: 2 });
    expect(ops(store)).toEqual(['find', 'create 3']);
    fail = { kind: 'rate_limited', code: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' };
    const second: CallDrafts = { ...call(), sourceRecordId: '2', call: draft('ringsense:2', 'call'), followUps: [] };
    await expect(writeCall(store, second, 'create')).rejects.toMatchObject({ failure: { kind: 'rate_limited' } });
    fail = { kind: 'auth', code: 'INVALID_SESSION_ID', message: 'Session expired or invalid' };
    await expect(writeCall(store, second, 'create')).rejects.toMatchObject({ failure: { kind: 'auth' } });
    expect(store.tasks.some((t) => t.key === 'ringsense:2')).toBe(false);
  });

  it('a follow-up refused for a passing reason runs the whole write again, which then completes it', async () => {
    let locked = 1;
    const store = new FakeTaskStore({ refuse: (d) => (d.key.endsWith(':b') && locked-- > 0 ? { kind: 'transient', code: 'UNABLE_TO_LOCK_ROW', message: 'locked' } : undefined) });
    expect(await writeCall(store, call(), 'create')).toMatchObject({ call: 'unchanged', followUpsCreated: 1, followUpsExisting: 1 });
    expect(store.tasks).toHaveLength(3);
    expect(ops(store)).toEqual(['create shared 3', 'find', 'create 1']);
  });
});
