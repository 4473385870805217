/**
 * Catch-up of RingSense events the WebSocket may have lost (wire notes A8, B3, B4): a process restart or a
 * session recovery that reports `Failed` drops what happened meanwhile. A pass reads the account call log since
 * the checkpoint (recorded voice calls only: pbx) and, with rcv enabled, the account's RingCentral Video meeting
 * history (a meeting's id is its recording's sourceRecordId), fetches the insights of each recording and enqueues
 * them; an rcv meeting without insights that was not recorded is dropped (it never will have any); the queue's deterministic job ids make every re-read free.
 * A 404 (not analysed yet, or never: no RingSense licence) parks the recording in a pending set that is
 * re-checked with backoff until `pendingTtlMs`.
 *
 * Rate limits: the call log is in the Heavy group (10/min, shared with the worker's number lookups), insights in
 * Light. Requests are paced from the X-Rate-Limit-* headers of the previous answer (call-log pages at least
 * window/limit apart, a pause when only a reserve is left), and a 429 waits its Retry-After and goes on.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.ts';
import type { CatchUpDomain } from '../calls/domains.ts';
import { CatchUpStore, callLogStart, pendingMember, type PendingRecording, type RecordingRef } from './checkpoint.ts';
import { recordInsightsPath } from './domain-paths.ts';
import { meetingHistoryPath, meetingWasRecorded } from './meeting-history.adapter.ts';
import { meetingPages, PacedRequests, recordedCallPages } from './paced-requests.ts';
import { RingCentralError } from './ringcentral-error.ts';
import type { Platform } from './sdk.ts';

export type CatchUpReason = 'startup' | 'recovery_failed' | 'resubscribed' | 'recovery_successful' | 'periodic' | 'manual';

export interface CatchUpOptions {
  platform: Platform;
  /** For the checkpoint and the pending set. */
  redis: Redis;
  /** Key prefix (QUEUE_PREFIX). */
  prefix: string;
  /** Enqueues fetched insights, e.g. `(x) => enqueueInsights(queue, x, 'catch_up', logger)`. */
  enqueue: (insights: unknown) => Promise<{ status: 'enqueued' | 'duplicate' }>;
  logger: Logger;
  /** First run without a checkpoint: read this far back (default 24 h). */
  lookbackMs?: number;
  /** Re-read this much before the checkpoint, for late call-log entries (default 15 min). */
  overlapMs?: number;
  /** How long a recording whose insights answer 404 is re-checked (default 6 h). */
  pendingTtlMs?: number;
  /** Call-log page size (1..1000, default 1000). */
  perPage?: number;
  now?: () => number;
  /** Waits for rate limits and retries; rejects when `signal` aborts (close()). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told when a pass starts (a run joining one under way is not a new pass): for metrics. */
  onRun?: (reason: CatchUpReason) => void;
  /** The domains to recover (default pbx): pbx from the call log, rcv from the meeting history. */
  domains?: readonly CatchUpDomain[];
}

/** Meetings are listed by their start: read this much further back, so a long meeting analysed late is not missed. */
export const MEETING_LOOKBACK_MS = 4 * 3600_000;

export interface CatchUpRun {
  callLogPages: number;
  /** Pages of the account's meeting history read (rcv). */
  meetingPages: number;
  /** Distinct recordings listed by the call log. */
  recordings: number;
  enqueued: number;
  duplicates: number;
  /** Recordings still waiting for their insights after this pass. */
  pending: number;
  /** Pending recordings given up on (older than pendingTtlMs) in this pass. */
  expired: number;
  /** Time spent waiting for rate limits: 429 Retry-After and pacing. */
  rateLimitedMs: number;
}

