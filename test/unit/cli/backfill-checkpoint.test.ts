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
const rcvBase: Checkpoint = { ...freshCheckpoint('rcv', { from: FROM, to: TO, openEnded: false }, 10, 5_000), nextPage: 3, nextPageToken: 'eyJvZmZzZXQiOjIwfQ==', updatedAt: 9_000 };

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
    expect(encodeCheckpoint(base)).not.toHaveProperty('nextPageToken');
  });

  it('an rcv checkpoint keeps the meeting history\'s token of the next page', () => {
    expect(encodeCheckpoint(rcvBase)).toMatchObject({ domain: 'rcv', nextPage: '3', nextPageToken: 'eyJvZmZzZXQiOjIwfQ==' });
    expect(decodeCheckpoint(encodeCheckpoint(rcvBase), ['m1'], { m1: 'not_recorded' }, 'rcv')).toEqual({ checkpoint: rcvBase, ids: ['m1'], settled: new Map([['m1', 'not_recorded']]) });
    const listed: Checkpoint = { ...rcvBase, nextPageToken: undefined, listed: true };
    expect(decodeCheckpoint(encodeCheckpoint(listed), [], {}, 'rcv')).toMatchObject({ checkpoint: listed });
    const first = freshCheckpoint('rcv', { from: FROM, to: TO, openEnded: true }, 100, 5_000);
    expect(decodeCheckpoint(encodeCheckpoint(first), [], {}, 'rcv')).toMatchObject({ checkpoint: first });
  });

  it('a pbx checkpoint as earlier versions wrote it (no token field) is still read', () => {
    const old = { v: '1', domain: 'pbx', from: String(FROM), to: String(TO), perPage: '3', nextPage: '3', listed: '0', startedAt: '5000', updatedAt: '9000' };
    expect(decodeCheckpoint(old, ['1'], { '1': 'queued' }, 'pbx')).toEqual({ checkpoint: base, ids: ['1'], settled: new Map([['1', 'queued']]) });
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
    // Tokens are rcv's; an rcv page size is the meeting history's (10..100); an unfinished rcv listing past page 1 needs its token.
    expect(decodeCheckpoint({ ...h, nextPageToken: 'abc' }, [], {}, 'pbx')).toBe('unreadable');
    const r = encodeCheckpoint(rcvBase);
    expect(decodeCheckpoint({ ...r, perPage: '5' }, [], {}, 'rcv')).toBe('unreadable');
    expect(decodeCheckpoint({ ...r, perPage: '101' }, [], {}, 'rcv')).toBe('unreadable');
    const { nextPageToken: _dropped, ...noToken } = r;
    expect(decodeCheckpoint(noToken, [], {}, 'rcv')).toBe('unreadable');
    expect(decodeCheckpoint({ ...r, nextPageToken: '' }, [], {}, 'rcv')).toBe('unreadable');
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
    expect(countOutcomes(new Map([['1', 'queued'], ['2', 'queued'], ['3', 'not_analysed']]))).toEqual({ queued: 2, already_queued: 0, already_synced: 0, in_failed_set: 0, not_analysed: 1, not_recorded: 0, invalid: 0 });
  });
});

describe('notes', () => {
  it('a resume says how far the interrupted run got', () => {
    expect(resumeNote(stored({}, [['1', 'queued']]), iso)).toBe(`Resuming the backfill interrupted after ${iso(9_000)} (checkpoint of ${iso(5_000)}): 2 call-log pages read (4 recordings so far), going on from page 3, 1 recording settled.`);
    expect(resumeNote(stored({ listed: true }), iso)).toContain('every call-log page read (4 recordings), 0 recordings settled.');
    const rcv: StoredCheckpoint = { checkpoint: rcvBase, ids: ['m1', 'm2'], settled: new Map([['m1', 'queued']]) };
    expect(resumeNote(rcv, iso)).toContain(': 2 meeting-history pages read (2 meetings so far), going on from page 3, 1 meeting settled.');
  });

  it('a fresh start says why it did not resume, and nothing when there was no checkpoint', () => {
    expect(freshNote({ kind: 'fresh', reason: 'no_checkpoint' }, iso)).toBeUndefined();
    expect(freshNote({ kind: 'fresh', reason: 'restart' }, iso)).toMatch(/^--restart: /);
    expect(freshNote({ kind: 'fresh', reason: 'finished_before', finishedAt: 20_000 }, iso)).toContain(`finished at ${iso(20_000)}`);
    expect(freshNote({ kind: 'fresh', reason: 'unreadable' }, iso)).toContain('unreadable');
  });
});

describe('backfillDomainProblem', () => {
  it('accepts pbx (the call log) and rcv (the meeting history), saying why the others cannot be listed', () => {
    expect(backfillDomainProblem('pbx')).toBeUndefined();
    expect(backfillDomainProblem('rcv')).toBeUndefined();
    for (const d of ['rcx', 'ms-teams', 'nice-incontact']) expect(backfillDomainProblem(d)).toMatch(/cannot be backfilled: .*no API that lists/);
    expect(backfillDomainProblem('PBX')).toMatch(/unknown domain .*only pbx and rcv can be backfilled/);
  });
});
