/**
 * RingCentral GETs within the account's rate limits, for every reader that walks many resources (the catch-up,
 * `backfill`, `config check --online`, `unmapped`). Requests are paced from the X-Rate-Limit-* headers of the
 * previous answer of the same group (catch-up-policy.ts pauseBefore), a 429 waits its Retry-After and a network
 * or 5xx failure is retried with backoff (retryDecision). Everything else is thrown as a RingCentralError.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { Logger } from '../lib/logger.ts';
import { pauseBefore, readCallLogPage, readRateWindow, retryDecision, type HeaderReader, type RateGroup, type RateWindow } from './catch-up-policy.ts';
import { toRingCentralError, type RingCentralError } from './ringcentral-error.ts';
import { RECORD_ID } from './insights-event.schema.ts';
import type { Platform } from './sdk.ts';

export const CALL_LOG_PATH = '/restapi/v1.0/account/~/call-log';
export const extensionPath = (id: string): string => `/restapi/v1.0/account/~/extension/${encodeURIComponent(id)}`;

export interface PacedRequestsOptions {
  readonly platform: Platform;
  readonly logger: Logger;
  /** Log event names are `<prefix>_paced` (debug), `<prefix>_rate_limited` and `<prefix>_retrying` (warn). */
  readonly eventPrefix: string;
  /** Aborting cuts any wait short: the pending get() rejects with the abort reason. */
  readonly signal: AbortSignal;
  readonly now?: () => number;
  /** Waits for pacing and retries; must reject when `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface GetOptions {
  /** A 404 resolves to `undefined` instead of throwing. */
  readonly absentOk?: boolean;
  /** Told every wait for a rate limit (pacing or Retry-After), before it starts. */
  readonly onRateWait?: (ms: number) => void;
}

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

/** One reader's view of the rate windows (one per group): share an instance between the requests of one job. */
export class PacedRequests {
  readonly #platform: Platform;
  readonly #log: Logger;
  readonly #prefix: string;
  readonly #signal: AbortSignal;
  readonly #now: () => number;
  readonly #sleepFn: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #windows: Partial<Record<RateGroup, RateWindow>> = {};

  constructor(opts: PacedRequestsOptions) {
    this.#platform = opts.platform;
    this.#log = opts.logger;
    this.#prefix = opts.eventPrefix;
    this.#signal = opts.signal;
    this.#now = opts.now ?? Date.now;
    this.#sleepFn = opts.sleep ?? defaultSleep;
  }

  /** GET `url` as JSON, paced and retried; `undefined` for a 404 when `absentOk`. */
  async get(group: RateGroup, url: string, query: Record<string, string> | undefined, opts: GetOptions = {}): Promise<unknown> {
    for (let attempt = 1; ; attempt += 1) {
      const pause = pauseBefore(this.#windows[group], group, this.#now());
      if (pause > 0) {
        this.#log.debug(`${this.#prefix}_paced`, { group, waitMs: pause });
        opts.onRateWait?.(pause);
        await this.#sleep(pause);
      }
      this.#signal.throwIfAborted();
      let error: RingCentralError;
      try {
        const res = await this.#platform.get(url, query);
        this.#windows[group] = readRateWindow(res.headers, group, this.#now());
        return await res.json();
      } catch (e) {
        const headers = (e as { response?: { headers?: HeaderReader } | null } | null)?.response?.headers;
        if (headers) this.#windows[group] = readRateWindow(headers, group, this.#now());
        error = await toRingCentralError(e);
      }
      if (opts.absentOk && error.failure.code === 'not_found') return undefined;
      const decision = retryDecision(error.failure, attempt);
      if (!decision.retry) throw error;
      if (decision.reason === 'rate_limited') {
        this.#log.warn(`${this.#prefix}_rate_limited`, { group, waitMs: decision.waitMs, attempt });
        opts.onRateWait?.(decision.waitMs);
        // Retry-After says when to come back: no extra pacing on top of it.
        this.#windows[group] = undefined;
      } else {
        this.#log.warn(`${this.#prefix}_retrying`, { group, code: error.failure.code, waitMs: decision.waitMs, attempt });
      }
      await this.#sleep(decision.waitMs);
    }
  }

  async #sleep(ms: number): Promise<void> {
    this.#signal.throwIfAborted();
    await this.#sleepFn(ms, this.#signal);
  }
}

