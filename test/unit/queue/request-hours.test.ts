import { describe, expect, it } from 'vitest';
import { HOUR_MS, hourKey, hourStart, lastHourStarts } from '../../../src/queue/request-hours.ts';

const at = (h: number, m = 0, s = 0, ms = 0) => Date.UTC(2026, 11, 2, h, m, s, ms);

describe('Salesforce requests per hour: the hours (pure)', () => {
  it('puts a request in the UTC hour it ended in: the first and the last millisecond of an hour alike', () => {
    expect(hourStart(at(13))).toBe(at(13));
    expect(hourStart(at(13, 59, 59, 999))).toBe(at(13));
    expect(hourStart(at(14))).toBe(at(14));
    expect(hourStart(Date.UTC(2026, 11, 31, 23, 30))).toBe(Date.UTC(2026, 11, 31, 23));
  });

  it('names one Redis key per hour, readable with redis-cli, whatever the minute', () => {
    expect(hourKey('rs', at(13))).toBe('rs:sf-requests:2026-12-02T13');
    expect(hourKey('rs', at(13, 42, 7))).toBe('rs:sf-requests:2026-12-02T13');
    expect(hourKey('rs', at(0, 5))).toBe('rs:sf-requests:2026-12-02T00');
  });

  it('lists the last n hours oldest first, the current one (so far) last, across midnight', () => {
    const hours = lastHourStarts(at(1, 20), 24);
    expect(hours).toHaveLength(24);
    expect(hours.at(-1)).toBe(at(1));
    expect(hours[0]).toBe(at(1) - 23 * HOUR_MS);
    expect(new Date(hours[0]!).toISOString()).toBe('2026-12-01T02:00:00.000Z');
    expect(hours.every((h, i) => i === 0 || h - hours[i - 1]! === HOUR_MS)).toBe(true);
    expect(lastHourStarts(at(1), 0)).toEqual([]);
  });
});
