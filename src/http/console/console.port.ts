import type { AuditEntry } from '../../queue/audit-log.ts';
/**
 * What the admin console reads and does, as ports: the console knows these shapes only, never the queue, Redis,
 * the leader lock or the Salesforce session behind them (src/app/console-facts.adapter.ts puts those behind it).
 * Deliberately not here: job data and call content (the overview shows ids, reasons, counts and the names of
 * callers that could not be mapped, nothing a call said).
 */

/** The RingCentral subscription, seen from this replica. */
export interface SubscriptionFacts {
  /** `holding`: this replica holds the subscription; `standby`: another does; `not_listening`: this process does not listen. */
  readonly role: 'holding' | 'standby' | 'stopped' | 'starting' | 'not_listening';
  /** The subscription's own state on the holder (`connected`, `reconnecting`...), when this replica holds it. */
  readonly state: string | undefined;
  readonly lastError: string | undefined;
  /** The id of the replica holding the lock (hostname-pid-uuid or pid-uuid), when one does. */
  readonly holder: string | undefined;
  /** This replica's id in the same form. */
  readonly thisReplica: string | undefined;
  /** The ACE domains subscribed to (RINGSENSE_DOMAINS). */
  readonly domains: readonly string[];
}

export interface QueueDepth {
  readonly waiting: number;
  readonly delayed: number;
  readonly active: number;
  readonly failed: number;
}

export interface SyncedCounts {
  readonly lastHour: number;
  readonly lastDay: number;
  readonly last7Days: number;
}

/** A call written to Salesforce: ids and the outcome only. */
export interface SyncedCall {
  readonly at: number;
  readonly jobId: string;
  readonly sourceRecordId: string;
  /** The call's Task in Salesforce. */
  readonly callTaskId: string;
  /** `created`, `updated` or `unchanged`. */
  readonly call: string;
  /** The call's link into RingSense (the event's rsRecordUri) as it came: any text until the view checks it. */
  readonly rsRecordUri?: string | undefined;
}

export interface FailureReasonCount {
  readonly reason: string;
  readonly count: number;
  /** The newest failure's message for this reason (ours: what went wrong and what to do). */
  readonly example: string;
}

export interface FailedCall {
  readonly jobId: string;
  readonly sourceRecordId: string | undefined;
  readonly reason: string;
  readonly message: string;
  readonly failedAt: number | undefined;
  readonly attemptsMade: number;
}

export interface FailureFacts {
  readonly total: number;
  /** Most frequent first. */
  readonly reasons: readonly FailureReasonCount[];
  /** Newest first, a few. */
  readonly newest: readonly FailedCall[];
}

export interface UnmappedFacts {
  /** Entries (reps or callers) per reason: unmapped_owner, no_contact_match, logged_without_contact. */
  readonly byReason: Readonly<Record<string, number>>;
  /** The entries seen last, newest first, a few: the subject is a RingCentral extension, a number or a caller's name. */
  readonly latest: ReadonlyArray<{ readonly reason: string; readonly subject: string; readonly count: number; readonly lastSeen: number }>;
}

export interface BudgetFacts {
  /** `not_working`: this process does not write to Salesforce, so it does not watch the budget. */
  readonly state: 'normal' | 'slow' | 'paused' | 'not_working';
  readonly used: number | undefined;
  readonly limit: number | undefined;
  /** SALESFORCE_API_SLOWDOWN_PERCENT and SALESFORCE_API_PAUSE_PERCENT, as shares (0-1). */
  readonly slowAt: number;
  readonly pauseAt: number;
}

/** Each section is undefined when it could not be read (Redis away...): `problems` says which and why. */
export interface OverviewFacts {
  readonly subscription: SubscriptionFacts;
  readonly queue: QueueDepth | undefined;
  readonly synced: SyncedCounts | undefined;
  readonly failures: FailureFacts | undefined;
  readonly unmapped: UnmappedFacts | undefined;
  readonly budget: BudgetFacts;
  /** The last 20 calls written, newest first. */
  readonly recent: readonly SyncedCall[] | undefined;
  /** The org's instance URL (links to records), once the worker has logged in. */
  readonly salesforceInstanceUrl: string | undefined;
  /** The workers' Salesforce API requests per hour (UTC), oldest first, the current hour so far last; every replica's. */
  readonly salesforceRequests?: ReadonlyArray<{ readonly hour: number; readonly requests: number }> | undefined;
  readonly problems: readonly string[];
}

export type RetryResult = { readonly kind: 'retried' } | { readonly kind: 'not_failed'; readonly state: string } | { readonly kind: 'not_found' };

