/**
 * meetingHistoryPages / meetingPages: the account's meeting history read page by page, chained by tokens; a reader
 * may start from a stored token and learns each page's next token (backfill's checkpoint keeps it). A scripted
 * Platform, no clock (no rate headers: no pacing).
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/lib/logger.ts';
import { ACCOUNT_MEETINGS_PATH, meetingHistoryPages, meetingPages, PacedRequests } from '../../../src/ringcentral/paced-requests.ts';
import type { Platform } from '../../../src/ringcentral/sdk.ts';

const id = (n: number): string => `aaaa1111-0000-4000-8000-${String(n).padStart(12, '0')}!us-15-cmh06@us-15`;
/** Three pages: t1 -> t2 -> end. */
const PAGES: Record<string, { meetings: Array<{ id: string }>; paging: { nextPageToken?: string } }> = {
  '': { meetings: [{ id: id(1) }, { id: id(2) }, { id: id(2) }], paging: { nextPageToken: 't1' } },
  t1: { meetings: [{ id: id(3) }], paging: { nextPageToken: 't2' } },
  t2: { meetings: [{ id: id(4) }], paging: {} },
};

function harness() {
  const calls: Array<{ url: string; query: Record<string, string> | undefined }> = [];
  const platform = {
    get: (url: string, query?: Record<string, string>): Promise<Response> => {
      calls.push({ url, query });
      const body = PAGES[query?.pageToken ?? ''];
      return Promise.resolve(new Response(JSON.stringify(body ?? { meetings: 'not a list' }), { status: 200, headers: { 'content-type': 'application/json' } }));
    },
  } as unknown as Platform;
  const paced = new PacedRequests({ platform, logger: silentLogger(), eventPrefix: 'test', signal: new AbortController().signal, sleep: () => Promise.resolve() });
  return { paced, calls };
}

const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

const FROM = Date.parse('2025-03-10T00:00:00Z');
const TO = Date.parse('2025-03-11T00:00:00Z');

describe('meetingHistoryPages', () => {
  it('reads every page, oldest first, and says each page\'s next token (none on the last)', async () => {
    const h = harness();
    const pages = await collect(meetingHistoryPages(h.paced, { from: FROM, to: TO, perPage: 10 }));
    expect(pages).toEqual([
      { ids: [id(1), id(2)], nextPageToken: 't1' },
      { ids: [id(3)], nextPageToken: 't2' },
      { ids: [id(4)], nextPageToken: undefined },
    ]);
    expect(h.calls.map((c) => c.url)).toEqual([ACCOUNT_MEETINGS_PATH, ACCOUNT_MEETINGS_PATH, ACCOUNT_MEETINGS_PATH]);
    expect(h.calls[0]?.query).toEqual({ startTimeFrom: '2025-03-10T00:00:00.000Z', startTimeTo: '2025-03-11T00:00:00.000Z', perPage: '10', orderBy: '+startTime' });
    expect(h.calls.map((c) => c.query?.pageToken)).toEqual([undefined, 't1', 't2']);
  });

  it('starts from a stored token', async () => {
    const h = harness();
    expect(await collect(meetingHistoryPages(h.paced, { from: FROM, to: TO, pageToken: 't1' }))).toEqual([
      { ids: [id(3)], nextPageToken: 't2' },
      { ids: [id(4)], nextPageToken: undefined },
    ]);
    expect(h.calls.map((c) => [c.query?.perPage, c.query?.pageToken])).toEqual([['100', 't1'], ['100', 't2']]);
  });

  it('refuses a page size outside the API\'s 10..100, and throws on a page that is not one', async () => {
    const h = harness();
    await expect(collect(meetingHistoryPages(h.paced, { from: FROM, to: TO, perPage: 9 }))).rejects.toThrow(RangeError);
    await expect(collect(meetingHistoryPages(h.paced, { from: FROM, to: TO, perPage: 101 }))).rejects.toThrow(RangeError);
    expect(h.calls).toHaveLength(0);
    await expect(collect(meetingHistoryPages(h.paced, { from: FROM, to: TO, pageToken: 'unknown' }))).rejects.toThrow(/the meeting history page is not one \(meetings: /);
  });
});

describe('meetingPages (the catch-up\'s reader)', () => {
  it('yields each page\'s meeting ids alone, as before', async () => {
    const h = harness();
    expect(await collect(meetingPages(h.paced, { from: FROM, to: TO }))).toEqual([[id(1), id(2)], [id(3)], [id(4)]]);
    expect(h.calls[0]?.query?.perPage).toBe('100');
  });
});
