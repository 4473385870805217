/**
 * PacedRequests, the one pacing mechanism of the readers (backfill, catch-up): each rate group is paced from the
 * previous answer of the same group only, and a 429 waits its Retry-After. A scripted Platform and a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/lib/logger.ts';
import { PacedRequests, recordedCallPages } from '../../../src/ringcentral/paced-requests.ts';
import type { Platform } from '../../../src/ringcentral/sdk.ts';

const limits = (group: string, limit: number, remaining: number, windowS = 60): Record<string, string> => ({
  'x-rate-limit-group': group,
  'x-rate-limit-limit': String(limit),
  'x-rate-limit-remaining': String(remaining),
  'x-rate-limit-window': String(windowS),
});
const ok = (body: unknown, headers: Record<string, string>): Response => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', ...headers } });
/** What the SDK throws for a 429: an error carrying the response. */
const tooMany = (retryAfterS: string): Error =>
  Object.assign(new Error('Request rate exceeded'), {
    response: new Response(JSON.stringify({ errorCode: 'CMN-301', message: 'Request rate exceeded' }), { status: 429, headers: { 'retry-after': retryAfterS, ...limits('light', 50, 0) } }),
  });

type Answer = Response | Error;
function harness(answer: (url: string, query: Record<string, string> | undefined) => Answer) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const calls: Array<{ url: string; at: number; query: Record<string, string> | undefined }> = [];
  const platform = {
    get: (url: string, query?: Record<string, string>): Promise<Response> => {
      calls.push({ url, at: now, query });
      const a = answer(url, query);
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    },
  } as unknown as Platform;
  const paced = new PacedRequests({
    platform,
    logger: silentLogger(),
    eventPrefix: 'test',
    signal: new AbortController().signal,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  });
  return { paced, sleeps, calls, advance: (ms: number) => (now += ms) };
}

describe('PacedRequests', () => {
  it('paces Heavy requests one window/limit apart, and Light requests are not held back by the Heavy window', async () => {
    const h = harness((url) => (url.includes('call-log') ? ok({ records: [] }, limits('heavy', 10, 9)) : ok({ ok: true }, limits('light', 50, 49))));
    await h.paced.get('heavy', '/restapi/v1.0/account/~/call-log', { page: '1' });
    await h.paced.get('light', '/insights/1', undefined);
    await h.paced.get('light', '/insights/2', undefined);
    expect(h.sleeps).toEqual([]);
    await h.paced.get('heavy', '/restapi/v1.0/account/~/call-log', { page: '2' });
    expect(h.sleeps).toEqual([6000]); // 60 s / 10
    expect(h.calls.map((c) => c.at - h.calls[0]!.at)).toEqual([0, 0, 0, 6000]);
  });

  it('waits for the Light window to turn when its remaining requests reach the reserve', async () => {
    let remaining = 7;
    const h = harness(() => ok({}, limits('light', 50, remaining--, 60)));
    await h.paced.get('light', '/a', undefined); // 7 left
    await h.paced.get('light', '/b', undefined); // 6 left
    await h.paced.get('light', '/c', undefined); // 5 left: the reserve
    expect(h.sleeps).toEqual([]);
    await h.paced.get('light', '/d', undefined);
    expect(h.sleeps).toEqual([60_000]);
  });

  it('a 429 waits its Retry-After, then the same request is made again and answers', async () => {
    let n = 0;
    const rateWaits: number[] = [];
    const h = harness(() => (++n === 1 ? tooMany('7') : ok({ insights: 'yes' }, limits('light', 50, 40))));
    const body = await h.paced.get('light', '/ai/ringsense/v1/public/accounts/~/domains/pbx/records/9/insights', undefined, { onRateWait: (ms) => rateWaits.push(ms) });
    expect(body).toEqual({ insights: 'yes' });
    expect(h.calls.map((c) => c.url)).toEqual(['/ai/ringsense/v1/public/accounts/~/domains/pbx/records/9/insights', '/ai/ringsense/v1/public/accounts/~/domains/pbx/records/9/insights']);
    expect(h.sleeps).toEqual([7000]);
    expect(rateWaits).toEqual([7000]);
    expect(h.calls[1]!.at - h.calls[0]!.at).toBe(7000);
  });
});

describe('recordedCallPages', () => {
  const page = (ids: string[], next: boolean) => ok({ records: ids.map((id) => ({ recording: { id } })), navigation: next ? { nextPage: { uri: 'x' } } : {} }, limits('heavy', 10, 9));

  it('starts at firstPage (a resumed backfill) and stops after the page without a next one', async () => {
    const h = harness((_url, q) => (q?.page === '3' ? page(['5', '6'], true) : page(['7'], false)));
    const pages: string[][] = [];
    for await (const ids of recordedCallPages(h.paced, { from: 0, to: 1000, perPage: 2, firstPage: 3 })) pages.push(ids);
    expect(pages).toEqual([['5', '6'], ['7']]);
    expect(h.calls.map((c) => [c.query?.page, c.query?.perPage])).toEqual([['3', '2'], ['4', '2']]);
  });
});
