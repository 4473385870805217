import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/lib/backoff.ts';

describe('backoffDelay', () => {
  const b = { baseMs: 1000, maxMs: 5000 };
  it('doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, { ...b, jitter: 'none' }))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(backoffDelay(0, { ...b, jitter: 'none' })).toBe(1000);
  });
  it('proportional jitter stays within ±25 % of the step (the default)', () => {
    expect([1, 3].map((n) => backoffDelay(n, b, () => 0))).toEqual([750, 3000]);
    expect([1, 3].map((n) => backoffDelay(n, b, () => 1))).toEqual([1250, 5000]);
  });
  it('equal jitter waits at least half the step', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, { ...b, jitter: 'equal' }, () => 0))).toEqual([500, 1000, 2000, 2500]);
    expect([1, 4].map((n) => backoffDelay(n, { ...b, jitter: 'equal' }, () => 1))).toEqual([1000, 5000]);
  });
});
