import type { Failure } from '../lib/service-error.ts';
import type { EventFields, TaskFields } from './build-drafts.ts';
import { readVersion } from './describe-call.ts';
import type { CallWrite } from './mapped-fields.ts';
import type { ActivityObject, ActivityUpdateFields, ActivityWrite, CreateOutcome, FoundTask, MappedFields } from './task-store.port.ts';
import { compareVersions } from './version.ts';

/**
 * The diff: a call's drafts against the Tasks Salesforce holds for it, as what to create and what to update. Pure.
 * The rules: a newer version updates the call activity (never its owner, who or what) and adds the follow-ups that
 * are new, never touching those there (a rep may have edited or closed them); the same version changes nothing; an
 * older version (events out of order, a replay) changes nothing either, so a next step a newer analysis reworded or
 * dropped is not brought back.
 */

/**
 * Fields refreshed on the call activity when a newer version of the insights arrives (never owner/who/what); the
 * admin's mapped fields are refreshed too, except those the integration user may set on create only.
 */
export const UPDATABLE: ReadonlyArray<keyof TaskFields> = ['Subject', 'Description', 'CallDurationInSeconds', 'CallType', 'ActivityDate'];

/**
 * On a meeting's Event, only what the insights say: its time is the meeting's, which a newer analysis does not
 * change, and which a rep may have moved in the calendar.
 */
export const EVENT_UPDATABLE: ReadonlyArray<keyof EventFields> = ['Subject', 'Description'];

export type TaskDiff =
  /** Salesforce holds a newer version: nothing to write. */
  | { readonly kind: 'older'; readonly callTaskId: string; readonly followUpsPresent: number }
  | {
      readonly kind: 'write';
      readonly create: readonly ActivityWrite[];
      /** The call activity, when it is there already. */
      readonly callTaskId?: string;
      readonly update?: { readonly id: string; readonly sobject: ActivityObject; readonly fields: ActivityUpdateFields; readonly mapped?: MappedFields };
    };

export function diffTasks(drafts: CallWrite, existing: ReadonlyMap<string, FoundTask>): TaskDiff {
  const callTask = existing.get(drafts.call.key);
  const written = readVersion(callTask?.description);
  const newer = written !== undefined ? compareVersions(written, drafts.version) : -1;
  if (callTask && newer > 0) {
    return { kind: 'older', callTaskId: callTask.id, followUpsPresent: drafts.followUps.filter((f) => existing.has(f.key)).length };
  }
  const create = [...(callTask ? [] : [drafts.call]), ...drafts.followUps.filter((f) => !existing.has(f.key))];
  if (!callTask) return { kind: 'write', create };
  if (newer === 0) return { kind: 'write', create, callTaskId: callTask.id };
  const fields: Record<string, unknown> = {};
  const call = drafts.call;
  if (call.kind === 'meeting') for (const f of EVENT_UPDATABLE) fields[f] = call.fields[f];
  else for (const f of UPDATABLE) if (call.fields[f] !== undefined) fields[f] = call.fields[f];
  const createOnly = new Set(drafts.mappedCreateOnly ?? []);
  const mapped = Object.fromEntries(Object.entries(drafts.call.mapped ?? {}).filter(([name]) => !createOnly.has(name)));
  const sobject: ActivityObject = call.kind === 'meeting' ? 'Event' : 'Task';
  const update = { id: callTask.id, sobject, fields: fields as ActivityUpdateFields, ...(Object.keys(mapped).length ? { mapped } : {}) };
  return { kind: 'write', create, callTaskId: callTask.id, update };
}

/**
 * What Salesforce's refusal of one record means for the write: `refused` for good (a validation rule, a deleted
 * contact), `exists` (a duplicate key: another writer created it a moment ago, or a write the ledger forgot), or
 * `passing` (a lock, no result: the whole idempotent write is worth running again).
 */
export function refusalOf(failure: Failure): 'refused' | 'exists' | 'passing' {
  if (failure.code === 'DUPLICATE_VALUE') return 'exists';
  return failure.kind === 'permanent' || failure.kind === 'stale_reference' ? 'refused' : 'passing';
}

/** The outcome of a create the store returned nothing for. */
export const NO_RESULT: CreateOutcome = { ok: false, failure: { kind: 'transient', code: 'NO_RESULT', message: 'Salesforce returned no result for this record' } };
