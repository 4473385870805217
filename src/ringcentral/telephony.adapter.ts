import type { CallLegQuery, TelephonyDirectory } from '../mapping/directory.port.ts';
import { silentLogger, type Logger } from '../lib/logger.ts';
import { TtlCache } from '../lib/ttl-cache.ts';
import { CallLogWindows } from './call-log-window.ts';
import { CALL_LOG_PATH } from './paced-requests.ts';
import { RingCentralError, toRingCentralError } from './ringcentral-error.ts';
import type { Platform } from './sdk.ts';
import { MAX_EVENT_BYTES } from './insights-event.schema.ts';
import { OversizedPayload } from './oversized-payload.ts';
import type { AceDomain } from '../calls/domains.ts';
import { recordInsightsPath } from './domain-paths.ts';

const DEFAULT_TTL_MS = 3600_000;
const DEFAULT_MAX_ENTRIES = 5_000;
/** Call-log entries: two per recorded call of every fetched window (by session and by recording id). */
const DEFAULT_MAX_CALL_LOG_ENTRIES = 50_000;

export interface RingCentralTelephonyOptions {
  readonly platform: Platform;
  readonly logger?: Logger;
  /** How long looked-up e-mails and call legs are kept (default 1 h). */
  readonly cacheTtlMs?: number;
  readonly cacheMaxEntries?: number;
  /** Cap on cached call-log entries (default 50 000; should exceed two per recorded call of a few windows). */
  readonly callLogMaxEntries?: number;
  /** Call-log window width (default 60 min) and how often a window missing a session may be re-fetched (default 10 s). */
  readonly callLogWindowMs?: number;
  readonly callLogRefetchMs?: number;
  readonly now?: () => number;
}

/**
 * TelephonyDirectory over the RingCentral REST API (through the SDK's Platform, which adds and refreshes the
 * token). Throws only RingCentralError; a 429 keeps its Retry-After as `failure.waitMs`.
 */
export class RingCentralTelephony implements TelephonyDirectory {
  readonly #platform: Platform;
  readonly #logger: Logger;
  /** Extension id -> e-mail; null when the extension has none (undefined from the cache is a miss). */
  readonly #emails: TtlCache<string | null>;
  readonly #callLog: CallLogWindows;
  readonly #inflight = new Map<string, Promise<unknown>>();
  readonly #ttlMs: number;

  constructor(opts: RingCentralTelephonyOptions) {
    this.#platform = opts.platform;
    this.#logger = opts.logger ?? silentLogger();
    this.#ttlMs = opts.cacheTtlMs ?? DEFAULT_TTL_MS;
    const cacheOpts = { maxEntries: opts.cacheMaxEntries ?? DEFAULT_MAX_ENTRIES, ...(opts.now ? { now: opts.now } : {}) };
    this.#emails = new TtlCache(cacheOpts);
    this.#callLog = new CallLogWindows({
      fetchCallLog: (query) => getJson(this.#platform, CALL_LOG_PATH, query),
      logger: this.#logger,
      ttlMs: this.#ttlMs,
      maxEntries: opts.callLogMaxEntries ?? DEFAULT_MAX_CALL_LOG_ENTRIES,
      now: opts.now ?? Date.now,
      ...(opts.callLogWindowMs ? { windowMs: opts.callLogWindowMs } : {}),
      ...(opts.callLogRefetchMs !== undefined ? { refetchMs: opts.callLogRefetchMs } : {}),
    });
  }

  async extensionEmail(extensionId: string): Promise<string | undefined> {
    // One read: an entry expiring between a has and a get would read as "no e-mail".
    const known = this.#emails.get(extensionId);
    if (known !== undefined) return known ?? undefined;
    return this.#once(`ext:${extensionId}`, async () => {
      const body = await getJson(this.#platform, `/restapi/v1.0/account/~/extension/${encodeURIComponent(extensionId)}`);
      const email = (body as { contact?: { email?: unknown } } | undefined)?.contact?.email;
      const value = typeof email === 'string' && email !== '' ? email : undefined;
      if (body === undefined) this.#logger.info('rc_extension_not_found', { extensionId });
      this.#emails.set(extensionId, value ?? null, this.#ttlMs);
      return value;
    });
  }

  /**
   * The external number from the call log, read by time window (call-log-window.ts): the calls of one hour cost
   * one Heavy request between them. The record's own direction wins over the event's; internal calls have none.
   */
  async externalNumber(call: CallLegQuery): Promise<string | undefined> {
    const start = Date.parse(call.recordingStartTime);
    if (Number.isNaN(start)) {
      throw new RingCentralError({ kind: 'permanent', code: 'invalid_recording_start_time', message: `recordingStartTime "${call.recordingStartTime}" is not a date` });
    }
    const legs = await this.#callLog.legs(call.sourceSessionId, call.sourceRecordId, start);
    const leg = legs.find((l) => l.recordingId === call.sourceRecordId) ?? legs[0];
    if (!leg) return undefined;
    const direction = leg.direction ?? call.direction;
    if (direction === undefined) return undefined;
    return direction === 'Inbound' ? leg.from : leg.to;
  }

  /** Concurrent lookups of the same key share one request. */
  async #once<T>(key: string, load: () => Promise<T>): Promise<T> {
    const pending = this.#inflight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const p = load().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }
}

/** GET and parse JSON; a 404 is `undefined`; every other failure is a RingCentralError. */
async function getJson(platform: Platform, url: string, query?: Record<string, string>): Promise<unknown> {
  try {
    const res = await platform.get(url, query);
    return (await res.json());
  } catch (e) {
    const error = await toRingCentralError(e);
    if (error.failure.code === 'not_found') return undefined;
    throw error;
  }
}

/**
 * The RingSense insights of one recording (`RecordingInsights`, unvalidated), or undefined when RingSense has
 * none (404: not analysed yet, no licence, or unknown id); an OversizedPayload when the response is over
 * MAX_EVENT_BYTES (it is neither parsed nor held whole). Used by replay, catch-up and backfill.
 */
export async function fetchRecordingInsights(platform: Platform, domain: AceDomain, sourceRecordId: string): Promise<unknown> {
  const url = recordInsightsPath(domain, sourceRecordId);
  let res: Response;
  try {
    res = await platform.get(url);
  } catch (e) {
    const error = await toRingCentralError(e);
    if (error.failure.code === 'not_found') return undefined;
    throw error;
  }
  try {
    const body = await readCapped(res, MAX_EVENT_BYTES);
    if (body.kind === 'over') return OversizedPayload.of(body.head, { sourceRecordId, domain }, body.bytes);
    return JSON.parse(body.text.toString('utf8')) as unknown;
  } catch (e) {
    throw await toRingCentralError(e);
  }
}

/**
 * A response body read up to `max` bytes; past that only its first bytes are kept and the rest counted, so a
 * response of any size costs at most `max` bytes of memory.
 */
async function readCapped(res: Response, max: number): Promise<{ kind: 'whole'; text: Buffer } | { kind: 'over'; head: Buffer; bytes: number }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let head: Buffer | undefined;
  if (!res.body) return { kind: 'whole', text: Buffer.from(await res.arrayBuffer()) };
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (head) continue;
    chunks.push(Buffer.from(chunk));
    if (bytes > max) {
      head = Buffer.concat(chunks).subarray(0, OversizedPayload.HEAD_BYTES * 8);
      chunks.length = 0;
    }
  }
  return head ? { kind: 'over', head, bytes } : { kind: 'whole', text: Buffer.concat(chunks) };
}
