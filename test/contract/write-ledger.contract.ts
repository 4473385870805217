/**
 * What every WriteLedger (src/sync/write-ledger.port.ts) must do, as one suite run against each implementation
 * (write-ledger.test.ts): the in-memory fake the unit tests use, the Redis adapter, and the ledger the call lock
 * hands a call. processCall relies on exactly this; an implementation that passes can stand in for another.
 */
import { describe, expect, it } from 'vitest';
import type { WriteLedger } from '../../src/sync/write-ledger.port.ts';

export interface LedgerUnderTest {
  readonly ledger: WriteLedger;
  /** How long the entry of `id` has left (in Redis: its key's PTTL); undefined when there is none. */
  readonly remainingMs: (id: string) => Promise<number | undefined>;
  /** Moves the ledger's time on by `ms` (a fake clock; in Redis, each key's expiry brought that much nearer). */
  readonly advance: (ms: number) => Promise<void>;
}

/** Makes a fresh, empty ledger keeping entries `retentionMs` (whole seconds). */
export type LedgerFactory = (opts: { retentionMs: number }) => Promise<LedgerUnderTest>;

const CALL = '2728084995017';
const OTHER = '2728084995101';
const V1 = '2024-08-07T18:05:00.000Z';
const V2 = '2024-08-08T09:00:00.000Z';
const TASK = '00TDm0000000001IAA';
const HOUR = 3600_000;

export function writeLedgerContract(name: string, make: LedgerFactory): void {
  describe(`WriteLedger contract: ${name}`, () => {
    it('knows nothing of a call never written', async () => {
      const { ledger, remainingMs } = await make({ retentionMs: HOUR });
      expect(await ledger.read(CALL)).toBeUndefined();
      expect(await remainingMs(CALL)).toBeUndefined();
    });

    it('marks a write begun as unfinished, with no version yet', async () => {
      const { ledger } = await make({ retentionMs: HOUR });
      await ledger.begin(CALL);
      expect(await ledger.read(CALL)).toEqual({ unfinished: true });
    });

    it('records the finished version and call Task, and clears the unfinished mark', async () => {
      const { ledger } = await make({ retentionMs: HOUR });
      await ledger.begin(CALL);
      await ledger.finish(CALL, V1, TASK);
      expect(await ledger.read(CALL)).toEqual({ version: V1, callTaskId: TASK, unfinished: false });
    });

    it('records a finish with no begin before it', async () => {
      const { ledger } = await make({ retentionMs: HOUR });
      await ledger.finish(CALL, V1, TASK);
      expect(await ledger.read(CALL)).toEqual({ version: V1, callTaskId: TASK, unfinished: false });
    });

    it('a write begun after a finished one is unfinished and still knows the version written; its finish replaces it', async () => {
      const { ledger } = await make({ retentionMs: HOUR });
      await ledger.finish(CALL, V1, TASK);
      await ledger.begin(CALL);
      expect(await ledger.read(CALL)).toEqual({ version: V1, callTaskId: TASK, unfinished: true });
      await ledger.finish(CALL, V2, '00TDm0000000002IAA');
      expect(await ledger.read(CALL)).toEqual({ version: V2, callTaskId: '00TDm0000000002IAA', unfinished: false });
    });

    it('says how long it keeps an entry', async () => {
      expect((await make({ retentionMs: HOUR })).ledger.retentionMs).toBe(HOUR);
      expect((await make({ retentionMs: 14 * 24 * HOUR })).ledger.retentionMs).toBe(14 * 24 * HOUR);
    });

    it('keeps each call to itself', async () => {
      const { ledger } = await make({ retentionMs: HOUR });
      await ledger.begin(CALL);
      await ledger.finish(OTHER, V1, TASK);
      expect(await ledger.read(CALL)).toEqual({ unfinished: true });
      expect(await ledger.read(OTHER)).toEqual({ version: V1, callTaskId: TASK, unfinished: false });
      expect(await ledger.read('2728084995202')).toBeUndefined();
      // A call id that extends another is another call.
      expect(await ledger.read(`${CALL}0`)).toBeUndefined();
    });

    it('keeps an entry retentionMs after its last write (begin or finish), then forgets it', async () => {
      const { ledger, remainingMs, advance } = await make({ retentionMs: HOUR });
      await ledger.begin(CALL);
      const afterBegin = await remainingMs(CALL);
      expect(afterBegin).toBeGreaterThan(HOUR - 60_000);
      expect(afterBegin).toBeLessThanOrEqual(HOUR);
      await advance(HOUR - 10 * 60_000);
      expect(await ledger.read(CALL)).toEqual({ unfinished: true });
      // Finishing keeps it a full retention again.
      await ledger.finish(CALL, V1, TASK);
      expect(await remainingMs(CALL)).toBeGreaterThan(HOUR - 60_000);
      await advance(HOUR - 10 * 60_000);
      expect(await ledger.read(CALL)).toEqual({ version: V1, callTaskId: TASK, unfinished: false });
      await advance(11 * 60_000);
      expect(await ledger.read(CALL)).toBeUndefined();
      expect(await remainingMs(CALL)).toBeUndefined();
      // A call forgotten is new again.
      await ledger.begin(CALL);
      expect(await ledger.read(CALL)).toEqual({ unfinished: true });
    });
  });
}
