import { describe, expect, it } from 'vitest';
import { planCallWrite, type WritePlanInput } from '../../../src/sync/plan-call-write.ts';

const DAY = 86_400_000;
const now = Date.parse('2026-12-01T12:00:00Z');
const base: WritePlanInput = {
  source: 'event',
  attempt: 1,
  ledger: { entry: undefined, retentionMs: 14 * DAY },
  version: '2026-12-01T10:00:00Z',
  recordingStartTime: '2026-12-01T09:00:00Z',
  now,
};
const written = (version: string) => ({ entry: { version, callTaskId: '00T000000000001AAA', unfinished: false }, retentionMs: 14 * DAY });

describe('planCallWrite', () => {
  it('creates a call nothing can have written without looking', () => {
    expect(planCallWrite(base)).toEqual({ action: 'create', reason: 'never_seen' });
  });

  it('skips the same version, or an older one, written already (whatever its source, but a replay)', () => {
    for (const version of ['2026-12-01T10:00:00Z', '2026-12-01T10:00:00.000Z', '2026-12-01T12:00:00+02:00']) {
      expect(planCallWrite({ ...base, ledger: written(version) })).toEqual({ action: 'skip', reason: 'written_already', callTaskId: '00T000000000001AAA' });
    }
    expect(planCallWrite({ ...base, source: 'catch_up', attempt: 3, ledger: written('2026-12-01T10:00:00Z') })).toMatchObject({ action: 'skip' });
    expect(planCallWrite({ ...base, source: 'replay', ledger: written('2026-12-01T10:00:00Z') })).toEqual({ action: 'look_first', reason: 'replay' });
  });

  it('looks first whenever Salesforce may hold the call', () => {
    const cases: Array<[Partial<WritePlanInput>, string]> = [
      [{ source: 'replay' }, 'replay'],
      [{ ledger: undefined }, 'no_ledger'],
      [{ attempt: 2 }, 'retry'],
      [{ source: 'catch_up' }, 'catch_up'],
      [{ source: 'backfill' }, 'backfill'],
      [{ ledger: { entry: { unfinished: true }, retentionMs: 14 * DAY } }, 'unfinished'],
      [{ ledger: written('2026-12-01T09:30:00Z') }, 'newer_version'],
      [{ recordingStartTime: '2026-11-18T11:00:00Z' }, 'older_than_ledger'],
      [{ recordingStartTime: 'not a date' }, 'older_than_ledger'],
    ];
    for (const [change, reason] of cases) expect(planCallWrite({ ...base, ...change }), reason).toEqual({ action: 'look_first', reason });
  });

  it('a call recorded within the ledger retention less a day is still new', () => {
    expect(planCallWrite({ ...base, recordingStartTime: new Date(now - 12 * DAY).toISOString() })).toEqual({ action: 'create', reason: 'never_seen' });
  });
});
