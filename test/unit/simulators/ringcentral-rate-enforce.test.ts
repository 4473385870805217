import { describe, expect, it } from 'vitest';
import { RateLimiter, type RateDecision } from '../../../src/simulators/ringcentral/rate-limit.ts';
import { adminAccessView, meetingEndMs, validateMeeting } from '../../../src/simulators/ringcentral/rcvideo-meeting.ts';
import { rcvSampleMeeting } from '../../../src/demo/sample-meetings.ts';

const retryAfter = (d: RateDecision): string | undefined => (d.limited ? d.response.headers?.['Retry-After'] : undefined);

describe('RateLimiter enforcement', () => {
  it('is off by default: the documented Light limit (50) only shows in the headers', () => {
    const rl = new RateLimiter();
    for (let i = 0; i < 60; i++) expect(rl.check('rcvideo', i).limited).toBe(false);
    expect(rl.check('rcvideo', 61)).toMatchObject({ headers: { 'X-Rate-Limit-Group': 'light', 'X-Rate-Limit-Limit': '50', 'X-Rate-Limit-Remaining': '0' } });
  });

  it('answers 429 when the window is full, Retry-After until the oldest counted request leaves it; refusals are not counted', () => {
    const rl = new RateLimiter({ enforce: true, groups: { Light: { limit: 3, windowSeconds: 2 } } });
    expect([0, 400, 900].map((t) => rl.check('insights', t).limited)).toEqual([false, false, false]);
    const refused = rl.check('rcvideo', 1000);
    expect(refused).toMatchObject({ limited: true, response: { status: 429, body: { errorCode: 'CMN-301' }, headers: { 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Window': '2', 'X-Rate-Limit-Limit': '3' } } });
    expect(retryAfter(refused)).toBe('1'); // the request at 0 leaves at 2000
    expect(retryAfter(rl.check('extension', 1999))).toBe('1');
    expect(rl.check('rcvideo', 2000)).toMatchObject({ limited: false, headers: { 'X-Rate-Limit-Remaining': '0' } });
    expect(retryAfter(rl.check('rcvideo', 2100))).toBe('1'); // now the request at 400 is the oldest
    // Heavy keeps its documented default.
    expect(rl.check('call-log', 2100)).toMatchObject({ limited: false, headers: { 'X-Rate-Limit-Limit': '10', 'X-Rate-Limit-Remaining': '9' } });
  });

  it('with a penalty, refuses the whole group for the penalty interval', () => {
    const rl = new RateLimiter({ enforce: true, groups: { Heavy: { limit: 1, windowSeconds: 1, penaltySeconds: 5 } } });
    expect(rl.check('call-log', 0).limited).toBe(false);
    expect(retryAfter(rl.check('call-log', 100))).toBe('5');
    expect(retryAfter(rl.check('call-log', 3000))).toBe('3');
    expect(rl.check('call-log', 5100).limited).toBe(false);
  });

  it('keeps forced 429s working, and validates its settings', () => {
    const rl = new RateLimiter({ enforce: true });
    rl.force('rcvideo', { count: 1, retryAfterSeconds: 9 });
    expect(retryAfter(rl.check('rcvideo', 0))).toBe('9');
    expect(rl.check('rcvideo', 1).limited).toBe(false);
    expect(() => rl.configure({ groups: { Light: { limit: 0, windowSeconds: 1 } } })).toThrow(/limit/);
    expect(() => rl.configure({ groups: { Light: { limit: 1, windowSeconds: 0 } } })).toThrow(/windowSeconds/);
    rl.configure({});
    for (let i = 0; i < 60; i++) expect(rl.check('rcvideo', 10 + i).limited).toBe(false);
  });
});

describe('RCV meeting records', () => {
  it('validates ids, ISO start and epoch-ms recording starts, and ends a meeting after its duration in seconds', () => {
    const m = rcvSampleMeeting().meeting;
    expect(validateMeeting(m)).toEqual(m);
    expect(meetingEndMs(m)).toBe(Date.parse('2024-09-17T15:21:00.000Z'));
    expect(() => validateMeeting({ ...m, id: '' })).toThrow(/id/);
    expect(() => validateMeeting({ ...m, startTime: 'soon' })).toThrow(/startTime/);
    expect(() => validateMeeting({ ...m, recordings: [{ ...m.recordings[0]!, startTime: '2024-09-17' as unknown as number }] })).toThrow(/epoch/);
  });

  it('has an admin view without recordings, status or participant type', () => {
    const view = adminAccessView(rcvSampleMeeting().meeting);
    expect(Object.keys(view).sort()).toEqual(['bridgeId', 'displayName', 'duration', 'hostInfo', 'id', 'participants', 'shortId', 'startTime']);
    expect(view.participants.every((p) => !('type' in p))).toBe(true);
  });
});
