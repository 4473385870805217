import { describe, expect, it } from 'vitest';
import { Batcher } from '../../../src/lib/batcher.ts';

/** A run that records its batches and answers when told to. */
function recorder() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  const run = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((r) => gates.push(r));
    return items.map((i) => i * 10);
  };
  const release = () => gates.splice(0).forEach((g) => g());
  return { batches, run, release };
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

describe('Batcher', () => {
  it('sends items submitted together in one batch and gives each its own result', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { maxWeight: 10, lingerMs: 1 });
    const out = Promise.all([1, 2, 3].map((i) => b.submit(i)));
    await tick();
    r.release();
    expect(await out).toEqual([10, 20, 30]);
    expect(r.batches).toEqual([[1, 2, 3]]);
  });

  it('gathers what arrives during a request into the next one (group commit), up to the weight limit', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { maxWeight: 3, maxInFlight: 1, maxFullInFlight: 1, lingerMs: 1 });
    const first = b.submit(1);
    await tick();
    const rest = [2, 3, 4, 5, 6].map((i) => b.submit(i));
    await tick();
    expect(r.batches).toEqual([[1]]); // the others wait for the request in flight
    r.release();
    await first;
    await tick();
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
    r.release();
    await tick();
    r.release();
    expect(await Promise.all(rest)).toEqual([20, 30, 40, 50, 60]);
    expect(r.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(b.stats()).toEqual({ batches: 3, items: 6 });
  });

  it('sends a full batch at once even while a request is in flight (up to maxFullInFlight); a partial one waits', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { maxWeight: 2, maxInFlight: 1, maxFullInFlight: 2, lingerMs: 1 });
    const all = [b.submit(1)];
    await tick();
    all.push(...[2, 3, 4, 5, 6].map((i) => b.submit(i)));
    await tick();
    expect(r.batches).toEqual([[1], [2, 3]]); // [2, 3] was full: it did not wait; [4, 5] is full too, but two are out
    r.release();
    await tick();
    expect(r.batches).toEqual([[1], [2, 3], [4, 5]]); // [6] alone is not full: it waits for the one in flight
    r.release();
    await tick();
    expect(r.batches).toEqual([[1], [2, 3], [4, 5], [6]]);
    r.release();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('with eagerWeight, sends a batch worth a request under load without waiting; a smaller one still waits', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { maxWeight: 10, eagerWeight: 3, maxInFlight: 1, maxFullInFlight: 3, lingerMs: 1 });
    const all = [b.submit(1)];
    await tick();
    all.push(b.submit(2), b.submit(3));
    await tick();
    expect(r.batches).toEqual([[1]]); // two items are below eagerWeight: they wait for the request in flight
    all.push(b.submit(4));
    await tick();
    expect(r.batches).toEqual([[1], [2, 3, 4]]); // three are worth a request of their own
    all.push(...[5, 6, 7, 8].map((i) => b.submit(i)));
    await tick();
    expect(r.batches).toEqual([[1], [2, 3, 4], [5, 6, 7, 8]]);
    all.push(...[9, 10, 11].map((i) => b.submit(i)));
    await tick();
    expect(r.batches).toHaveLength(3); // maxFullInFlight (3) are out: the next waits
    r.release();
    await tick();
    expect(r.batches).toEqual([[1], [2, 3, 4], [5, 6, 7, 8], [9, 10, 11]]);
    r.release();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
  });

  it('weighs items: a batch never exceeds maxWeight unless one item alone does', async () => {
    const batches: string[][] = [];
    const b = new Batcher((items: string[]) => (batches.push(items), Promise.resolve(items.map((s) => s.length))), { maxWeight: 5, weight: (s) => s.length, lingerMs: 1, maxInFlight: 3 });
    await Promise.all(['aa', 'bbb', 'c', 'dddddddd', 'ee'].map((s) => b.submit(s)));
    expect(batches).toEqual([['aa', 'bbb'], ['c'], ['dddddddd'], ['ee']]);
  });

  it('rejects every item of a failed batch, and goes on with the next batch', async () => {
    let calls = 0;
    const b = new Batcher((items: number[]) => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('503')) : Promise.resolve(items);
    }, { maxWeight: 10, lingerMs: 1 });
    const failed = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    expect(await b.submit(3)).toBe(3);
  });

  it('rejects a batch whose run answers the wrong number of results', async () => {
    const b = new Batcher((items: number[]) => Promise.resolve(items.slice(1)), { maxWeight: 10, lingerMs: 1 });
    await expect(Promise.all([b.submit(1), b.submit(2)])).rejects.toThrow(/1 outcomes for 2 items/);
  });
});
