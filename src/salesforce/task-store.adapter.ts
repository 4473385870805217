import type { Connection } from 'jsforce';
import { Batcher } from '../lib/batcher.ts';
import type { Failure } from '../lib/service-error.ts';
import type { ActivityObject, ActivityUpdateFields, ActivityWrite, CreateOutcome, FieldCatalog, FindTarget, FoundTask, MappedFields, RelateOutcome, TaskStore } from '../sync/task-store.port.ts';
import { classifyCode, crmMessage, CrmError } from './classify-error.ts';
import { COLLECTION_LIMIT, describeFields, soqlQuery, type SaveResult } from './rest.ts';
import { soqlList, soqlString } from './soql.ts';

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

/** How far from its start a meeting's Event is looked for among its owner's (a rep may have moved it): a day either way. */
const MOVED_WITHIN_MS = 86_400_000;

/** A SOQL datetime literal (unquoted, UTC, whole seconds). */
const soqlDateTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

type MeetingTarget = Exclude<FindTarget, string>;
type Found = { Id: string; Description?: string | null; [field: string]: unknown };


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
  /** New calls' records share collection requests, one kind of record per request. */
  readonly #shared: Readonly<Record<ActivityObject, Batcher<Array<Record<string, unknown>>, SaveResult[]>>>;
  readonly #externalIdField: string | undefined;
  readonly #describeTtlMs: number;
  readonly #now: () => number;
  #described: { readonly at: number; readonly catalog: Promise<FieldCatalog> } | undefined;
  #sharedActivitiesKnown: Promise<boolean> | undefined;

  constructor(conn: Connection, opts: TaskStoreOptions = {}) {
    this.#conn = conn;
    this.#describeTtlMs = opts.describeTtlMs ?? DESCRIBE_TTL_MS;
    this.#now = opts.now ?? Date.now;
    this.#externalIdField = opts.externalIdField;
    this.#keyField = opts.externalIdField ?? 'CallObject';
    const b = opts.batch ?? {};
    const batcher = (sobject: ActivityObject) =>
      new Batcher((calls: Array<Array<Record<string, unknown>>>) => this.#createMany(sobject, calls), {
        maxWeight: Math.min(COLLECTION_LIMIT, Math.max(1, b.maxRecords ?? COLLECTION_LIMIT)),
        weight: (records) => records.length,
        maxInFlight: b.maxInFlight ?? 1,
        lingerMs: b.lingerMs ?? 2,
        eagerWeight: EAGER_RECORDS,
      });
    this.#shared = { Task: batcher('Task'), Event: batcher('Event') };
  }

  async find(targets: readonly FindTarget[]): Promise<ReadonlyMap<string, FoundTask>> {
    const found = new Map<string, FoundTask>();
    const keys = targets.filter((t): t is string => typeof t === 'string');
    const meetings = targets.filter((t): t is MeetingTarget => typeof t !== 'string');
    await this.#findByKey('Task', keys, found);
    if (this.#externalIdField) await this.#findByKey('Event', meetings.map((m) => m.key), found);
    else for (const m of meetings) await this.#findMeeting(m, found);
    return found;
  }

  async #query(soql: string): Promise<Found[]> {
    try {
      return (await soqlQuery<Found>(this.#conn, soql)).records;
    } catch (e) {
      throw CrmError.from(e);
    }
  }

  async #findByKey(sobject: ActivityObject, keys: readonly string[], found: Map<string, FoundTask>): Promise<void> {
    for (let i = 0; i < keys.length; i += KEY_CHUNK) {
      const soql = `SELECT Id, ${this.#keyField}, Description FROM ${sobject} WHERE ${this.#keyField} IN ${soqlList(keys.slice(i, i + KEY_CHUNK))}`;
      for (const r of await this.#query(soql)) {
        const key = r[this.#keyField];
        if (typeof key === 'string') found.set(key, { id: r.Id, description: r.Description ?? undefined });
      }
    }
  }

  /**
   * A meeting's Event without a key field: the Events starting at the meeting's start (whoever owns them now) or on
   * its owner's calendar within a day of it (moved), told by the marker line in the Description.
   */
  async #findMeeting(m: MeetingTarget, found: Map<string, FoundTask>): Promise<void> {
    const start = Date.parse(m.start);
    const soql =
      `SELECT Id, Description FROM Event WHERE StartDateTime = ${soqlDateTime(start)} OR (OwnerId = ${soqlString(m.ownerId)} ` +
      `AND StartDateTime >= ${soqlDateTime(start - MOVED_WITHIN_MS)} AND StartDateTime <= ${soqlDateTime(start + MOVED_WITHIN_MS)}) ORDER BY CreatedDate LIMIT 200`;
    const hit = (await this.#query(soql)).find((r) => (r.Description ?? '').split('\n').includes(m.marker));
    if (hit) found.set(m.key, { id: hit.Id, description: hit.Description ?? undefined });
  }

  async create(drafts: readonly ActivityWrite[], opts: { readonly shared: boolean }): Promise<readonly CreateOutcome[]> {
    // The sync's own fields win over a mapped one (the mapping refuses those names anyway). An Event holds its key
    // only in the External ID field (it has no CallObject: without the field, its Description's marker tells it).
    const record = (d: ActivityWrite) => ({ ...d.mapped, ...d.fields, ...(d.kind !== 'meeting' || this.#externalIdField ? { [this.#keyField]: d.key } : {}) });
    const tasks = drafts.filter((d) => d.kind !== 'meeting').map(record);
    const events = drafts.filter((d) => d.kind === 'meeting').map(record);
    const create = (sobject: ActivityObject, records: Array<Record<string, unknown>>): Promise<SaveResult[]> =>
      records.length === 0 ? Promise.resolve([]) : opts.shared ? this.#shared[sobject].submit(records) : this.#createMany(sobject, [records]).then((r) => r[0]!);
    const [taskResults, eventResults] = await Promise.all([create('Task', tasks), create('Event', events)]);
    let t = 0;
    let e = 0;
    return drafts.map((d) => outcomeOf(d.kind === 'meeting' ? eventResults[e++] : taskResults[t++]));
  }

  async update(id: string, fields: ActivityUpdateFields, mapped?: MappedFields, sobject: ActivityObject = 'Task'): Promise<void> {
    let r: SaveResult;
    try {
      r = await this.#conn.sobject(sobject).update({ ...mapped, ...fields, Id: id });
    } catch (e) {
      throw CrmError.from(e);
    }
    const outcome = outcomeOf(r);
    if (!outcome.ok) throw new CrmError(outcome.failure);
  }

  async relateToEvent(eventId: string, contactIds: readonly string[]): Promise<RelateOutcome> {
    if (contactIds.length === 0) return { kind: 'related', added: 0, present: 0, refused: [] };
    if (!(await this.#sharedActivities())) return { kind: 'no_shared_activities' };
    const there = new Set((await this.#query(`SELECT RelationId FROM EventRelation WHERE EventId = ${soqlString(eventId)}`)).map((r) => String(r.RelationId)));
    const missing = contactIds.filter((id) => !there.has(id));
    let results: SaveResult[] = [];
    if (missing.length > 0) {
      try {
        // Related contacts, not invitees: they were in the meeting, nobody is to be invited to it.
        results = await this.#conn.sobject('EventRelation').create(missing.map((id) => ({ EventId: eventId, RelationId: id, IsParent: true, IsInvitee: false })), { allOrNone: false });
      } catch (e) {
        throw CrmError.from(e);
      }
    }
    let added = 0;
    let present = contactIds.length - missing.length;
    const refused: Array<{ id: string; failure: Failure }> = [];
    for (const [i, id] of missing.entries()) {
      const o = outcomeOf(results[i]);
      if (o.ok) added++;
      else if (o.failure.code === 'DUPLICATE_VALUE') present++;
      else if (o.failure.kind === 'permanent' || o.failure.kind === 'stale_reference') refused.push({ id, failure: o.failure });
      else throw new CrmError(o.failure);
    }
    return { kind: 'related', added, present, refused };
  }

  /** Whether the org has Shared Activities: its EventRelation has IsParent (describe, asked once per process). */
  #sharedActivities(): Promise<boolean> {
    this.#sharedActivitiesKnown ??= describeFields(this.#conn, 'EventRelation').then((c) => c.has('isparent'));
    this.#sharedActivitiesKnown.catch(() => {
      this.#sharedActivitiesKnown = undefined;
    });
    return this.#sharedActivitiesKnown;
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
  async #createMany(sobject: ActivityObject, calls: Array<Array<Record<string, unknown>>>): Promise<SaveResult[][]> {
    let results: SaveResult[];
    try {
      results = await this.#conn.sobject(sobject).create(calls.flat(), { allOrNone: false, allowRecursive: true });
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
