/**
 * What this sync has written, kept next to the queue: it spares Salesforce a lookup before every write. A call
 * with no entry has never been written, so its Tasks are created straight away; a call with an entry is either
 * done (the same or an older version changes nothing, with no request at all) or must be looked up first (a newer
 * version, or a write that began and never finished). Salesforce stays the truth whenever there is doubt.
 */
export interface LedgerEntry {
  /** The insights version (lastModifiedTime) last written completely. */
  readonly version?: string;
  readonly callTaskId?: string;
  /** A write began and did not finish (a crash, a failure): Salesforce may hold part of it. */
  readonly unfinished: boolean;
}

export interface WriteLedger {
  /** How long an entry is kept after its last write: a call older than that may be in Salesforce with no entry. */
  readonly retentionMs: number;
  read(sourceRecordId: string): Promise<LedgerEntry | undefined>;
  /** Before any Task of the call is created. */
  begin(sourceRecordId: string): Promise<void>;
  /** After every Task of this version is in Salesforce. */
  finish(sourceRecordId: string, version: string, callTaskId: string): Promise<void>;
}

/** A write finished: every Task of this version is in Salesforce. */
export interface FinishedWrite {
  readonly version: string;
  readonly callTaskId: string;
}

/**
 * One call's ledger as the writer of the call holds it (the call lock hands it over): the entry read when the call
 * was taken, and `begin` to mark a write under way before any Task is created. The finished write is handed back
 * to the lock, which records it as it frees the call.
 */
export interface CallLedger {
  /** Undefined: the ledger has never seen this call. */
  readonly entry: LedgerEntry | undefined;
  readonly retentionMs: number;
  begin(): Promise<void>;
}
