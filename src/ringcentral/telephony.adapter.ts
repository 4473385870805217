import type { CallLegQuery, TelephonyDirectory } from '../mapping/directory.port.ts';
import { silentLogger, type Logger } from '../lib/logger.ts';
import { TtlCache } from '../lib/ttl-cache.ts';
import { RingCentralError, toRingCentralError } from './ringcentral-error.ts';
import type { Platform } from './sdk.ts';

const DAY_MS = 24 * 3600_000;
const DEFAULT_TTL_MS = 3600_000;
const DEFAULT_MAX_ENTRIES = 5_000;

/** The parts of a call-log record (view=Simple) this adapter reads. */
interface CallLogParty {
  phoneNumber?: string;
  extensionNumber?: string;
}
interface CallLogRecord {
  direction?: string;
  from?: CallLogParty;
  to?: CallLogParty;
  recording?: { id?: string | number };
}
interface CallLeg {
  recordingId: string | undefined;
  direction: 'Inbound' | 'Outbound' | undefined;
  from: string | undefined;
  to: string | undefined;
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

export interface RingCentralTelephonyOptions {
  readonly platform: Platform;
  readonly logger?: Logger;
  /** How long looked-up e-mails and call legs are kept (default 1 h). */
  readonly cacheTtlMs?: number;
  readonly cacheMaxEntries?: number;
  readonly now?: () => number;
}

/**
 * TelephonyDirectory over the RingCentral REST API (through the SDK's Platform, which adds and refreshes the
 * token). Throws only RingCentralError; a 429 keeps its Retry-After as `failure.waitMs`.
 */
export class RingCentralTelephony implements TelephonyDirectory {
  readonly #platform: Platform;
  readonly #logger: Logger;
  readonly #emails: TtlCache<string | undefined>;
  readonly #legs: TtlCache<CallLeg[]>;
  readonly #inflight = new Map<string, Promise<unknown>>();
  readonly #ttlMs: number;

  constructor(opts: RingCentralTelephonyOptions) {
    this.#platform = opts.platform;
    this.#logger = opts.logger ?? silentLogger();
    this.#ttlMs = opts.cacheTtlMs ?? DEFAULT_TTL_MS;
    const cacheOpts = { maxEntries: opts.cacheMaxEntries ?? DEFAULT_MAX_ENTRIES, ...(opts.now ? { now: opts.now } : {}) };
    this.#emails = new TtlCache(cacheOpts);
    this.#legs = new TtlCache(cacheOpts);
  }

  async extensionEmail(extensionId: string): Promise<string | undefined> {
    if (this.#emails.has(extensionId)) return this.#emails.get(extensionId);
    return this.#once(`ext:${extensionId}`, async () => {
      const body = await getJson(this.#platform, `/restapi/v1.0/account/~/extension/${encodeURIComponent(extensionId)}`);
      const email = (body as { contact?: { email?: unknown } } | undefined)?.contact?.email;
      const value = typeof email === 'string' && email !== '' ? email : undefined;
      if (body === undefined) this.#logger.info('rc_extension_not_found', { extensionId });
      this.#emails.set(extensionId, value, this.#ttlMs);
      return value;
    });
  }

  async externalNumber(call: CallLegQuery): Promise<string | undefined> {
    const legs = this.#legs.get(call.sourceSessionId) ?? (await this.#callLegs(call));
    const leg = legs.find((l) => l.recordingId === call.sourceRecordId) ?? legs[0];
    if (!leg) return undefined;
    const direction = leg.direction ?? call.direction;
    if (direction === undefined) return undefined;
    return direction === 'Inbound' ? leg.from : leg.to;
  }

  async #callLegs(call: CallLegQuery): Promise<CallLeg[]> {
    return this.#once(`log:${call.sourceSessionId}`, async () => {
      const start = Date.parse(call.recordingStartTime);
      if (Number.isNaN(start)) {
        throw new RingCentralError({ kind: 'permanent', code: 'invalid_recording_start_time', message: `recordingStartTime "${call.recordingStartTime}" is not a date` });
      }
      // The recording may start well after the call did, and the call log's clock is the call's: pad ±24 h as App Connect does.
      const body = await getJson(this.#platform, '/restapi/v1.0/account/~/call-log', {
        telephonySessionId: call.sourceSessionId,
        view: 'Simple',
        dateFrom: new Date(start - DAY_MS).toISOString(),
        dateTo: new Date(start + DAY_MS).toISOString(),
      });
      const records = (body as { records?: unknown } | undefined)?.records;
      const legs = Array.isArray(records) ? records.filter((r): r is CallLogRecord => !!r && typeof r === 'object').map(toLeg) : [];
      // Not in the call log (yet): do not remember the absence, a retry may find it.
      if (legs.length > 0) this.#legs.set(call.sourceSessionId, legs, this.#ttlMs);
      else this.#logger.info('rc_call_log_no_record', { sourceSessionId: call.sourceSessionId, sourceRecordId: call.sourceRecordId });
      return legs;
    });
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
 * none (404: not analysed yet, no licence, or unknown id). Used by replay and catch-up.
 */
export async function fetchRecordingInsights(platform: Platform, sourceRecordId: string): Promise<unknown> {
  return getJson(platform, `/ai/ringsense/v1/public/accounts/~/domains/pbx/records/${encodeURIComponent(sourceRecordId)}/insights`);
}
