/** CallLock on a real Redis: one writer per call, and the write ledger read and finished with the lock. */
import { afterEach, describe, expect, it } from 'vitest';
import { CallBusyError, CallLock } from '../../src/queue/call-lock.ts';
import { RedisWriteLedger } from '../../src/queue/write-ledger.ts';
import { scratchRedis } from '../support/scratch-redis.ts';
import { until } from '../support/until.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A promise and its resolve function (to say from inside a lock's callback that it is running). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(ttlMs = 30_000) {
  const { redis, prefix } = scratchRedis('lk', cleanups);
  const ledger = new RedisWriteLedger(redis, prefix);
  const errors: unknown[] = [];
  const lock = new CallLock(redis, prefix, { ttlMs, ledger, onLedgerError: (e) => errors.push(e) });
  // Every command this connection sends, by name.
  const sent: string[] = [];
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, stream) => {
    sent.push(command.name);
    return send(command, stream);
  };
  return { redis, prefix, ledger, lock, sent, errors };
}

const CALL = '2728084995017';
const V1 = '2024-08-07T18:05:00.000Z';

describe('CallLock with the write ledger', () => {
  it('reads the entry with the lock and records the finished write with its release: two requests in all', async () => {
    const { redis, prefix, ledger, lock, sent } = setup();
    await ledger.finish(CALL, V1, '00TDm0000000001IAA');
    sent.length = 0;
    const seen = await lock.with(CALL, ({ ledger: held }) =>
      // The entry is handed over as read with the lock; the finished write is handed back.
      Promise.resolve({ value: held?.entry, finished: { version: '2024-08-08T09:00:00.000Z', callTaskId: '00TDm0000000001IAA' } }),
    );
    expect(seen).toEqual({ version: V1, callTaskId: '00TDm0000000001IAA', unfinished: false });
    expect(sent).toEqual(['eval', 'eval']);
    expect(await ledger.read(CALL)).toEqual({ version: '2024-08-08T09:00:00.000Z', callTaskId: '00TDm0000000001IAA', unfinished: false });
    expect(await redis.exists(`${prefix}:lock:call:${CALL}`)).toBe(0);
  });

  it('leaves a write that failed marked unfinished, and frees the call', async () => {
    const { redis, prefix, ledger, lock } = setup();
    await expect(
      lock.with(CALL, async ({ ledger: held }) => {
        await held!.begin();
        throw new Error('Salesforce said no');
      }),
    ).rejects.toThrow('Salesforce said no');
    expect(await ledger.read(CALL)).toEqual({ unfinished: true });
    expect(await redis.exists(`${prefix}:lock:call:${CALL}`)).toBe(0);
  });

  it('makes the next writer of the call wait, and it sees what the first one finished', async () => {
    const { ledger, lock, sent } = setup();
    const gate = signal();
    const holding = signal();
    const first = lock.with(CALL, async ({ ledger: held }) => {
      await held!.begin();
      holding.resolve();
      await gate.promise;
      return { value: undefined, finished: { version: V1, callTaskId: '00TDm0000000001IAA' } };
    });
    await holding.promise;
    const from = sent.length;
    let secondDone = false;
    const second = lock.with(CALL, ({ ledger: held }) => Promise.resolve({ value: held?.entry }), 5_000).finally(() => (secondDone = true));
    // The second has asked for the lock twice: refused once, it is waiting.
    await until(() => sent.slice(from).filter((c) => c === 'eval').length >= 2, 'a second attempt at the lock');
    expect(secondDone).toBe(false);
    gate.resolve();
    await first;
    expect(await second).toEqual({ version: V1, callTaskId: '00TDm0000000001IAA', unfinished: false });
    expect(await ledger.read(CALL)).toEqual({ version: V1, callTaskId: '00TDm0000000001IAA', unfinished: false });
  });

  it('gives up on a call held too long with CallBusyError', async () => {
    const { lock } = setup();
    const release = signal();
    const holding = signal();
    const held = lock.with(CALL, async () => {
      holding.resolve();
      await release.promise;
      return { value: undefined };
    });
    await holding.promise;
    await expect(lock.with(CALL, () => Promise.resolve({ value: undefined }), 100)).rejects.toBeInstanceOf(CallBusyError);
    release.resolve();
    await held;
  });

  it('tells the holder when its lock is found gone (expired in a stall, or lost by Redis), so it does not start writing', async () => {
    const { redis, prefix, lock } = setup(300);
    const key = `${prefix}:lock:call:${CALL}`;
    const seen = await lock.with(CALL, async ({ lockLost }) => {
      // A renewal that found the lock: its expiry goes back up (to 300 ms), and nothing is aborted.
      let last = await redis.pttl(key);
      await until(async () => {
        const left = await redis.pttl(key);
        const renewed = left > last;
        last = left;
        return renewed;
      }, 'a renewal of the lock');
      const before = lockLost.aborted;
      await redis.del(key); // gone: the next renewal finds it so
      await until(() => lockLost.aborted, 'the lock found gone');
      return { value: { before, reason: lockLost.reason as unknown } };
    });
    expect(seen.before).toBe(false);
    expect(seen.reason).toBeInstanceOf(CallBusyError);
  });

  it('records the finished write even when its lock expired and another worker took the call, whose lock it leaves alone', async () => {
    const { redis, prefix, ledger, lock, errors } = setup(100);
    await lock.with(CALL, async () => {
      // This lock lapses (no renewal reaches Redis in time) and another worker takes the call.
      await redis.set(`${prefix}:lock:call:${CALL}`, 'someone-else', 'PX', 60_000);
      return { value: undefined, finished: { version: V1, callTaskId: '00TDm0000000001IAA' } };
    });
    expect(await redis.get(`${prefix}:lock:call:${CALL}`)).toBe('someone-else');
    expect(await ledger.read(CALL)).toEqual({ version: V1, callTaskId: '00TDm0000000001IAA', unfinished: false });
    expect(errors).toEqual([]);
  });
});
