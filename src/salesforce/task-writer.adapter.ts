import type { Connection } from 'jsforce';
import type { Failure } from '../lib/service-error.ts';
import type { CallDrafts, TaskDraft, TaskFields } from '../sync/build-drafts.ts';
import { readVersion } from '../sync/describe-call.ts';
import type { FollowUpFailure, TaskWriter, WriteReport } from '../sync/task-writer.port.ts';
import { classifyCode, CrmError } from './classify-error.ts';
import { soqlQuery, withRetry } from './rest.ts';
import { soqlList } from './soql.ts';

export interface TaskWriterOptions {
  /**
   * An admin-created Task field (Text 255, External ID, Unique) for the keys. Without it the keys are kept in
   * the standard Task.CallObject field, so the sync works in an org with no custom fields.
   */
  readonly externalIdField?: string;
}

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

function failureOf(r: SaveResult): Failure {
  const e = r.errors?.[0];
  const code = e?.statusCode ?? e?.errorCode ?? 'UNKNOWN';
  const message = (e?.message ?? 'Salesforce refused the record').slice(0, 300);
  return { kind: classifyCode(code, message), code, message, ...(e?.fields?.length ? { fields: e.fields } : {}) };
}

/** Writes call activities and follow-ups with jsforce: one query to find them, one collection request to create. */
export class SalesforceTaskWriter implements TaskWriter {
  readonly #conn: Connection;
  readonly #keyField: string;

  constructor(conn: Connection, opts: TaskWriterOptions = {}) {
    this.#conn = conn;
    this.#keyField = opts.externalIdField ?? 'CallObject';
  }

  /** The whole write is idempotent, so a transient failure re-runs all of it (briefly; longer is the job's). */
  writeCall(drafts: CallDrafts, signal?: AbortSignal): Promise<WriteReport> {
    return withRetry(() => this.#writeOnce(drafts), signal);
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
    if (callTask && written !== undefined && written > drafts.version) {
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
        if (failure.kind === 'permanent' || failure.kind === 'stale_reference') failures.push({ key: draft.key, failure });
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
    if (callTask && (written ?? '') < drafts.version) {
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
