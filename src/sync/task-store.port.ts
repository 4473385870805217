import type { Failure } from '../lib/service-error.ts';
import type { ActivityDraft, EventFields, TaskFields } from './build-drafts.ts';

/** A Task found by its key: its id, and its Description (which names the insights version it was written from). */
export interface FoundTask {
  readonly id: string;
  readonly description: string | undefined;
}

/** One record's outcome in a create: its new id, or why Salesforce refused it. */
export type CreateOutcome = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly failure: Failure };

/** A field of Task as Salesforce's describe reports it to the integration user (what mapped values are coerced to). */
export interface TaskFieldInfo {
  /** The API name, spelled as the org spells it. */
  readonly name: string;
  readonly label: string;
  /** describe's type: string, textarea, picklist, multipicklist, combobox, double, int, percent, currency, url, boolean, ... */
  readonly type: string;
  /** Text types: the most characters the field holds. */
  readonly length: number;
  /** Number types: digits in all (int: describe's `digits`) and after the decimal point. */
  readonly precision: number;
  readonly scale: number;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly restrictedPicklist: boolean;
  /** A picklist's active values. */
  readonly picklistValues: readonly string[];
}

/** Task's fields by API name in lower case (Salesforce compares API names ignoring case). */
export type FieldCatalog = ReadonlyMap<string, TaskFieldInfo>;

/** Values of the admin's mapped fields (mapping `fields.task`), already coerced to each field's type. */
export type MappedFields = Readonly<Record<string, string | number | boolean>>;

/** A record to write: a draft and, on the call activity, the mapped fields (written with it; left out if refused). */
export type ActivityWrite = ActivityDraft & { readonly mapped?: MappedFields };

/**
 * What find looks for: a Task's key, or a meeting's Event. The Event is found by its key where the key has a field
 * (the External ID mode); else among the Events that start at `start`, or on the owner's day around it (a rep may
 * have moved it), by the `marker` line of its Description.
 */
export type FindTarget = string | { readonly key: string; readonly marker: string; readonly ownerId: string; readonly start: string };

/** What find is given for a draft. */
export function findTarget(d: ActivityDraft): FindTarget {
  return d.kind === 'meeting' ? { key: d.key, marker: d.marker, ownerId: d.fields.OwnerId, start: d.fields.StartDateTime } : d.key;
}

/** What relating people to an Event did. */
export type RelateOutcome =
  | { readonly kind: 'related'; readonly added: number; readonly present: number; readonly refused: ReadonlyArray<{ readonly id: string; readonly failure: Failure }> }
  | { readonly kind: 'no_shared_activities' };

/** Which object an activity is: a meeting's Event, else a Task. */
export type ActivityObject = 'Task' | 'Event';

/** Fields an update sets: a Task's or an Event's. */
export type ActivityUpdateFields = Partial<TaskFields> | Partial<EventFields>;

/**
 * Salesforce Tasks by key: what the write (write-call.ts) needs of Salesforce, and nothing it decides. Throws
 * ServiceError when a request fails as a whole. Deliberately not here: which Tasks to create or update, versions,
 * retries, which mapped fields to leave out (the core's), and SOQL, jsforce, HTTP and OAuth (the adapter's).
 */
export interface TaskStore {
  /** The Tasks holding these keys (in the key field the store was set up with) and the meetings' Events, by key. */
  find(targets: readonly FindTarget[]): Promise<ReadonlyMap<string, FoundTask>>;
  /**
   * Creates the drafts, each with its key and mapped fields; one outcome per draft, in order. `shared`: the records
   * may go in one collection request with other calls' (so a refused record touches no other); else in a request
   * of their own.
   */
  create(drafts: readonly ActivityWrite[], opts: { readonly shared: boolean }): Promise<readonly CreateOutcome[]>;
  /** Sets these fields (and mapped fields) on the Task (or, `sobject` Event, the Event). */
  update(id: string, fields: ActivityUpdateFields, mapped?: MappedFields, sobject?: ActivityObject): Promise<void>;
  /**
   * Relates these Contacts to the Event as its further people (EventRelation with IsParent: Shared Activities), each
   * once: those related already are counted, not added again. `no_shared_activities` where the org has no Shared
   * Activities (its EventRelation only holds invitees): nothing is written. Throws ServiceError when a request fails.
   */
  relateToEvent(eventId: string, contactIds: readonly string[]): Promise<RelateOutcome>;
  /** Task's fields as the integration user sees them: described once and cached by the store, never per call. */
  describeFields(): Promise<FieldCatalog>;
}
