import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/lib/logger.ts';
import { ApiBudgetGuard, decideBudgetState, type ApiUsage } from '../../../src/salesforce/api-budget.ts';

function rig(initial: ApiUsage) {
  let usage: ApiUsage | undefined = initial;
  const calls: string[] = [];
  const guard = new ApiBudgetGuard({
    logger: silentLogger(),
    concurrency: 8,
    intervalMs: 1000,
    lastUsage: () => usage,
    fetchUsage: () => {
      calls.push('fetch');
      return Promise.resolve(usage);
    },
    actuators: {
      pauseFor: (ms) => (calls.push(`pause:${ms}`), Promise.resolve()),
      resume: () => (calls.push('resume'), Promise.resolve()),
      setConcurrency: (n) => void calls.push(`concurrency:${n}`),
    },
  });
  return { guard, calls, set: (u: ApiUsage) => (usage = u) };
}

describe('API budget guard', () => {
  it('slow back to normal opens the queue at once', async () => {
    const r = rig({ used: 850, limit: 1000 });
    expect(await r.guard.check()).toBe('slow');
    r.set({ used: 100, limit: 1000 });
    r.calls.length = 0;
    expect(await r.guard.check()).toBe('normal');
    expect(r.calls).toEqual(['resume', 'concurrency:8']);
  });

  it('decides by share with a little hysteresis', () => {
    expect(decideBudgetState(0.5, 'normal', 0.8, 0.95)).toBe('normal');
    expect(decideBudgetState(0.8, 'normal', 0.8, 0.95)).toBe('slow');
    expect(decideBudgetState(0.96, 'slow', 0.8, 0.95)).toBe('paused');
    expect(decideBudgetState(0.945, 'paused', 0.8, 0.95)).toBe('paused');
    expect(decideBudgetState(0.93, 'paused', 0.8, 0.95)).toBe('slow');
    expect(decideBudgetState(0.795, 'slow', 0.8, 0.95)).toBe('slow');
    expect(decideBudgetState(0.7, 'slow', 0.8, 0.95)).toBe('normal');
  });

  it('slows down (the queue held two checks out of three, so calls are written in shared batches), pauses (renewing the pause while over), and resumes when usage falls', async () => {
    const r = rig({ used: 100, limit: 1000 });
    expect(await r.guard.check()).toBe('normal');
    expect(r.calls).toEqual([]);
    r.set({ used: 850, limit: 1000 });
    expect(await r.guard.check()).toBe('slow');
    expect(r.calls).toEqual(['pause:2000', 'concurrency:8']);
    r.calls.length = 0;
    for (let i = 0; i < 5; i++) expect(await r.guard.check()).toBe('slow');
    expect(r.calls).toEqual(['pause:2000']); // checks 2 and 3 leave it open as the hold lapses; check 4 holds again
    r.set({ used: 960, limit: 1000 });
    r.calls.length = 0;
    expect(await r.guard.check()).toBe('paused');
    expect(r.calls).toEqual(['pause:3000', 'concurrency:1']);
    r.calls.length = 0;
    expect(await r.guard.check()).toBe('paused');
    expect(r.calls).toEqual(['fetch', 'pause:3000']); // while paused it asks Salesforce, and renews the pause
    r.set({ used: 200, limit: 1000 });
    r.calls.length = 0;
    expect(await r.guard.check()).toBe('normal');
    expect(r.calls).toEqual(['fetch', 'resume', 'concurrency:8']);
  });
});
