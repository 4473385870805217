import { briefRetry } from '../lib/brief-retry.ts';
import { ServiceError, type Failure } from '../lib/service-error.ts';
import { diffTasks, NO_RESULT, refusalOf } from './diff-tasks.ts';
import { namedFields, type CallWrite, type FieldRefusal } from './mapped-fields.ts';
import { findTarget, type ActivityObject, type ActivityUpdateFields, type ActivityWrite, type CreateOutcome, type MappedFields, type TaskStore } from './task-store.port.ts';

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
  /** Mapped fields Salesforce refused: the call activity was written without them (absent when none). */
  readonly fieldRefusals?: readonly FieldRefusal[];
}

/** The write plan's two ways of writing (plan-call-write.ts): create without looking, or look first. */
export type WriteMode = 'create' | 'look_first';

const salesforceError = (failure: Failure): ServiceError => new ServiceError('salesforce', failure);

/** A refusal that may be the mapped fields' doing (a lock, a deleted contact, a duplicate key are not). */
const mayBeMapped = (f: Failure): boolean => f.kind === 'permanent' && f.code !== 'DUPLICATE_VALUE';

/**
 * A mapped field never loses a call: a write of the call activity Salesforce refused is tried again without the
 * mapped fields its refusal names, and, when it names none, without any (then, if that fails too, they were not the
 * cause: the first refusal stands and no field is blamed). At most three tries, only after a refusal.
 */
async function dropRefused(mapped: MappedFields | undefined, first: Failure, attempt: (m: MappedFields) => Promise<Failure | undefined>): Promise<{ failure: Failure | undefined; refusals: FieldRefusal[] }> {
  const refusals: FieldRefusal[] = [];
  let current: MappedFields = mapped ?? {};
  let failure: Failure | undefined = first;
  for (let round = 0; round < 3 && failure && mayBeMapped(failure); round++) {
    const names = Object.keys(current);
    if (!names.length) break;
    const named: string[] = round < 2 ? namedFields(failure, names) : [];
    const drop = new Set<string>(named.length ? named : names);
    const next: MappedFields = Object.fromEntries(Object.entries(current).filter(([k]) => !drop.has(k)));
    const after: Failure | undefined = await attempt(next);
    if (!named.length && after) return { failure, refusals };
    for (const field of drop) refusals.push({ field, code: failure.code, message: failure.message });
    [current, failure] = [next, after];
  }
  return { failure, refusals };
}

/** Creates the call activity again after a refusal, leaving out refused mapped fields; its outcome and what was left out. */
async function recreateCall(store: TaskStore, call: ActivityWrite, first: CreateOutcome, shared: boolean): Promise<{ outcome: CreateOutcome; refusals: FieldRefusal[] }> {
  if (first.ok || !call.mapped) return { outcome: first, refusals: [] };
  let outcome: CreateOutcome = first;
  const { refusals } = await dropRefused(call.mapped, first.failure, async (mapped) => {
    outcome = (await store.create([{ ...call, mapped }], { shared }))[0] ?? NO_RESULT;
    return outcome.ok ? undefined : outcome.failure;
  });
  return { outcome: refusals.length || outcome.ok ? outcome : first, refusals };
}

/** Updates the call activity, leaving out mapped fields Salesforce refuses. */
async function updateCall(store: TaskStore, update: { readonly id: string; readonly sobject: ActivityObject; readonly fields: ActivityUpdateFields; readonly mapped?: MappedFields }): Promise<FieldRefusal[]> {
  const attempt = async (mapped: MappedFields | undefined): Promise<Failure | undefined> => {
    try {
      await store.update(update.id, update.fields, mapped, update.sobject);
      return undefined;
    } catch (e) {
      if (update.mapped && e instanceof ServiceError && mayBeMapped(e.failure)) return e.failure;
      throw e;
    }
  };
  const first = await attempt(update.mapped);
  if (!first) return [];
  const { failure, refusals } = await dropRefused(update.mapped, first, attempt);
  if (failure) throw salesforceError(failure);
  return refusals;
}

