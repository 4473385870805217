import type { Failure } from '../lib/service-error.ts';

/** An Opportunity as the next-step sync reads it. */
export interface OpportunityNextStepRow {
  readonly id: string;
  /** Opportunity.NextStep; undefined when empty. */
  readonly nextStep: string | undefined;
  readonly isClosed: boolean;
}

/** One update's outcome: done, or why Salesforce refused this record (a validation rule, a locked record...). */
export type NextStepUpdateOutcome = { readonly ok: true } | { readonly ok: false; readonly failure: Failure };

/**
 * Salesforce Opportunities, for their NextStep: what the core (sync/opportunity-next-step.ts) needs and nothing it
 * decides. Reads and updates made at the same moment by several calls share requests. Throws ServiceError when a
 * request fails as a whole. Deliberately not here: which value to write and when (the core's), SOQL, sObject
 * Collections, jsforce and OAuth (the adapter's).
 */
export interface OpportunityStore {
  /** The opportunity's NextStep and whether it is closed; undefined when it does not exist (or is not visible). */
  readNextStep(id: string): Promise<OpportunityNextStepRow | undefined>;
  /** Sets Opportunity.NextStep; a refusal of this record is an outcome, a failed request throws. */
  writeNextStep(id: string, value: string): Promise<NextStepUpdateOutcome>;
}

/** What the sync last wrote into an opportunity's NextStep, and from which call (and version of its insights). */
export interface NextStepWrite {
  /** The call's recordingStartTime (ISO 8601). */
  readonly startedAt: string;
  readonly sourceRecordId: string;
  /** The insights version (lastModifiedTime) the value came from. */
  readonly version: string;
  /** The exact value written. */
  readonly value: string;
}

/**
 * Where the sync remembers what it wrote into each opportunity's NextStep: Salesforce's value alone cannot tell "a
 * person typed this" from "the sync wrote this". `lock` makes one writer at a time per opportunity (across
 * processes), so two calls of one deal cannot interleave their read, decision and write.
 */
export interface NextStepLedger {
  read(opportunityId: string): Promise<NextStepWrite | undefined>;
  record(opportunityId: string, write: NextStepWrite): Promise<void>;
  /** Waits for the opportunity (throws NextStepBusyError when it stays taken); returns the release. */
  lock(opportunityId: string): Promise<() => Promise<void>>;
}

/** Another writer held the opportunity's next step too long: the job is retried (its Task writes are idempotent). */
export class NextStepBusyError extends Error {
  override readonly name = 'NextStepBusyError';
}
