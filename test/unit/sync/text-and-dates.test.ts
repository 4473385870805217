import { describe, expect, it } from 'vitest';
import { addBusinessDays } from '../../../src/sync/business-days.ts';
import { callKey, followUpKey } from '../../../src/sync/call-key.ts';
import { cutOnWord, formatDuration, formatOffset } from '../../../src/sync/text.ts';

describe('cutOnWord', () => {
  it('leaves short text alone and collapses white space', () => {
    expect(cutOnWord('  Send  the\nquote ', 255)).toBe('Send the quote');
  });
  it('cuts on a word boundary with an ellipsis, within the limit', () => {
    const text = 'word '.repeat(100);
    const cut = cutOnWord(text, 255);
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(cut.endsWith('word…')).toBe(true);
  });
  it('never splits a surrogate pair', () => {
    const cut = cutOnWord('😀'.repeat(200), 255);
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });
});

describe('times', () => {
  it('formats offsets as mm:ss and h:mm:ss', () => {
    expect(formatOffset(42.52)).toBe('00:42');
    expect(formatOffset(125.9)).toBe('02:05');
    expect(formatOffset(3725)).toBe('1:02:05');
  });
  it('formats durations for people', () => {
    expect(formatDuration(125963)).toBe('2 min 6 s');
    expect(formatDuration(2_700_000)).toBe('45 min');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
  });
});

describe('addBusinessDays', () => {
  it('skips weekends', () => {
    expect(addBusinessDays('2024-09-04', 2)).toBe('2024-09-06'); // Wed -> Fri
    expect(addBusinessDays('2024-09-05', 2)).toBe('2024-09-09'); // Thu -> Mon
    expect(addBusinessDays('2024-09-06', 1)).toBe('2024-09-09'); // Fri -> Mon
  });
  it('rolls a weekend date with zero days to Monday', () => {
    expect(addBusinessDays('2024-09-07', 0)).toBe('2024-09-09');
    expect(addBusinessDays('2024-09-04', 0)).toBe('2024-09-04');
  });
});

describe('idempotency keys', () => {
  it('identify a call by its recording and a step by its wording', () => {
    expect(callKey('2728084995017')).toBe('ringsense:2728084995017');
    expect(followUpKey('1', 'Send the quote.')).toBe(followUpKey('1', '  send THE quote '));
    expect(followUpKey('1', 'Send the quote')).not.toBe(followUpKey('1', 'Send the contract'));
    expect(followUpKey('1', 'x')).not.toBe(followUpKey('2', 'x'));
    expect(followUpKey('1', 'Send the quote').length).toBeLessThanOrEqual(80);
  });
});
