import type { Connection } from 'jsforce';
import { Batcher } from '../lib/batcher.ts';
import { ServiceError, type Failure } from '../lib/service-error.ts';
import type { CallDrafts, TaskDraft, TaskFields } from '../sync/build-drafts.ts';
import { readVersion } from '../sync/describe-call.ts';
import { compareVersions } from '../sync/version.ts';
import type { FollowUpFailure, TaskWriter, WriteOptions, WriteReport } from '../sync/task-writer.port.ts';
import { classifyCode, crmMessage, CrmError } from './classify-error.ts';
import { soqlQuery, withRetry } from './rest.ts';
import { soqlList } from './soql.ts';

export interface TaskWriterOptions {
  /**
   * An admin-created Task field (Text 255, External ID, Unique) for the keys. Without it the keys are kept in
   * the standard Task.CallObject field, so the sync works in an org with no custom fields.
   */
  readonly externalIdField?: string;
  /** How new calls' Tasks share collection requests (see Batcher). */
  readonly batch?: { readonly maxRecords?: number; readonly maxInFlight?: number; readonly lingerMs?: number };
}

/** Salesforce's limit of records in one sObject Collections request. */
export const COLLECTION_LIMIT = 200;
/**
 * Records that make a create worth a request of its own while another is in flight. At a trickle (a call or two,
 * 5-10 records) a call's create waits for the one in flight and shares the next; under a backlog a create of
 * this many records does not wait.
 */
const EAGER_RECORDS = 50;

interface ExistingTask {
  Id: string;
  Description?: string | null;
  [field: string]: unknown;
}

interface SaveResult {
  id?: string;
  success: boolean;
  errors?: Array<{ statusCode?: string; errorCode?: string; message?: string; fields?: string[] }>;
}

/** Fields refreshed on the call activity when a newer version of the insights arrives (never owner/who/what). */
const UPDATABLE: ReadonlyArray<keyof TaskFields> = ['Subject', 'Description', 'CallDurationInSeconds', 'CallType', 'ActivityDate'];
const KEY_CHUNK = 100;

/**
 * Salesforce refused the record itself (a validation rule, a deleted contact): writing it again will not help. Not a
 * passing failure, and not a duplicate key, which means the record is there already.
 */
function refused(f: Failure): boolean {
  return f.code !== 'DUPLICATE_VALUE' && (f.kind === 'permanent' || f.kind === 'stale_reference');
}

function failureOf(r: SaveResult): Failure {
  const e = r.errors?.[0];
  const code = e?.statusCode ?? e?.errorCode ?? 'UNKNOWN';
  const message = crmMessage(e?.message ?? 'Salesforce refused the record');
  return { kind: classifyCode(code, message), code, message, ...(e?.fields?.length ? { fields: e.fields } : {}) };
}

/** Why the quick path handed a call over to the careful one. */
class VerifyInstead extends Error {
  override readonly name = 'VerifyInstead';
}

/**
 * Writes call activities and follow-ups with jsforce. A call never seen before: its Tasks go straight into a
 * collection create, shared with other new calls' Tasks (up to 200 records a request, allOrNone false, so one
 * refused record touches nothing else). Anything else (a retry, a newer version, a replay): one query by the
 * keys first, then only what is missing is created.
 */
export class SalesforceTaskWriter implements TaskWriter {
  readonly #conn: Connection;
  readonly #keyField: string;
  readonly #creates: Batcher<Array<Record<string, unknown>>, SaveResult[]>;

