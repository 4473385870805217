import { describe, expect, it } from 'vitest';
import { createRateMeter, formatDuration, progressBar, rateAndEta, ratePerMinute } from '../../../src/cli/progress.ts';

describe('progress', () => {
  it('progressBar fills done/total', () => {
    expect(progressBar(3, 10)).toBe('[###-------]');
    expect(progressBar(0, 0)).toBe('[##########]');
  });

  it.each([
    [0, '0 s'], [44_100, '45 s'], [60_000, '1 min'], [12 * 60_000 - 1, '12 min'], [200 * 60_000, '3 h 20 min'], [3 * 3600_000, '3 h'], [52 * 3600_000, '2 d 4 h'],
  ])('formatDuration(%i) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('ratePerMinute counts the last minute only, over the time measured when that is shorter', () => {
    const t0 = 1_000_000;
    // 10 done in the first 20 s of measuring: 30/min.
    const early = Array.from({ length: 10 }, (_, i) => t0 + (i + 1) * 2000);
    expect(ratePerMinute(early, t0, t0 + 20_000)).toBeCloseTo(30);
    // Two minutes later with 5 more in the last minute: 5/min (the early ones are out of the window).
    const later = [...early, ...[1, 2, 3, 4, 5].map((i) => t0 + 120_000 + i * 1000)];
    expect(ratePerMinute(later, t0, t0 + 180_000)).toBeCloseTo(5);
    expect(ratePerMinute([], t0, t0 + 5000)).toBeUndefined();
    expect(ratePerMinute([t0 + 100], t0, t0 + 500)).toBeUndefined();
  });

  it('rateAndEta: remaining / rate', () => {
    expect(rateAndEta(50, 300)).toBe('50/min, ETA 6 min');
    expect(rateAndEta(2.5, 5)).toBe('2.5/min, ETA 2 min');
    expect(rateAndEta(undefined, 5)).toBe('measuring the rate');
    expect(rateAndEta(40, 0)).toBe('40/min, done');
  });

  it('createRateMeter measures ticks on its clock', () => {
    let now = 0;
    const meter = createRateMeter({ now: () => now });
    for (let i = 0; i < 100; i += 1) {
      now += 1200; // one every 1.2 s: 50/min
      meter.tick();
    }
    expect(meter.perMinute()).toBeCloseTo(50);
  });
});
