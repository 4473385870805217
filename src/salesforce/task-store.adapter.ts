import type { Connection } from 'jsforce';
import { Batcher } from '../lib/batcher.ts';
import type { TaskFields } from '../sync/build-drafts.ts';
import type { CreateOutcome, FieldCatalog, FoundTask, MappedFields, TaskStore, TaskWrite } from '../sync/task-store.port.ts';
import { classifyCode, crmMessage, CrmError } from './classify-error.ts';
import { COLLECTION_LIMIT, describeFields, soqlQuery, type SaveResult } from './rest.ts';
import { soqlList } from './soql.ts';

export interface TaskStoreOptions {
  /**
   * An admin-created Task field (Text 255, External ID, Unique) for the keys. Without it the keys are kept in
   * the standard Task.CallObject field, so the sync works in an org with no custom fields.
   */
  readonly externalIdField?: string;
  /** How new calls' Tasks share collection requests (see Batcher). */
  readonly batch?: { readonly maxRecords?: number; readonly maxInFlight?: number; readonly lingerMs?: number };
  /** How long Task's describe is kept (default 10 minutes: an admin's change to a field is seen without a restart). */
  readonly describeTtlMs?: number;
  readonly now?: () => number;
}

/** Task's describe is asked once per process and then every this often, never per call. */
export const DESCRIBE_TTL_MS = 10 * 60_000;

/**
 * Records that make a create worth a request of its own while another is in flight. At a trickle (a call or two,
 * 5-10 records) a call's create waits for the one in flight and shares the next; under a backlog a create of
 * this many records does not wait.
 */
const EAGER_RECORDS = 50;
/** Keys per lookup query (the SOQL stays well under its length limit). */
const KEY_CHUNK = 100;


/** One record's save result as the port says it: its id, or Salesforce's refusal classified. */
function outcomeOf(r: SaveResult | undefined): CreateOutcome {
  if (r?.success && r.id) return { ok: true, id: r.id };
  const e = r?.errors?.[0];
  const code = e?.statusCode ?? e?.errorCode ?? (r ? 'UNKNOWN' : 'NO_RESULT');
  const message = crmMessage(e?.message ?? (r ? 'Salesforce refused the record' : 'Salesforce returned no result for this record'));
  // Every field the record's errors name (a mapped field refused is left out on the next try).
  const fields = [...new Set((r?.errors ?? []).flatMap((x) => x.fields ?? []))];
  return { ok: false, failure: { kind: r ? classifyCode(code, message) : 'transient', code, message, ...(fields.length ? { fields } : {}) } };
}

/**
 * Tasks by key, with jsforce. Finds by the key field (SOQL IN, in chunks), creates with sObject Collections
 * (allOrNone false, so one refused record touches no other; new calls' records share requests of up to 200), and
 * updates by id. Holds no write rule: what to write is the core's (sync/write-call.ts, sync/diff-tasks.ts).
 */
export class SalesforceTaskStore implements TaskStore {
  readonly #conn: Connection;
  readonly #keyField: string;
  readonly #shared: Batcher<Array<Record<string, unknown>>, SaveResult[]>;
  readonly #describeTtlMs: number;
  readonly #now: () => number;
  #described: { readonly at: number; readonly catalog: Promise<FieldCatalog> } | undefined;

  constructor(conn: Connection, opts: TaskStoreOptions = {}) {
    this.#conn = conn;
    this.#describeTtlMs = opts.describeTtlMs ?? DESCRIBE_TTL_MS;
    this.#now = opts.now ?? Date.now;
    this.#keyField = opts.externalIdField ?? 'CallObject';
    const b = opts.batch ?? {};
    this.#shared = new Batcher((calls) => this.#createMany(calls), {
      maxWeight: Math.min(COLLECTION_LIMIT, Math.max(1, b.maxRecords ?? COLLECTION_LIMIT)),
      weight: (records) => records.length,
      maxInFlight: b.maxInFlight ?? 1,
      lingerMs: b.lingerMs ?? 2,
      eagerWeight: EAGER_RECORDS,
    });
  }

  async find(keys: readonly string[]): Promise<ReadonlyMap<string, FoundTask>> {
    const found = new Map<string, FoundTask>();
    for (let i = 0; i < keys.length; i += KEY_CHUNK) {
      const soql = `SELECT Id, ${this.#keyField}, Description FROM Task WHERE ${this.#keyField} IN ${soqlList(keys.slice(i, i + KEY_CHUNK))}`;
      let res: Awaited<ReturnType<typeof soqlQuery<{ Id: string; Description?: string | null; [field: string]: unknown }>>>;
      try {
        res = await soqlQuery<{ Id: string; Description?: string | null; [field: string]: unknown }>(this.#conn, soql);
      } catch (e) {
        throw CrmError.from(e);
      }
      for (const r of res.records) {
        const key = r[this.#keyField];
        if (typeof key === 'string') found.set(key, { id: r.Id, description: r.Description ?? undefined });
      }
    }
    return found;
  }

  async create(drafts: readonly TaskWrite[], opts: { readonly shared: boolean }): Promise<readonly CreateOutcome[]> {
    // The sync's own fields win over a mapped one (the mapping refuses those names anyway).
    const records = drafts.map((d) => ({ ...d.mapped, ...d.fields, [this.#keyField]: d.key }));
    const results = opts.shared ? await this.#shared.submit(records) : (await this.#createMany([records]))[0]!;
    return drafts.map((_d, i) => outcomeOf(results[i]));
  }

  async update(id: string, fields: Partial<TaskFields>, mapped?: MappedFields): Promise<void> {
    let r: SaveResult;
    try {
      r = await this.#conn.sobject('Task').update({ ...mapped, ...fields, Id: id });
    } catch (e) {
      throw CrmError.from(e);
    }
    const outcome = outcomeOf(r);
    if (!outcome.ok) throw new CrmError(outcome.failure);
  }

  /** Task's describe, cached: one request per process (and per DESCRIBE_TTL_MS), shared by concurrent callers; a failure is not kept. */
  describeFields(): Promise<FieldCatalog> {
    const now = this.#now();
    if (this.#described && now - this.#described.at < this.#describeTtlMs) return this.#described.catalog;
    const catalog = describeFields(this.#conn, 'Task');
    const entry = { at: now, catalog };
    this.#described = entry;
    catalog.catch(() => {
      if (this.#described === entry) this.#described = undefined;
    });
    return catalog;
  }

  /** One collection create for the records of several calls; each call gets its own results back. */
  async #createMany(calls: Array<Array<Record<string, unknown>>>): Promise<SaveResult[][]> {
    let results: SaveResult[];
    try {
      results = await this.#conn.sobject('Task').create(calls.flat(), { allOrNone: false, allowRecursive: true });
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
}