  constructor(conn: Connection, opts: TaskWriterOptions = {}) {
    this.#conn = conn;
    this.#keyField = opts.externalIdField ?? 'CallObject';
    const b = opts.batch ?? {};
    this.#creates = new Batcher((calls) => this.#createMany(calls), {
      maxWeight: Math.min(COLLECTION_LIMIT, Math.max(1, b.maxRecords ?? COLLECTION_LIMIT)),
      weight: (records) => records.length,
      maxInFlight: b.maxInFlight ?? 1,
      lingerMs: b.lingerMs ?? 2,
      eagerWeight: EAGER_RECORDS,
    });
  }

  /** The whole write is idempotent, so a transient failure re-runs all of it (briefly; longer is the job's). */
  async writeCall(drafts: CallDrafts, opts: WriteOptions, signal?: AbortSignal): Promise<WriteReport> {
    if (!opts.verify) {
      try {
        return await this.#createNew(drafts);
      } catch (e) {
        // A shared request that failed as a whole, or a record that must be looked at: the careful path decides.
        if (!(e instanceof VerifyInstead)) throw e;
      }
    }
    return withRetry(() => this.#writeOnce(drafts), signal);
  }

  /** One collection create for the records of several calls; each call gets its own results back. */
  async #createMany(calls: Array<Array<Record<string, unknown>>>): Promise<SaveResult[][]> {
    const records = calls.flat();
    let results: SaveResult[];
    try {
      results = (await this.#conn.sobject('Task').create(records, { allOrNone: false, allowRecursive: true }));
    } catch (e) {
      throw CrmError.from(e);
    }
    const out: SaveResult[][] = [];
    let at = 0;
    for (const c of calls) {
      out.push(results.slice(at, at + c.length));
      at += c.length;
    }
    return out;
  }

  async #createNew(drafts: CallDrafts): Promise<WriteReport> {
    const all: TaskDraft[] = [drafts.call, ...drafts.followUps];
    let results: SaveResult[];
    try {
      results = await this.#creates.submit(all.map((d) => this.#record(d)));
    } catch (e) {
      // The shared request failed as a whole: not pinned on this call, which is written alone (an API limit is for
      // the queue to handle).
      if (!(e instanceof ServiceError) || e.failure.kind === 'rate_limited') throw e;
      throw new VerifyInstead(e.failure.code);
    }
    const call = results[0];
    if (!call?.success || !call.id) {
      const failure = call ? failureOf(call) : undefined;
      // A refused call activity (or a deleted contact: the caller looks again) ends here; the rest is looked at,
      // a duplicate key too (the call is in Salesforce though the ledger did not know it: expired, or lost).
      if (failure && refused(failure)) throw new CrmError(failure);
      throw new VerifyInstead(failure ? failure.code : 'NO_RESULT');
    }
    const failures: FollowUpFailure[] = [];
    let created = 0;
    for (const [i, draft] of drafts.followUps.entries()) {
      const r = results[i + 1];
      if (r?.success) {
        created++;
        continue;
      }
      const failure = r ? failureOf(r) : undefined;
      // Anything but a definite refusal (a lock, a duplicate key, no result): look and create what is missing.
      if (!failure || !refused(failure)) throw new VerifyInstead(failure?.code ?? 'NO_RESULT');
      failures.push({ key: draft.key, failure });
    }
    return { callTaskId: call.id, call: 'created', followUpsCreated: created, followUpsExisting: 0, followUpFailures: failures };
  }

  async #find(keys: readonly string[]): Promise<Map<string, ExistingTask>> {
    const found = new Map<string, ExistingTask>();
    for (let i = 0; i < keys.length; i += KEY_CHUNK) {
      const chunk = keys.slice(i, i + KEY_CHUNK);
      const soql = `SELECT Id, ${this.#keyField}, Description FROM Task WHERE ${this.#keyField} IN ${soqlList(chunk)}`;
      const res = await soqlQuery<ExistingTask>(this.#conn, soql);
      for (const r of res.records) {
        const key = r[this.#keyField];
        if (typeof key === 'string') found.set(key, r);
      }
    }
    return found;
  }

  #record(draft: TaskDraft): Record<string, unknown> {
    return { ...draft.fields, [this.#keyField]: draft.key };
  }

  async #writeOnce(drafts: CallDrafts): Promise<WriteReport> {
    const keys = [drafts.call.key, ...drafts.followUps.map((f) => f.key)];
    const existing = await this.#find(keys);
    const callTask = existing.get(drafts.call.key);
    const written = readVersion(callTask?.Description);
    if (callTask && written !== undefined && compareVersions(written, drafts.version) > 0) {
      // An older version arriving after a newer one (events out of order, a replay): it must not bring back
      // next steps the newer analysis reworded or dropped.
      const present = drafts.followUps.filter((f) => existing.has(f.key)).length;
      return { callTaskId: callTask.Id, call: 'unchanged', followUpsCreated: 0, followUpsExisting: present, followUpFailures: [] };
    }
    const toCreate: TaskDraft[] = [...(callTask ? [] : [drafts.call]), ...drafts.followUps.filter((f) => !existing.has(f.key))];

    let callTaskId = callTask?.Id;
    let created = 0;
    const failures: FollowUpFailure[] = [];
    let transient: Failure | undefined;
    if (toCreate.length > 0) {
      let results: SaveResult[];
      try {
        results = (await this.#conn.sobject('Task').create(toCreate.map((d) => this.#record(d)), { allOrNone: false, allowRecursive: true }));
      } catch (e) {
        throw CrmError.from(e);
      }
      toCreate.forEach((draft, i) => {
        const r = results[i];
        if (r?.success && r.id) {
          created++;
          if (draft.kind === 'call') callTaskId = r.id;
          return;
        }
        const failure = r ? failureOf(r) : { kind: 'transient' as const, code: 'NO_RESULT', message: 'Salesforce returned no result for this record' };
        // Another writer created it a moment ago (the external id is unique): it exists.
        if (failure.code === 'DUPLICATE_VALUE') return;
        if (draft.kind === 'call') throw new CrmError(failure);
        if (refused(failure)) failures.push({ key: draft.key, failure });
        else transient ??= failure;
      });
    }
    // A follow-up that failed for a passing reason: run the whole (idempotent) write again later.
    if (transient) throw new CrmError(transient);
    if (!callTaskId) {
      // The call task was created concurrently by another writer (DUPLICATE_VALUE): find it.
      callTaskId = (await this.#find([drafts.call.key])).get(drafts.call.key)?.Id;
      if (!callTaskId) throw new CrmError({ kind: 'transient', code: 'CALL_TASK_MISSING', message: 'the call activity was neither found nor created' });
    }

    let call: WriteReport['call'] = callTask ? 'unchanged' : 'created';
    if (callTask && (written === undefined || compareVersions(written, drafts.version) < 0)) {
      const update: { Id: string } & Record<string, unknown> = { Id: callTask.Id };
      for (const f of UPDATABLE) if (drafts.call.fields[f] !== undefined) update[f] = drafts.call.fields[f];
      try {
        const r = (await this.#conn.sobject('Task').update(update)) as SaveResult;
        if (!r.success) throw new CrmError(failureOf(r));
      } catch (e) {
        throw CrmError.from(e);
      }
      call = 'updated';
    }
    const followUpsCreated = created - (call === 'created' ? 1 : 0);
    return {
      callTaskId,
      call,
      followUpsCreated,
      followUpsExisting: drafts.followUps.length - followUpsCreated - failures.length,
      followUpFailures: failures,
    };
  }
}
