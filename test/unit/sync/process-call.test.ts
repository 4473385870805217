import { beforeEach, describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { parseInsightsNotification, type RecordingInsights } from '../../../src/ringcentral/insights-event.schema.ts';
import type { CallDrafts } from '../../../src/sync/build-drafts.ts';
import { processCall, type ProcessDeps } from '../../../src/sync/process-call.ts';
import type { TaskWriter, WriteOptions, WriteReport } from '../../../src/sync/task-writer.port.ts';
import { FakePeople, FakeTelephony } from '../../fakes/fake-directory.ts';
import { FakeWriteLedger } from '../../fakes/fake-write-ledger.ts';
import { loadEventFixture } from '../../support/fixtures.ts';

const JOHN = '005Dm0000000001IAA';
const SESSION = 's-a0e7b361acc0az191bec7e275z7cae070000';

class RecordingWriter implements TaskWriter {
  writes: Array<{ drafts: CallDrafts; opts: WriteOptions }> = [];
  refuseFollowUps = false;
  writeCall(drafts: CallDrafts, opts: WriteOptions): Promise<WriteReport> {
    this.writes.push({ drafts, opts });
    const failures = this.refuseFollowUps ? [{ key: drafts.followUps[0]!.key, failure: { kind: 'permanent' as const, code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'no' } }] : [];
    return Promise.resolve({ callTaskId: '00TDm0000000001IAA', call: 'created', followUpsCreated: drafts.followUps.length - failures.length, followUpsExisting: 0, followUpFailures: failures });
  }
}

const event = (lastModifiedTime?: string): RecordingInsights => {
  const r = parseInsightsNotification(loadEventFixture('documented-example'));
  if (!r.ok) throw new Error(r.error.message);
  return lastModifiedTime ? { ...r.value.body, lastModifiedTime } : r.value.body;
};

let ledger: FakeWriteLedger;
let writer: RecordingWriter;
let people: FakePeople;
let deps: ProcessDeps;

beforeEach(() => {
  ledger = new FakeWriteLedger();
  writer = new RecordingWriter();
  people = new FakePeople();
  people.users = [{ id: JOHN, isActive: true }];
  const telephony = new FakeTelephony();
  telephony.numbers.set(SESSION, '+16505550142');
  const snap = parseMapping(`users:\n  "62288320001": { salesforceUserId: "${JOHN}" }\n`, 'm.yaml');
  deps = { mapping: () => snap, people, telephony, writer, ledger, logger: createLogger({ level: 'error', format: 'json' }) };
});

describe('processCall with the write ledger', () => {
  it('creates a call never seen without looking in Salesforce first, then records it', async () => {
    const ins = event();
    await processCall(ins, deps);
    expect(writer.writes.map((w) => w.opts.verify)).toEqual([false]);
    expect(ledger.entries.get(ins.sourceRecordId)).toEqual({ version: ins.lastModifiedTime, callTaskId: '00TDm0000000001IAA', unfinished: false });
  });

  it('answers the same version again (and an older one) from the ledger: no lookup, no write', async () => {
    const ins = event();
    await processCall(ins, deps);
    const lookups = people.calls.length;
    const again = await processCall(ins, deps);
    const older = await processCall(event('2020-01-01T00:00:00.000Z'), deps);
    expect([again.report.call, older.report.call]).toEqual(['unchanged', 'unchanged']);
    expect(again.resolution).toBeUndefined();
    expect(writer.writes).toHaveLength(1);
    expect(people.calls.length).toBe(lookups);
  });

  it('looks first for a newer version, for a write that never finished, and when asked to (a retry)', async () => {
    const ins = event();
    await processCall(ins, deps);
    await processCall(event('2099-01-01T00:00:00.000Z'), deps);
    expect(writer.writes.map((w) => w.opts.verify)).toEqual([false, true]);

    ledger.entries.set('other-1', { unfinished: true });
    await processCall({ ...ins, sourceRecordId: 'other-1' }, deps);
    await processCall({ ...ins, sourceRecordId: 'other-2' }, deps, { attempt: 2 });
    expect(writer.writes.map((w) => w.opts.verify)).toEqual([false, true, true, true]);

    // A catch-up of a call the ledger shows written: nothing; a replay the admin asked for: Salesforce is asked.
    await processCall(ins, deps, { attempt: 2 });
    expect(writer.writes).toHaveLength(4);
    await processCall(ins, deps, { source: 'replay' });
    expect(writer.writes.map((w) => w.opts.verify)).toEqual([false, true, true, true, true]);
  });

  it('does not record a call whose follow-ups were refused: the retry looks first and adds the missing ones', async () => {
    const ins = event();
    writer.refuseFollowUps = true;
    await expect(processCall(ins, deps)).rejects.toThrow(/refused 1 follow-up/);
    expect(ledger.entries.get(ins.sourceRecordId)).toEqual({ unfinished: true });
    writer.refuseFollowUps = false;
    await processCall(ins, deps);
    expect(writer.writes.map((w) => w.opts.verify)).toEqual([false, true]);
  });

  it('orders versions by the instant they name, not by their text', async () => {
    const ins = event('2024-09-04T21:00:00.500Z');
    await processCall(ins, deps);
    // The same instant written another way: the same version, answered from the ledger.
    await processCall(event('2024-09-04T23:00:00.5+02:00'), deps);
    expect(writer.writes).toHaveLength(1);
    // Later, though its text sorts first (no milliseconds; an offset): a newer version, looked up and written.
    await processCall(event('2024-09-04T21:00:01Z'), deps);
    await processCall(event('2024-09-04T20:30:00-01:00'), deps);
    expect(writer.writes.map((w) => w.opts.verify)).toEqual([false, true, true]);
  });

  it('looks first for a call older than the ledger remembers, which Salesforce may hold with no entry left', async () => {
    ledger.retentionMs = 14 * 86_400_000;
    const now = Date.now();
    const recent = { ...event(), sourceRecordId: 'recent', recordingStartTime: new Date(now - 3 * 86_400_000).toISOString() };
    const old = { ...event(), sourceRecordId: 'old', recordingStartTime: new Date(now - 13.5 * 86_400_000).toISOString() };
    await processCall(recent, deps);
    await processCall(old, deps);
    expect(writer.writes.map((w) => w.opts.verify)).toEqual([false, true]);
  });

  it('writes nothing, and marks nothing under way, once told to stop (its lock lost to another worker)', async () => {
    const ins = event();
    const stop = new AbortController();
    stop.abort(new Error('lock lost'));
    await expect(processCall(ins, deps, { signal: stop.signal })).rejects.toThrow('lock lost');
    expect(writer.writes).toHaveLength(0);
    expect(ledger.entries.get(ins.sourceRecordId)).toBeUndefined();
  });

  it('without a ledger, always looks first', async () => {
    const { ledger: _omit, ...rest } = deps;
    await processCall(event(), rest);
    await processCall(event(), rest);
    expect(writer.writes.map((w) => w.opts.verify)).toEqual([true, true]);
  });
});
