import { describe, expect, it } from 'vitest';
import { toE164 } from '../../../src/lib/phone.ts';

describe('toE164', () => {
  it('normalises a number as typed, in the default country', () => {
    expect(toE164('(415) 555-0123')).toBe('+14155550123');
    expect(toE164(' +44 20 7946 0958 ')).toBe('+442079460958');
  });

  it('is undefined for blank or invalid numbers, every time it is asked', () => {
    for (let i = 0; i < 2; i++) {
      expect(toE164('')).toBeUndefined();
      expect(toE164('   ')).toBeUndefined();
      expect(toE164('12')).toBeUndefined();
    }
  });

  it('answers a repeated number by its own default country (what it remembers is per country)', () => {
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(toE164('020 7946 0958', 'US')).toBeUndefined();
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
  });

  it('stays right past the bound of what it remembers', () => {
    for (let i = 0; i < 10_050; i++) toE164(`+1415555${String(i % 10_000).padStart(4, '0')}`);
    expect(toE164('(415) 555-0123')).toBe('+14155550123');
    expect(toE164('+14155559999')).toBe('+14155559999');
  });
});