function emptyRun(): CatchUpRun {
  return { callLogPages: 0, meetingPages: 0, recordings: 0, enqueued: 0, duplicates: 0, pending: 0, expired: 0, rateLimitedMs: 0 };
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class CatchUp {
  readonly #store: CatchUpStore;
  readonly #enqueue: CatchUpOptions['enqueue'];
  readonly #log: Logger;
  readonly #window: { lookbackMs: number; overlapMs: number };
  readonly #pendingTtlMs: number;
  readonly #perPage: number;
  readonly #now: () => number;
  readonly #onRun: CatchUpOptions['onRun'];
  readonly #abort = new AbortController();
  readonly #paced: PacedRequests;
  readonly #domains: readonly CatchUpDomain[];
  #full: Promise<CatchUpRun> | undefined;
  #recheck: Promise<CatchUpRun> | undefined;
  /** A call-log pass failed, or was asked for while one was already reading: the next periodic tick does one. */
  #callLogDue = false;
  #stopPeriodic: (() => void) | undefined;

  constructor(opts: CatchUpOptions) {
    this.#store = new CatchUpStore(opts.redis, opts.prefix);
    this.#enqueue = opts.enqueue;
    this.#log = opts.logger;
    this.#window = { lookbackMs: opts.lookbackMs ?? 24 * 3600_000, overlapMs: opts.overlapMs ?? 15 * 60_000 };
    this.#pendingTtlMs = opts.pendingTtlMs ?? 6 * 3600_000;
    this.#perPage = Math.max(1, Math.min(1000, Math.floor(opts.perPage ?? 1000)));
    this.#now = opts.now ?? Date.now;
    this.#onRun = opts.onRun;
    this.#domains = opts.domains ?? ['pbx'];
    this.#paced = new PacedRequests({
      platform: opts.platform,
      logger: opts.logger,
      eventPrefix: 'catchup',
      signal: this.#abort.signal,
      now: this.#now,
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
    });
  }

  /**
   * One pass: the call log since the checkpoint, the insights of each recording, then the pending ones. The
   * checkpoint moves to this pass's start once every call-log recording up to it is enqueued or pending. A call
   * while a pass runs returns that pass's promise. Rejects with a RingCentralError for what waiting cannot fix (and
   * with Redis errors); a pass cut short by close() resolves with what it did, without moving the checkpoint.
   */
  run(reason: CatchUpReason): Promise<CatchUpRun> {
    if (this.#abort.signal.aborted) return Promise.resolve(emptyRun());
    if (this.#full) {
      // The running pass may have read the call log before this request's events were lost: read it again soon.
      if (reason !== 'periodic') this.#callLogDue = true;
      return this.#full;
    }
    this.#callLogDue = false;
    this.#onRun?.(reason);
    const full = (async () => {
      await this.#recheck?.catch(() => undefined);
      return this.#fullPass(reason);
    })().finally(() => {
      this.#full = undefined;
    });
    this.#full = full;
    return full;
  }

  /**
   * Every `intervalMs`, re-checks the pending recordings that are due (or runs a whole pass when the last one
   * failed). Returns the function that stops it.
   */
  startPeriodic(intervalMs = 60_000): () => void {
    this.#stopPeriodic?.();
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const schedule = (): void => {
      if (stopped || this.#abort.signal.aborted) return;
      timer = setTimeout(() => void this.#tick().finally(schedule), intervalMs);
      timer.unref();
    };
    const stop = (): void => {
      stopped = true;
      clearTimeout(timer);
      if (this.#stopPeriodic === stop) this.#stopPeriodic = undefined;
    };
    this.#stopPeriodic = stop;
    schedule();
    return stop;
  }

  /** Stops the periodic re-check, cuts short any wait, and waits for a running pass to end. */
  async close(): Promise<void> {
    this.#stopPeriodic?.();
    this.#abort.abort();
    await Promise.allSettled([this.#full, this.#recheck]);
  }

  async #tick(): Promise<void> {
    try {
      if (this.#full) return;
      if (this.#callLogDue) await this.run('periodic');
      else await this.#recheckDue();
    } catch {
      // Logged by the pass; the next tick tries again.
    }
  }

  async #fullPass(reason: CatchUpReason): Promise<CatchUpRun> {
    const startedAt = this.#now();
    const stats = emptyRun();
    try {
      const checkpoint = await this.#store.checkpoint();
      const from = callLogStart(checkpoint, startedAt, this.#window);
      this.#log.info('catchup_started', { reason, from: iso(from), to: iso(startedAt), firstRun: checkpoint === undefined });
      const pending = new Map((await this.#store.pending()).map((p) => [pendingMember(p), p]));
      const seen = new Set<string>();
      if (this.#domains.includes('pbx')) await this.#readCallLog(from, startedAt, pending, seen, stats);
      if (this.#domains.includes('rcv')) await this.#readMeetings(from - MEETING_LOOKBACK_MS, startedAt, pending, seen, stats);
      await this.#store.advanceCheckpoint(startedAt);
      await this.#recheckPending([...pending.values()].filter((p) => !seen.has(pendingMember(p))), stats, false);
      stats.pending = await this.#store.pendingCount();
      this.#log.info('catchup_finished', { reason, ...stats, durationMs: this.#now() - startedAt });
      return stats;
    } catch (e) {
      this.#callLogDue = true;
      if (this.#stoppedBy(reason)) return stats;
      this.#logFailure(reason, e, stats);
      throw e;
    }
  }

  #recheckDue(): Promise<CatchUpRun> {
    this.#recheck ??= (async () => {
      const startedAt = this.#now();
      const stats = emptyRun();
      try {
        await this.#recheckPending(await this.#store.pending(), stats, true);
        stats.pending = await this.#store.pendingCount();
        const level = stats.enqueued + stats.duplicates + stats.expired > 0 ? 'info' : 'debug';
        this.#log.log(level, 'catchup_rechecked', { ...stats, durationMs: this.#now() - startedAt });
        return stats;
      } catch (e) {
        if (this.#stoppedBy('periodic')) return stats;
        this.#logFailure('periodic', e, stats);
        throw e;
      }
    })().finally(() => {
      this.#recheck = undefined;
    });
    return this.#recheck;
  }

  async #readCallLog(from: number, to: number, pending: Map<string, PendingRecording>, seen: Set<string>, stats: CatchUpRun): Promise<void> {
    const onRateWait = (ms: number): void => {
      stats.rateLimitedMs += ms;
    };
    for await (const recordingIds of recordedCallPages(this.#paced, { from, to, perPage: this.#perPage, onRateWait })) {
      stats.callLogPages += 1;
      for (const id of recordingIds) await this.#listed({ domain: 'pbx', sourceRecordId: id }, pending, seen, stats);
    }
  }

  async #readMeetings(from: number, to: number, pending: Map<string, PendingRecording>, seen: Set<string>, stats: CatchUpRun): Promise<void> {
    const onRateWait = (ms: number): void => {
      stats.rateLimitedMs += ms;
    };
    for await (const meetingIds of meetingPages(this.#paced, { from, to, onRateWait })) {
      stats.meetingPages += 1;
      for (const id of meetingIds) await this.#listed({ domain: 'rcv', sourceRecordId: id }, pending, seen, stats);
    }
  }

  /** A recording a listing named: checked once per pass. */
  async #listed(ref: RecordingRef, pending: Map<string, PendingRecording>, seen: Set<string>, stats: CatchUpRun): Promise<void> {
    const member = pendingMember(ref);
    if (seen.has(member)) return;
    seen.add(member);
    stats.recordings += 1;
    await this.#check(ref, pending.get(member), stats);
  }

  async #recheckPending(entries: readonly PendingRecording[], stats: CatchUpRun, onlyDue: boolean): Promise<void> {
    for (const p of entries) {
      const now = this.#now();
      if (onlyDue && p.nextCheckAt > now && now - p.firstSeenAt <= this.#pendingTtlMs) continue;
      await this.#check(p, p, stats);
    }
  }

  /** Fetches one recording's insights: enqueued, or (still) pending, or given up when pending too long. */
  async #check(ref: RecordingRef, previous: PendingRecording | undefined, stats: CatchUpRun): Promise<void> {
    const { domain, sourceRecordId } = ref;
    const now = this.#now();
    if (previous && now - previous.firstSeenAt > this.#pendingTtlMs) {
      await this.#store.remove(ref);
      stats.expired += 1;
      this.#log.warn('catchup_gave_up', { domain, sourceRecordId, pendingMs: now - previous.firstSeenAt, checks: previous.checks });
      return;
    }
    const onRateWait = (ms: number): void => {
      stats.rateLimitedMs += ms;
    };
    const insights = await this.#paced.get('light', recordInsightsPath(domain, sourceRecordId), undefined, { absentOk: true, onRateWait });
    if (insights === undefined) {
      // A meeting nobody recorded has no insights, and never will: not worth re-checking.
      if (domain === 'rcv' && !meetingWasRecorded(await this.#paced.get('light', meetingHistoryPath(sourceRecordId), undefined, { absentOk: true, onRateWait }))) {
        if (previous) await this.#store.remove(ref);
        this.#log.debug('catchup_not_recorded', { domain, sourceRecordId });
        return;
      }
      const checks = await this.#store.notAnalysed(ref, previous, now);
      this.#log.debug('catchup_not_analysed', { domain, sourceRecordId, checks });
      return;
    }
    const { status } = await this.#enqueue(insights);
    if (status === 'enqueued') stats.enqueued += 1;
    else stats.duplicates += 1;
    if (previous) await this.#store.remove(ref);
  }

  /** True (and logged) when the pass ended because close() was called. */
  #stoppedBy(reason: CatchUpReason): boolean {
    if (!this.#abort.signal.aborted) return false;
    this.#log.info('catchup_stopped', { reason });
    return true;
  }

  #logFailure(reason: CatchUpReason, e: unknown, stats: CatchUpRun): void {
    const failure = e instanceof RingCentralError ? e.failure : undefined;
    this.#log.error('catchup_failed', { reason, kind: failure?.kind, code: failure?.code, err: e instanceof Error ? e.message : String(e), ...stats });
  }
}
