import type { Failure } from '../lib/service-error.ts';
import type { CallDrafts } from './build-drafts.ts';

export interface FollowUpFailure {
  readonly key: string;
  readonly failure: Failure;
}

/** What one write did: enough to log, count and prove idempotency. */
export interface WriteReport {
  readonly callTaskId: string;
  readonly call: 'created' | 'updated' | 'unchanged';
  readonly followUpsCreated: number;
  readonly followUpsExisting: number;
  /** Follow-ups Salesforce refused for good (validation rules...): the rest were written. */
  readonly followUpFailures: readonly FollowUpFailure[];
}

/**
 * Writes a call's Tasks idempotently: with `verify`, the call activity and follow-ups are found by their keys first, so
 * writing the same drafts again creates nothing; a newer version updates the call activity and adds only new
 * follow-ups, never touching existing ones (a rep may have edited or closed them). Throws ServiceError.
 * Deliberately not here: SOQL, jsforce, HTTP and OAuth.
 */
export interface TaskWriter {
  writeCall(drafts: CallDrafts, opts: WriteOptions, signal?: AbortSignal): Promise<WriteReport>;
}

export interface WriteOptions {
  /**
   * False only when nothing of this call can be in Salesforce yet (the write ledger has never seen it): the
   * Tasks are created without looking first, and may share a request with other calls' Tasks. True looks
   * them up by their keys first (a retry, a newer version, a replay), so nothing is created twice.
   */
  readonly verify: boolean;
}