/** A failed call as its detail page shows it. */
export interface FailedCallDetail extends FailedCall {
  readonly enqueuedAt: number;
  /** When its last attempt started. */
  readonly processedOn: number | undefined;
  /** `notification` (WebSocket) or the REST source (`replay`, `catch_up`, `backfill`). */
  readonly source: string | undefined;
}

export type FailureLookup =
  | {
      readonly kind: 'failed';
      readonly job: FailedCallDetail;
      /** The stored event as JSON text: its call content redacted unless it was asked for (and the asking audited). */
      readonly event: string;
      readonly content: boolean;
    }
  | { readonly kind: 'not_failed'; readonly state: string }
  | { readonly kind: 'not_found' };

/** One page of the failed set (newest first) and the counts of all of it. */
export interface FailuresPageFacts {
  readonly total: number;
  readonly reasons: readonly FailureReasonCount[];
  readonly jobs: readonly FailedCall[];
}

/** One line of the audit log (the log's own type: ids and counts only, never call content). */
export type { AuditEntry };

export interface BulkOutcome {
  /** How many jobs it concerned (retried, removed). */
  readonly count: number;
  /** The outcome in one sentence, as the CLI says it. */
  readonly summary: string;
}

/** What Find a call looks for: a recording or telephony session id, and/or an E.164 number (a term may be both). */
export interface CallQuery {
  readonly id: string | undefined;
  readonly phone: string | undefined;
}

/** A job of the call found in the queue: ids, state and timings; no call content. */
export interface QueuedCallFacts {
  readonly jobId: string;
  readonly sourceRecordId: string | undefined;
  readonly sourceSessionId: string | undefined;
  readonly domain: string | undefined;
  readonly state: 'waiting' | 'delayed' | 'active' | 'failed' | 'completed';
  readonly enqueuedAt: number;
  /** A delayed job's next attempt (a retry's backoff). */
  readonly nextAttemptAt: number | undefined;
  readonly finishedAt: number | undefined;
  readonly attemptsMade: number;
  /** A failed job's reason code and message. */
  readonly reason: string | undefined;
  readonly message: string | undefined;
}

export interface CallSearchFacts {
  readonly jobs: readonly QueuedCallFacts[];
  /** From the synced log: the calls written, newest first. */
  readonly written: readonly SyncedCall[];
  /** The newest this many jobs of each state, and synced entries, were looked at: no more. */
  readonly scannedPerState: number;
  /** The ACE domains a replay may read from (RINGSENSE_DOMAINS). */
  readonly domains: readonly string[];
  readonly salesforceInstanceUrl: string | undefined;
}

export interface ReplayResult {
  /** `queued`, `pending`, `no_insights`, `invalid`, `duplicate`, `unavailable`, `error`. */
  readonly kind: string;
  readonly jobId: string | undefined;
  /** The outcome in one sentence. */
  readonly summary: string;
}

/**
 * The failures and audit pages' members are optional: a server started without the service (tests of the dashboard
 * alone) has none, and the console says those pages are unavailable there.
 */
export interface ConsoleFacts {
  overview(now: number): Promise<OverviewFacts>;
  failuresPage?(page: { offset: number; limit: number }): Promise<FailuresPageFacts>;
  /** One failed call; its call content only with `content` (the caller has audited the reveal first). */
  failure?(jobId: string, opts: { content: boolean }): Promise<FailureLookup>;
  audit?(limit: number): Promise<readonly AuditEntry[]>;
  /** Find a call: a bounded scan of the newest jobs of each state and of the synced log. */
  findCall?(q: CallQuery): Promise<CallSearchFacts>;
  /** Prepares Find a call's first search in the background (the page is open, the admin is typing); returns at once. */
  warmFindCall?(): void;
  /** The mapping's default country (phone numbers written without +). */
  defaultCountry?(): string;
}

export interface ConsoleActions {
  /** Moves one failed call back to waiting with its attempts reset. */
  retryFailed(jobId: string): Promise<RetryResult>;
  /** Every failed call of one reason, back to waiting with attempts reset. */
  retryAllFailed?(reason: string): Promise<BulkOutcome>;
  /** Removes the failed calls that failed more than `days` ago (`daysText` as the admin wrote it). */
  purgeFailed?(days: number, daysText: string): Promise<BulkOutcome>;
  /** `ringsense-sync replay <id> --domain <d> --force`: the insights read over REST and queued again. */
  replayCall?(recordId: string, domain: string): Promise<ReplayResult>;
  /** Notes what an admin did in the audit log; throws when it cannot (the change or reveal is then not made). */
  recordAudit?(entry: AuditEntry): Promise<void>;
}