export interface RecordedCallsQuery {
  readonly from: number;
  readonly to: number;
  /** Call-log page size (1..1000). */
  readonly perPage: number;
  /** The first page to read (1-based, default 1): a resumed reader skips the pages it finished. */
  readonly firstPage?: number;
  readonly onRateWait?: (ms: number) => void;
}

/**
 * The account call log between `from` and `to` (recorded voice calls only, `recordingType=All`), one page at a
 * time (Heavy group): yields each page's recording ids, in order and without repeats within the page.
 */
export async function* recordedCallPages(paced: PacedRequests, q: RecordedCallsQuery): AsyncGenerator<string[]> {
  const query = {
    dateFrom: new Date(q.from).toISOString(),
    dateTo: new Date(q.to).toISOString(),
    type: 'Voice',
    view: 'Simple',
    recordingType: 'All',
    perPage: String(q.perPage),
  };
  for (let page = q.firstPage ?? 1; ; page += 1) {
    const body = await paced.get('heavy', CALL_LOG_PATH, { ...query, page: String(page) }, q.onRateWait ? { onRateWait: q.onRateWait } : {});
    const { recordingIds, hasNext } = readCallLogPage(body);
    yield recordingIds;
    if (!hasNext) return;
  }
}

/** RingCentral Video's meeting history of the whole account (Light group; completed meetings only). */
export const ACCOUNT_MEETINGS_PATH = '/rcvideo/v1/history/account/~/meetings';

const meetingPageSchema = z.object({
  meetings: z.array(z.object({ id: z.string().regex(RECORD_ID) }).loose()).default([]),
  paging: z.object({ nextPageToken: z.string().min(1).optional() }).loose().optional(),
});

export interface MeetingsQuery {
  /** Meetings that started between these (ms). */
  readonly from: number;
  readonly to: number;
  /** Page size, 10..100 (the API's perPage bounds; default 100). */
  readonly perPage?: number;
  /** Start from this page (a `nextPageToken` learnt from an earlier page) instead of the first: a resumed reader skips the pages it finished. */
  readonly pageToken?: string;
  readonly onRateWait?: (ms: number) => void;
}

/** One meeting-history page: its meeting ids, and the token of the page after it (none on the last page). */
export interface MeetingPage {
  readonly ids: string[];
  readonly nextPageToken: string | undefined;
}

/** The API's perPage bounds for the account's meeting list. */
export const MEETING_PAGE_SIZE = { min: 10, max: 100 } as const;

/**
 * The account's completed RingCentral Video meetings that started between `from` and `to`, oldest first, one page
 * of up to `perPage` at a time (Light group), from the first page or from `pageToken`: yields each page's meeting
 * ids (an rcv recording's sourceRecordId, without repeats within the page) and the next page's token, so a reader
 * can store where it is. A page that is not one throws, as a malformed call-log page does.
 */
export async function* meetingHistoryPages(paced: PacedRequests, q: MeetingsQuery): AsyncGenerator<MeetingPage> {
  const perPage = q.perPage ?? MEETING_PAGE_SIZE.max;
  if (!Number.isInteger(perPage) || perPage < MEETING_PAGE_SIZE.min || perPage > MEETING_PAGE_SIZE.max) throw new RangeError(`meeting history perPage ${perPage}: ${MEETING_PAGE_SIZE.min}..${MEETING_PAGE_SIZE.max}`);
  const query = { startTimeFrom: new Date(q.from).toISOString(), startTimeTo: new Date(q.to).toISOString(), perPage: String(perPage), orderBy: '+startTime' };
  let token = q.pageToken;
  for (;;) {
    const body = await paced.get('light', ACCOUNT_MEETINGS_PATH, { ...query, ...(token ? { pageToken: token } : {}) }, q.onRateWait ? { onRateWait: q.onRateWait } : {});
    const page = meetingPageSchema.safeParse(body);
    if (!page.success) throw new Error(`the meeting history page is not one (${page.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
    token = page.data.paging?.nextPageToken;
    yield { ids: [...new Set(page.data.meetings.map((m) => m.id))], nextPageToken: token };
    if (!token) return;
  }
}

/** meetingHistoryPages, each page's meeting ids alone (for a reader that does not keep its place: the catch-up). */
export async function* meetingPages(paced: PacedRequests, q: MeetingsQuery): AsyncGenerator<string[]> {
  for await (const page of meetingHistoryPages(paced, q)) yield page.ids;
}
