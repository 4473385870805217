import type { Failure } from '../lib/service-error.ts';
import type { TaskDraft, TaskFields } from './build-drafts.ts';

/** A Task found by its key: its id, and its Description (which names the insights version it was written from). */
export interface FoundTask {
  readonly id: string;
  readonly description: string | undefined;
}

/** One record's outcome in a create: its new id, or why Salesforce refused it. */
export type CreateOutcome = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly failure: Failure };

/**
 * Salesforce Tasks by key: what the write (write-call.ts) needs of Salesforce, and nothing it decides. Throws
 * ServiceError when a request fails as a whole. Deliberately not here: which Tasks to create or update, versions,
 * retries (the core's), and SOQL, jsforce, HTTP and OAuth (the adapter's).
 */
export interface TaskStore {
  /** The Tasks holding these keys (in the key field the store was set up with). */
  find(keys: readonly string[]): Promise<ReadonlyMap<string, FoundTask>>;
  /**
   * Creates the drafts, each with its key; one outcome per draft, in order. `shared`: the records may go in one
   * collection request with other calls' (so a refused record touches no other); else in a request of their own.
   */
  create(drafts: readonly TaskDraft[], opts: { readonly shared: boolean }): Promise<readonly CreateOutcome[]>;
  /** Sets these fields on the Task. */
  update(id: string, fields: Partial<TaskFields>): Promise<void>;
}
