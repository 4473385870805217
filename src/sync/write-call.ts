import { briefRetry } from '../lib/brief-retry.ts';
import { ServiceError, type Failure } from '../lib/service-error.ts';
import type { CallDrafts } from './build-drafts.ts';
import { diffTasks, NO_RESULT, refusalOf } from './diff-tasks.ts';
import type { CreateOutcome, TaskStore } from './task-store.port.ts';

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

/** The write plan's two ways of writing (plan-call-write.ts): create without looking, or look first. */
export type WriteMode = 'create' | 'look_first';

const salesforceError = (failure: Failure): ServiceError => new ServiceError('salesforce', failure);

/** The fast path could not settle the call alone (a shared request failed as a whole, an unclear result). */
const UNCLEAR = Symbol('unclear');

/**
 * A call nothing can have written yet: its Tasks are created straight away, in a request shared with other new
 * calls'. Anything unclear (the shared request failed as a whole, a record neither created nor refused, a duplicate
 * key: Salesforce holds the call though the ledger did not know it) hands the call to the careful path.
 */
async function createNew(store: TaskStore, drafts: CallDrafts): Promise<WriteReport | typeof UNCLEAR> {
  let results: readonly CreateOutcome[];
  try {
    results = await store.create([drafts.call, ...drafts.followUps], { shared: true });
  } catch (e) {
    // Not pinned on this call, which is written alone; an API limit or a refused session is the queue's to handle.
    if (e instanceof ServiceError && e.failure.kind !== 'rate_limited' && e.failure.kind !== 'auth') return UNCLEAR;
    throw e;
  }
  const call = results[0] ?? NO_RESULT;
  if (!call.ok) {
    // A refused call activity (or a deleted contact: the caller looks again) ends here; the rest is looked at.
    if (refusalOf(call.failure) === 'refused') throw salesforceError(call.failure);
    return UNCLEAR;
  }
  const failures: FollowUpFailure[] = [];
  for (const [i, draft] of drafts.followUps.entries()) {
    const r = results[i + 1] ?? NO_RESULT;
    if (r.ok) continue;
    if (refusalOf(r.failure) !== 'refused') return UNCLEAR;
    failures.push({ key: draft.key, failure: r.failure });
  }
  return { callTaskId: call.id, call: 'created', followUpsCreated: drafts.followUps.length - failures.length, followUpsExisting: 0, followUpFailures: failures };
}

/** Looks the call's keys up, then creates only what is missing and updates the call activity if this is newer. */
async function writeLookingFirst(store: TaskStore, drafts: CallDrafts): Promise<WriteReport> {
  const existing = await store.find([drafts.call.key, ...drafts.followUps.map((f) => f.key)]);
  const diff = diffTasks(drafts, existing);
  if (diff.kind === 'older') return { callTaskId: diff.callTaskId, call: 'unchanged', followUpsCreated: 0, followUpsExisting: diff.followUpsPresent, followUpFailures: [] };
  let callTaskId = diff.callTaskId;
  let followUpsCreated = 0;
  const failures: FollowUpFailure[] = [];
  let passing: Failure | undefined;
  const results = diff.create.length ? await store.create(diff.create, { shared: false }) : [];
  for (const [i, draft] of diff.create.entries()) {
    const r = results[i] ?? NO_RESULT;
    if (r.ok) {
      if (draft.kind === 'call') callTaskId = r.id;
      else followUpsCreated++;
      continue;
    }
    const refusal = refusalOf(r.failure);
    if (refusal === 'exists') continue; // another writer created it a moment ago
    if (refusal === 'passing') passing ??= r.failure;
    else if (draft.kind === 'call') throw salesforceError(r.failure);
    else failures.push({ key: draft.key, failure: r.failure });
  }
  // A record that failed for a passing reason: run the whole (idempotent) write again.
  if (passing) throw salesforceError(passing);
  // The call activity was created by another writer meanwhile (a duplicate key): find it.
  callTaskId ??= (await store.find([drafts.call.key])).get(drafts.call.key)?.id;
  if (!callTaskId) throw salesforceError({ kind: 'transient', code: 'CALL_TASK_MISSING', message: 'the call activity was neither found nor created' });
  if (diff.update) await store.update(diff.update.id, diff.update.fields);
  const call = !diff.callTaskId ? 'created' : diff.update ? 'updated' : 'unchanged';
  return {
    callTaskId,
    call,
    followUpsCreated,
    followUpsExisting: drafts.followUps.length - followUpsCreated - failures.length,
    followUpFailures: failures,
  };
}

/**
 * Writes a call's Tasks idempotently, as the write plan says. Looking first, writing the same drafts again creates
 * nothing. A passing failure of the careful path runs all of it again, briefly (3 tries within 10 s); longer is the
 * queue's (retry-policy.ts). Throws ServiceError.
 */
export async function writeCall(store: TaskStore, drafts: CallDrafts, mode: WriteMode, signal?: AbortSignal): Promise<WriteReport> {
  if (mode === 'create') {
    const created = await createNew(store, drafts);
    if (created !== UNCLEAR) return created;
  }
  return briefRetry(() => writeLookingFirst(store, drafts), (e) => e instanceof ServiceError && e.failure.kind === 'transient', signal);
}
