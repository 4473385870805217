/**
 * The account call log read by time window instead of by session (wire notes §B4): the call log is in the Heavy
 * rate group (10 requests/min by default), so one request per call caps the sync at ~10 calls/min. A window is
 * an aligned slice of `windowMs` around a recording's start; one fetch (plus `navigation.nextPage` pages) indexes
 * every recorded call in it by `telephonySessionId` (by recording id when it has none), and serves every other call of that period.
 */
import type { Logger } from '../lib/logger.ts';
import { TtlCache } from '../lib/ttl-cache.ts';

/** The parts of a call-log record (view=Simple) the lookups read. */
interface CallLogParty {
  phoneNumber?: string;
  extensionNumber?: string;
}
interface CallLogRecord {
  telephonySessionId?: unknown;
  direction?: string;
  from?: CallLogParty;
  to?: CallLogParty;
  recording?: { id?: string | number };
}
export interface CallLeg {
  readonly recordingId: string | undefined;
  readonly direction: 'Inbound' | 'Outbound' | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

function phone(p: CallLogParty | undefined): string | undefined {
  return typeof p?.phoneNumber === 'string' && p.phoneNumber.trim() !== '' ? p.phoneNumber : undefined;
}

function toLeg(r: CallLogRecord): CallLeg {
  return {
    recordingId: r.recording?.id === undefined ? undefined : String(r.recording.id),
    direction: r.direction === 'Inbound' || r.direction === 'Outbound' ? r.direction : undefined,
    from: phone(r.from),
    to: phone(r.to),
  };
}

/** One call-log page: its records and whether `navigation.nextPage` points further. */
function readPage(body: unknown): { records: CallLogRecord[]; hasNext: boolean } {
  const b = (body && typeof body === 'object' ? body : {}) as { records?: unknown; navigation?: { nextPage?: { uri?: unknown } } };
  const records = Array.isArray(b.records) ? b.records.filter((r): r is CallLogRecord => !!r && typeof r === 'object') : [];
  return { records, hasNext: records.length > 0 && typeof b.navigation?.nextPage?.uri === 'string' };
}

const MAX_PAGES = 50;

export interface CallLogWindowsOptions {
  /** GET the account call log with this query (JSON body; `undefined` for a 404). Throws RingCentralError. */
  readonly fetchCallLog: (query: Record<string, string>) => Promise<unknown>;
  readonly logger: Logger;
  /** Width of an aligned window (default 60 min). */
  readonly windowMs?: number;
  /** Also read calls that started this long before the window (a recording can start after its call did; default 60 min). */
  readonly lookbackMs?: number;
  /** A session missing from a fetched window re-fetches it, at most once per this per window (default 10 s). */
  readonly refetchMs?: number;
  /** How long fetched legs and windows are kept. */
  readonly ttlMs: number;
  /** Cap on indexed entries (two per recorded call: by session and by recording id). */
  readonly maxEntries: number;
  readonly now: () => number;
}

/** Clock skew between RingSense's recording start and the call log's call start. */
const SKEW_MS = 60_000;

export class CallLogWindows {
  readonly #fetch: CallLogWindowsOptions['fetchCallLog'];
  readonly #log: Logger;
  readonly #windowMs: number;
  readonly #lookbackMs: number;
  readonly #refetchMs: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** `s:<telephonySessionId>` → legs; `r:<recordingId>` → the leg, for records without a session id. */
  readonly #legs: TtlCache<CallLeg[]>;
  /** Window start → when its last successful fetch started. */
  readonly #windows: TtlCache<number>;
  readonly #inflight = new Map<number, Promise<void>>();

  constructor(opts: CallLogWindowsOptions) {
    this.#fetch = opts.fetchCallLog;
    this.#log = opts.logger;
    this.#windowMs = opts.windowMs ?? 3600_000;
    this.#lookbackMs = opts.lookbackMs ?? 3600_000;
    this.#refetchMs = opts.refetchMs ?? 10_000;
    this.#ttlMs = opts.ttlMs;
    this.#now = opts.now;
    this.#legs = new TtlCache({ maxEntries: opts.maxEntries, now: opts.now });
    this.#windows = new TtlCache({ maxEntries: 1_000, now: opts.now });
  }

  /**
   * The recorded legs of a session (empty when the call log does not have it, yet). `at` is the recording's start
   * (epoch ms). Costs no request when the session is indexed, or when its window was fetched less than `refetchMs`
   * ago; otherwise fetches the window (concurrent lookups share the fetch). Absence is never cached.
   */
  async legs(sessionId: string, recordingId: string, at: number): Promise<CallLeg[]> {
    const hit = this.#find(sessionId, recordingId);
    if (hit) return hit;
    const start = Math.floor(at / this.#windowMs) * this.#windowMs;
    const fetchedAt = this.#windows.get(String(start));
    const fresh = fetchedAt !== undefined && this.#now() - fetchedAt < this.#refetchMs;
    if (!fresh || this.#inflight.has(start)) {
      await this.#fetchWindow(start);
      const found = this.#find(sessionId, recordingId);
      if (found) return found;
    }
    this.#log.info('rc_call_log_no_record', { sourceSessionId: sessionId, sourceRecordId: recordingId, window: new Date(start).toISOString(), refetched: !fresh });
    return [];
  }

  #find(sessionId: string, recordingId: string): CallLeg[] | undefined {
    return this.#legs.get(`s:${sessionId}`) ?? this.#legs.get(`r:${recordingId}`);
  }

  #fetchWindow(start: number): Promise<void> {
    const pending = this.#inflight.get(start);
    if (pending) return pending;
    const p = this.#load(start).finally(() => this.#inflight.delete(start));
    this.#inflight.set(start, p);
    return p;
  }

  async #load(start: number): Promise<void> {
    const startedAt = this.#now();
    const query = {
      dateFrom: new Date(start - this.#lookbackMs - SKEW_MS).toISOString(),
      dateTo: new Date(start + this.#windowMs + SKEW_MS).toISOString(),
      type: 'Voice',
      view: 'Simple',
      recordingType: 'All',
      perPage: '1000',
    };
    const bySession = new Map<string, CallLeg[]>();
    const byRecording = new Map<string, CallLeg>();
    let records = 0;
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const { records: batch, hasNext } = readPage(await this.#fetch({ ...query, page: String(page) }));
      records += batch.length;
      for (const r of batch) {
        const leg = toLeg(r);
        if (typeof r.telephonySessionId !== 'string' || r.telephonySessionId === '') {
          if (leg.recordingId !== undefined) byRecording.set(leg.recordingId, leg);
          continue;
        }
        const legs = bySession.get(r.telephonySessionId) ?? [];
        legs.push(leg);
        bySession.set(r.telephonySessionId, legs);
      }
      if (!hasNext) break;
    }
    for (const [id, legs] of bySession) this.#legs.set(`s:${id}`, legs, this.#ttlMs);
    // A record without a session id is still found by its recording id (one with a session id belongs to that session only).
    for (const [id, leg] of byRecording) this.#legs.set(`r:${id}`, [leg], this.#ttlMs);
    this.#windows.set(String(start), startedAt, this.#ttlMs);
    this.#log.debug('rc_call_log_window_fetched', { window: new Date(start).toISOString(), records, sessions: bySession.size });
  }
}