/** The fast path could not settle the call alone (a shared request failed as a whole, an unclear result). */
const UNCLEAR = Symbol('unclear');

/**
 * A call nothing can have written yet: its Tasks are created straight away, in a request shared with other new
 * calls'. Anything unclear (the shared request failed as a whole, a record neither created nor refused, a duplicate
 * key: Salesforce holds the call though the ledger did not know it) hands the call to the careful path.
 */
async function createNew(store: TaskStore, drafts: CallWrite): Promise<WriteReport | typeof UNCLEAR> {
  let results: readonly CreateOutcome[];
  let settled: Awaited<ReturnType<typeof recreateCall>>;
  try {
    results = await store.create([drafts.call, ...drafts.followUps], { shared: true });
    // A call activity refused for a mapped field: created again without it, sharing a request again.
    settled = await recreateCall(store, drafts.call, results[0] ?? NO_RESULT, true);
  } catch (e) {
    // Not pinned on this call, which is written alone; an API limit or a refused session is the queue's to handle.
    if (e instanceof ServiceError && e.failure.kind !== 'rate_limited' && e.failure.kind !== 'auth') return UNCLEAR;
    throw e;
  }
  const { outcome: call, refusals } = settled;
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
  return { callTaskId: call.id, call: 'created', followUpsCreated: drafts.followUps.length - failures.length, followUpsExisting: 0, followUpFailures: failures, ...(refusals.length ? { fieldRefusals: refusals } : {}) };
}

/** Looks the call's keys up, then creates only what is missing and updates the call activity if this is newer. */
async function writeLookingFirst(store: TaskStore, drafts: CallWrite): Promise<WriteReport> {
  const existing = await store.find([findTarget(drafts.call), ...drafts.followUps.map((f) => f.key)]);
  const diff = diffTasks(drafts, existing);
  if (diff.kind === 'older') return { callTaskId: diff.callTaskId, call: 'unchanged', followUpsCreated: 0, followUpsExisting: diff.followUpsPresent, followUpFailures: [] };
  let callTaskId = diff.callTaskId;
  let followUpsCreated = 0;
  const failures: FollowUpFailure[] = [];
  let passing: Failure | undefined;
  const fieldRefusals: FieldRefusal[] = [];
  const results = diff.create.length ? await store.create(diff.create, { shared: false }) : [];
  for (const [i, draft] of diff.create.entries()) {
    let r = results[i] ?? NO_RESULT;
    if (draft.kind === 'call') {
      const again = await recreateCall(store, draft, r, false);
      r = again.outcome;
      fieldRefusals.push(...again.refusals);
    }
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
  callTaskId ??= (await store.find([findTarget(drafts.call)])).get(drafts.call.key)?.id;
  if (!callTaskId) throw salesforceError({ kind: 'transient', code: 'CALL_TASK_MISSING', message: 'the call activity was neither found nor created' });
  if (diff.update) fieldRefusals.push(...(await updateCall(store, diff.update)));
  const call = !diff.callTaskId ? 'created' : diff.update ? 'updated' : 'unchanged';
  return {
    callTaskId,
    call,
    followUpsCreated,
    followUpsExisting: drafts.followUps.length - followUpsCreated - failures.length,
    followUpFailures: failures,
    ...(fieldRefusals.length ? { fieldRefusals } : {}),
  };
}

/**
 * Writes a call's Tasks idempotently, as the write plan says. Looking first, writing the same drafts again creates
 * nothing. A passing failure of the careful path runs all of it again, briefly (3 tries within 10 s); longer is the
 * queue's (retry-policy.ts). Throws ServiceError.
 */
export async function writeCall(store: TaskStore, drafts: CallWrite, mode: WriteMode, signal?: AbortSignal): Promise<WriteReport> {
  if (mode === 'create') {
    const created = await createNew(store, drafts);
    if (created !== UNCLEAR) return created;
  }
  return briefRetry(() => writeLookingFirst(store, drafts), (e) => e instanceof ServiceError && e.failure.kind === 'transient', signal);
}
