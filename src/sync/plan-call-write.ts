import type { LedgerEntry } from './write-ledger.port.ts';
import { compareVersions } from './version.ts';

/**
 * The write plan: whether a call needs writing at all, and whether Salesforce must be asked what it holds first.
 * One pure decision, from where the call came from, which attempt this is, what the write ledger says and the
 * version of the insights. Salesforce stays the truth whenever there is doubt: only a call nothing can have
 * written yet is created without looking.
 */

/** Where the call came from: the WebSocket event, or insights fetched over REST by catch-up, backfill or replay. */
export type CallSource = 'event' | 'catch_up' | 'backfill' | 'replay';

export interface WritePlanInput {
  readonly source: CallSource;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Whether a write ledger is there to ask (without one, nothing is known). */
  readonly ledger: { readonly entry: LedgerEntry | undefined; readonly retentionMs: number } | undefined;
  /** The insights version (lastModifiedTime) and the recording's start. */
  readonly version: string;
  readonly recordingStartTime: string;
  readonly now: number;
}

export type LookReason =
  /** The admin asked for it again: a Task may have been deleted since. */
  | 'replay'
  /** No ledger to ask. */
  | 'no_ledger'
  /** An earlier attempt may have written part of it. */
  | 'retry'
  /** Catch-up and backfill find calls the WebSocket may have delivered already (or a Redis that lost its data). */
  | 'catch_up'
  | 'backfill'
  /** A write began and never finished. */
  | 'unfinished'
  /** An older version is written: update it and add what is new. */
  | 'newer_version'
  /** Recorded longer ago than the ledger remembers (or its start time is unreadable): it may be written. */
  | 'older_than_ledger';

export type WritePlan =
  | { readonly action: 'skip'; readonly reason: 'written_already'; readonly callTaskId: string }
  | { readonly action: 'create'; readonly reason: 'never_seen' }
  | { readonly action: 'look_first'; readonly reason: LookReason };

/** A day of margin: an entry is written when its call is synced, which can be a while after the recording started. */
export const LEDGER_MARGIN_MS = 86_400_000;

export function planCallWrite(input: WritePlanInput): WritePlan {
  const entry = input.ledger?.entry;
  if (input.source === 'replay') return { action: 'look_first', reason: 'replay' };
  // The same version twice (a redelivery, the second event of a call) or an older one after a newer: done already.
  if (entry && !entry.unfinished && entry.callTaskId && entry.version !== undefined && compareVersions(entry.version, input.version) >= 0) {
    return { action: 'skip', reason: 'written_already', callTaskId: entry.callTaskId };
  }
  if (!input.ledger) return { action: 'look_first', reason: 'no_ledger' };
  if (input.attempt > 1) return { action: 'look_first', reason: 'retry' };
  if (input.source === 'catch_up' || input.source === 'backfill') return { action: 'look_first', reason: input.source };
  if (entry) return { action: 'look_first', reason: entry.unfinished ? 'unfinished' : 'newer_version' };
  const started = Date.parse(input.recordingStartTime);
  if (Number.isNaN(started) || input.now - started > input.ledger.retentionMs - LEDGER_MARGIN_MS) return { action: 'look_first', reason: 'older_than_ledger' };
  return { action: 'create', reason: 'never_seen' };
}
