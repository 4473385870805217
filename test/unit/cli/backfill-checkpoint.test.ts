import { describe, expect, it } from 'vitest';
import {
  checkpointKey, countOutcomes, decodeCheckpoint, encodeCheckpoint, freshCheckpoint, freshNote, pendingIds, planStart, resumeNote, unseenIds,
  type BackfillOutcome, type Checkpoint, type StoredCheckpoint,
} from '../../../src/cli/backfill-checkpoint.ts';
import { backfillDomainProblem } from '../../../src/cli/backfill.ts';

const FROM = Date.parse('2025-03-10T00:00:00Z');
const TO = Date.parse('2025-03-11T00:00:00Z');
const base: Checkpoint = { ...freshCheckpoint('pbx', { from: FROM, to: TO, openEnded: false }, 3, 5_000), nextPage: 3, updatedAt: 9_000 };
const stored = (c: Partial<Checkpoint> = {}, settled: Array<[string, BackfillOutcome]> = []): StoredCheckpoint => ({ checkpoint: { ...base, ...c }, ids: ['1', '2', '3', '4'], settled: new Map(settled) });
const iso = (ms: number): string => new Date(ms).toISOString();

describe('checkpointKey', () => {
  it('names the prefix, domain and window; an open-ended window is keyed by its start alone', () => {
    expect(checkpointKey('rs', 'pbx', { from: FROM, to: TO, openEnded: false })).toBe('rs:backfill:pbx:2025-03-10T00:00:00.000Z..2025-03-11T00:00:00.000Z');
    expect(checkpointKey('rs', 'pbx', { from: FROM, to: TO, openEnded: true })).toBe('rs:backfill:pbx:2025-03-10T00:00:00.000Z..now');
    expect(checkpointKey('rs', 'pbx', { from: FROM, to: TO + 1, openEnded: true })).toBe(checkpointKey('rs', 'pbx', { from: FROM, to: TO + 999, openEnded: true }));
  });
});

describe('encodeCheckpoint / decodeCheckpoint', () => {
  it('round-trips, with the ids and settled outcomes', () => {
    const c: Checkpoint = { ...base, listed: true, finishedAt: 12_000 };
    expect(decodeCheckpoint(encodeCheckpoint(c), ['1', '2'], { '1': 'queued', '2': 'not_analysed' }, 'pbx')).toEqual({
      checkpoint: c,
      ids: ['1', '2'],
      settled: new Map([['1', 'queued'], ['2', 'not_analysed']]),
    });
    expect(encodeCheckpoint(base)).not.toHaveProperty('finishedAt');
  });

  it('no hash is no checkpoint; anything this version did not write is unreadable', () => {
    expect(decodeCheckpoint({}, [], {}, 'pbx')).toBeUndefined();
    const h = encodeCheckpoint(base);
    expect(decodeCheckpoint({ ...h, v: '2' }, [], {}, 'pbx')).toBe('unreadable');
    expect(decodeCheckpoint({ ...h, nextPage: 'x' }, [], {}, 'pbx')).toBe('unreadable');
    expect(decodeCheckpoint({ ...h, perPage: '5000' }, [], {}, 'pbx')).toBe('unreadable');
    expect(decodeCheckpoint({ ...h, domain: 'rcx' }, [], {}, 'pbx')).toBe('unreadable');
    expect(decodeCheckpoint({ ...h, to: String(FROM) }, [], {}, 'pbx')).toBe('unreadable');
    expect(decodeCheckpoint(h, ['1'], { '1': 'teleported' }, 'pbx')).toBe('unreadable');
  });
});

describe('planStart', () => {
  it.each([
    ['no checkpoint', undefined, false, { kind: 'fresh', reason: 'no_checkpoint' }],
    ['an unreadable one', 'unreadable' as const, false, { kind: 'fresh', reason: 'unreadable' }],
    ['an unfinished one, --restart', stored(), true, { kind: 'fresh', reason: 'restart' }],
    ['a finished one', stored({ finishedAt: 20_000 }), false, { kind: 'fresh', reason: 'finished_before', finishedAt: 20_000 }],
    ['a finished one, --restart', stored({ finishedAt: 20_000 }), true, { kind: 'fresh', reason: 'restart' }],
  ])('%s: starts over', (_what, found, restart, expected) => {
    expect(planStart(found, { restart })).toEqual(expected);
  });

  it('an unfinished one is resumed', () => {
    const s = stored({}, [['1', 'queued']]);
    expect(planStart(s, { restart: false })).toEqual({ kind: 'resume', stored: s });
  });
});

describe('what is left', () => {
  it('unseenIds keeps a page\'s new ids in order, once', () => {
    expect(unseenIds(new Set(['1', '2']), ['2', '3', '3', '4', '1'])).toEqual(['3', '4']);
  });

  it('pendingIds: the ids not settled, in call-log order', () => {
    expect(pendingIds(['1', '2', '3', '4'], new Map([['1', 'queued'], ['3', 'invalid']]))).toEqual(['2', '4']);
  });

  it('countOutcomes tallies what was settled before', () => {
    expect(countOutcomes(new Map([['1', 'queued'], ['2', 'queued'], ['3', 'not_analysed']]))).toEqual({ queued: 2, already_queued: 0, already_synced: 0, in_failed_set: 0, not_analysed: 1, invalid: 0 });
  });
});

describe('notes', () => {
  it('a resume says how far the interrupted run got', () => {
    expect(resumeNote(stored({}, [['1', 'queued']]), iso)).toBe(`Resuming the backfill interrupted after ${iso(9_000)} (checkpoint of ${iso(5_000)}): 2 call-log pages read (4 recordings so far), going on from page 3, 1 recording settled.`);
    expect(resumeNote(stored({ listed: true }), iso)).toContain('every call-log page read (4 recordings), 0 recordings settled.');
  });

  it('a fresh start says why it did not resume, and nothing when there was no checkpoint', () => {
    expect(freshNote({ kind: 'fresh', reason: 'no_checkpoint' }, iso)).toBeUndefined();
    expect(freshNote({ kind: 'fresh', reason: 'restart' }, iso)).toMatch(/^--restart: /);
    expect(freshNote({ kind: 'fresh', reason: 'finished_before', finishedAt: 20_000 }, iso)).toContain(`finished at ${iso(20_000)}`);
    expect(freshNote({ kind: 'fresh', reason: 'unreadable' }, iso)).toContain('unreadable');
  });
});

describe('backfillDomainProblem', () => {
  it('accepts pbx only, saying why the others cannot be listed', () => {
    expect(backfillDomainProblem('pbx')).toBeUndefined();
    for (const d of ['rcx', 'ms-teams', 'nice-incontact']) expect(backfillDomainProblem(d)).toMatch(/cannot be backfilled: .*no API that lists/);
    expect(backfillDomainProblem('rcv')).toMatch(/cannot be backfilled by this version: .*recovered by catch-up .*replay <id> --domain rcv/);
    expect(backfillDomainProblem('PBX')).toMatch(/unknown domain/);
  });
});
