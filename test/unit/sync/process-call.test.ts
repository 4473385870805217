import { beforeEach, describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { parseInsightsNotification, type RecordingInsights } from '../../../src/ringcentral/insights-event.schema.ts';
import { processCall, type ProcessDeps, type ProcessOptions, type ProcessResult } from '../../../src/sync/process-call.ts';
import { FakePeople, FakeTelephony } from '../../fakes/fake-directory.ts';
import { FakeTaskStore } from '../../fakes/fake-task-store.ts';
import { FakeWriteLedger } from '../../fakes/fake-write-ledger.ts';
import { loadEventFixture, asCall } from '../../support/fixtures.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';

const JOHN = '005Dm0000000001IAA';
const SESSION = 's-a0e7b361acc0az191bec7e275z7cae070000';

/** Each write's first request: `true` a lookup by the keys (looked first), `false` a shared create (created straight away). */
const modes = (store: FakeTaskStore): boolean[] => store.ops.flatMap((o) => (o.op === 'find' ? [true] : o.op === 'create' && o.shared ? [false] : []));

const event = (lastModifiedTime?: string): RecordingInsights => {
  const r = parseInsightsNotification(loadEventFixture('documented-example'), ACE_DOMAINS);
  if (!r.ok) throw new Error(r.error.message);
  const call = asCall(r.value.body);
  return lastModifiedTime ? { ...call, lastModifiedTime } : call;
};

let ledger: FakeWriteLedger;
let store: FakeTaskStore;
let people: FakePeople;
let deps: ProcessDeps;

beforeEach(() => {
  ledger = new FakeWriteLedger();
  store = new FakeTaskStore();
  people = new FakePeople();
  people.users = [{ id: JOHN, isActive: true }];
  const telephony = new FakeTelephony();
  telephony.numbers.set(SESSION, '+16505550142');
  const snap = parseMapping(`users:\n  "62288320001": { salesforceUserId: "${JOHN}" }\n`, 'm.yaml');
  deps = { mapping: () => snap, people, telephony, tasks: store, logger: createLogger({ level: 'error', format: 'json' }) };
});

/** processCall as the worker runs it under the call's lock: handed the ledger entry, handing back the finished write. */
async function run(ins: RecordingInsights, opts: Omit<ProcessOptions, 'ledger'> = {}): Promise<ProcessResult> {
  const id = ins.sourceRecordId;
  const r = await processCall(ins, deps, { ...opts, ledger: { entry: await ledger.read(id), retentionMs: ledger.retentionMs, begin: () => ledger.begin(id) } });
  if (r.finished) await ledger.finish(id, r.finished.version, r.finished.callTaskId);
  return r;
}

describe('processCall with the write ledger', () => {
  it('creates a call never seen without looking in Salesforce first, then records it', async () => {
    const ins = event();
    await run(ins);
    expect(modes(store)).toEqual([false]);
    expect(ledger.entries.get(ins.sourceRecordId)).toEqual({ version: ins.lastModifiedTime, callTaskId: store.tasks[0]!.id, unfinished: false });
  });

  it('answers the same version again (and an older one) from the ledger: no lookup, no write', async () => {
    const ins = event();
    await run(ins);
    const lookups = people.calls.length;
    const again = await run(ins);
    const older = await run(event('2020-01-01T00:00:00.000Z'));
    expect([again.report.call, older.report.call]).toEqual(['unchanged', 'unchanged']);
    expect(again.resolution).toBeUndefined();
    expect(modes(store)).toHaveLength(1);
    expect(people.calls.length).toBe(lookups);
  });

  it('looks first for a newer version, for a write that never finished, and when asked to (a retry)', async () => {
    const ins = event();
    await run(ins);
    await run(event('2099-01-01T00:00:00.000Z'));
    expect(modes(store)).toEqual([false, true]);

    ledger.entries.set('other-1', { unfinished: true });
    await run({ ...ins, sourceRecordId: 'other-1' });
    await run({ ...ins, sourceRecordId: 'other-2' }, { attempt: 2 });
    expect(modes(store)).toEqual([false, true, true, true]);

    // A catch-up of a call the ledger shows written: nothing; a replay the admin asked for: Salesforce is asked.
    await run(ins, { attempt: 2 });
    expect(modes(store)).toHaveLength(4);
    await run(ins, { source: 'replay' });
    expect(modes(store)).toEqual([false, true, true, true, true]);
  });

  it('does not record a call whose follow-ups were refused: the retry looks first and adds the missing ones', async () => {
    const ins = event();
    let refusedKey: string | undefined; // Salesforce refuses the first follow-up (a validation rule)
    store.refuse = (d) => {
      if (d.kind !== 'follow_up') return undefined;
      refusedKey ??= d.key;
      return d.key === refusedKey ? { kind: 'permanent', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'no' } : undefined;
    };
    await expect(run(ins)).rejects.toThrow(/refused 1 follow-up/);
    expect(ledger.entries.get(ins.sourceRecordId)).toEqual({ unfinished: true });
    store.refuse = () => undefined;
    await run(ins);
    expect(modes(store)).toEqual([false, true]);
    expect(store.tasks.filter((t) => t.key === refusedKey)).toHaveLength(1); // added by the retry, once
    expect(ledger.entries.get(ins.sourceRecordId)).toMatchObject({ unfinished: false });
  });

  it('orders versions by the instant they name, not by their text', async () => {
    const ins = event('2024-09-04T21:00:00.500Z');
    await run(ins);
    // The same instant written another way: the same version, answered from the ledger.
    await run(event('2024-09-04T23:00:00.5+02:00'));
    expect(modes(store)).toHaveLength(1);
    // Later, though its text sorts first (no milliseconds; an offset): a newer version, looked up and written.
    await run(event('2024-09-04T21:00:01Z'));
    await run(event('2024-09-04T20:30:00-01:00'));
    expect(modes(store)).toEqual([false, true, true]);
  });

  it('looks first for a call older than the ledger remembers, which Salesforce may hold with no entry left', async () => {
    ledger.retentionMs = 14 * 86_400_000;
    const now = Date.now();
    const recent = { ...event(), sourceRecordId: 'recent', recordingStartTime: new Date(now - 3 * 86_400_000).toISOString() };
    const old = { ...event(), sourceRecordId: 'old', recordingStartTime: new Date(now - 13.5 * 86_400_000).toISOString() };
    await run(recent);
    await run(old);
    expect(modes(store)).toEqual([false, true]);
  });

  it('writes nothing, and marks nothing under way, once told to stop (its lock lost to another worker)', async () => {
    const ins = event();
    const stop = new AbortController();
    stop.abort(new Error('lock lost'));
    await expect(run(ins, { signal: stop.signal })).rejects.toThrow('lock lost');
    expect(store.ops).toHaveLength(0);
    expect(ledger.entries.get(ins.sourceRecordId)).toBeUndefined();
  });

  it('without a ledger, always looks first', async () => {
    await processCall(event(), deps);
    await processCall(event(), deps);
    expect(modes(store)).toEqual([true, true]);
  });
});
