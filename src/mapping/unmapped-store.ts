/**
 * The admin's to-do list behind `ringsense-sync unmapped`: owner extensions and external parties the worker could
 * not map, with how often and when last. A TallyList (src/lib/tally-list.ts) under `${prefix}:unmapped`, members
 * `<reason>|<subject>`: entries not seen for `retentionMs` (90 days) and all but the newest `maxEntries` (10,000)
 * are trimmed on every write.
 */
import { TallyList, type ScriptClient } from '../lib/tally-list.ts';

export type UnmappedReason = 'unmapped_owner' | 'no_contact_match' | 'logged_without_contact';
export const UNMAPPED_REASONS: readonly UnmappedReason[] = ['unmapped_owner', 'no_contact_match', 'logged_without_contact'];

export interface UnmappedMiss {
  readonly reason: UnmappedReason;
  /** An owner's RingCentral extension id; or the external party's E.164 number, else their name (MappingMiss.subject). */
  readonly subject: string;
  /** The call (RingSense recording id) it happened on. */
  readonly sourceRecordId: string;
  /** When (epoch ms). */
  readonly at: number;
}

export interface UnmappedEntry {
  readonly reason: UnmappedReason;
  readonly subject: string;
  /** Calls recorded since firstSeen (the same call recorded twice in a row counts once). */
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly lastSourceRecordId: string;
}

/** What the worker needs: a port, so the processor can be tested with a fake. */
export interface UnmappedRecorder {
  record(miss: UnmappedMiss): Promise<void>;
}

export interface UnmappedStoreOptions {
  readonly retentionMs?: number;
  readonly maxEntries?: number;
}

export const UNMAPPED_RETENTION_MS = 90 * 24 * 3600_000;
export const UNMAPPED_MAX_ENTRIES = 10_000;

function isReason(v: string): v is UnmappedReason {
  return (UNMAPPED_REASONS as readonly string[]).includes(v);
}

export class UnmappedStore implements UnmappedRecorder {
  readonly #list: TallyList;

  constructor(redis: ScriptClient, prefix: string, opts: UnmappedStoreOptions = {}) {
    this.#list = new TallyList(redis, `${prefix}:unmapped`, { retentionMs: opts.retentionMs ?? UNMAPPED_RETENTION_MS, maxEntries: opts.maxEntries ?? UNMAPPED_MAX_ENTRIES });
  }

  /** Counts one call for `reason` + `subject` and trims old entries. Throws only if Redis fails. */
  async record(miss: UnmappedMiss): Promise<void> {
    await this.#list.record(miss.reason, miss.subject, miss);
  }

  /** Entries last seen at or after `sinceMs`, newest first. */
  async list(opts: { sinceMs: number }): Promise<UnmappedEntry[]> {
    return (await this.#list.list(opts.sinceMs)).flatMap((e) =>
      isReason(e.kind) ? [{ reason: e.kind, subject: e.subject, count: e.count, firstSeen: e.firstSeen, lastSeen: e.lastSeen, lastSourceRecordId: e.lastSourceRecordId }] : [],
    );
  }
}
