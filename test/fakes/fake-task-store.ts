import { ServiceError, type Failure } from '../../src/lib/service-error.ts';
import type { ActivityDraft, EventFields, TaskFields } from '../../src/sync/build-drafts.ts';
import type { ActivityObject, ActivityUpdateFields, ActivityWrite, CreateOutcome, FieldCatalog, FindTarget, FoundTask, MappedFields, RelateOutcome, TaskStore } from '../../src/sync/task-store.port.ts';

export interface StoredTask {
  readonly id: string;
  readonly key: string;
  /** Task, or Event for a meeting's. */
  readonly sobject: ActivityObject;
  fields: TaskFields | EventFields;
  /** The mapped fields written with it. */
  mapped: Record<string, string | number | boolean>;
}

export type StoreOp =
  | { readonly op: 'find'; readonly keys: number }
  | { readonly op: 'create'; readonly shared: boolean; readonly records: number }
  | { readonly op: 'update'; readonly id: string }
  | { readonly op: 'relate'; readonly id: string; readonly contacts: number }
  | { readonly op: 'describe' };

/**
 * Salesforce's Tasks in memory, as the Salesforce adapter behaves (test/contract/task-store.contract.ts holds both
 * to it): found by key, created with one outcome per draft, updated by id. `refuse` says which drafts Salesforce
 * refuses and why (a validation rule); `uniqueKeys` refuses a second Task with a key (the External ID mode's
 * DUPLICATE_VALUE). `catalog` is Task's describe; mapped fields are held to it as Salesforce holds them (no such
 * field, a value a restricted picklist lacks, a text too long), each refusal naming its field. `ops` records every
 * operation, for tests of what the core asked.
 */
export class FakeTaskStore implements TaskStore {
  readonly tasks: StoredTask[] = [];
  readonly ops: StoreOp[] = [];
  refuse: (draft: ActivityDraft) => Failure | undefined;
  catalog: FieldCatalog;
  readonly #uniqueKeys: boolean;
  #next = 1;

  constructor(opts: { refuse?: (draft: ActivityDraft) => Failure | undefined; uniqueKeys?: boolean; catalog?: FieldCatalog } = {}) {
    this.refuse = opts.refuse ?? (() => undefined);
    this.#uniqueKeys = opts.uniqueKeys ?? false;
    this.catalog = opts.catalog ?? new Map();
  }

  /** A meeting's Event is found by its key here: the adapter's two ways of finding one are the contract test's. */
  find(targets: readonly FindTarget[]): Promise<ReadonlyMap<string, FoundTask>> {
    this.ops.push({ op: 'find', keys: targets.length });
    const wanted = new Set(targets.map((t) => (typeof t === 'string' ? t : t.key)));
    const found = new Map<string, FoundTask>();
    for (const t of this.tasks) if (wanted.has(t.key)) found.set(t.key, { id: t.id, description: t.fields.Description });
    return Promise.resolve(found);
  }

  create(drafts: readonly ActivityWrite[], opts: { readonly shared: boolean }): Promise<readonly CreateOutcome[]> {
    this.ops.push({ op: 'create', shared: opts.shared, records: drafts.length });
    return Promise.resolve(
      drafts.map((d): CreateOutcome => {
        const refused = this.refuse(d) ?? this.#refuseMapped(d.mapped);
        if (refused) return { ok: false, failure: refused };
        if (this.#uniqueKeys && this.tasks.some((t) => t.key === d.key)) {
          return { ok: false, failure: { kind: 'permanent', code: 'DUPLICATE_VALUE', message: 'duplicate value found: the key already exists' } };
        }
        const sobject: ActivityObject = d.kind === 'meeting' ? 'Event' : 'Task';
        const id = `${sobject === 'Event' ? '00U' : '00T'}${String(this.#next++).padStart(12, '0')}AAA`;
        this.tasks.push({ id, key: d.key, sobject, fields: { ...d.fields }, mapped: { ...d.mapped } });
        return { ok: true, id };
      }),
    );
  }

  update(id: string, fields: ActivityUpdateFields, mapped?: MappedFields, sobject: ActivityObject = 'Task'): Promise<void> {
    this.ops.push({ op: 'update', id });
    const t = this.tasks.find((x) => x.id === id && x.sobject === sobject);
    if (!t) return Promise.reject(new Error(`no ${sobject} ${id}`));
    const refused = this.#refuseMapped(mapped);
    if (refused) return Promise.reject(new ServiceError('salesforce', refused));
    t.fields = { ...t.fields, ...fields };
    t.mapped = { ...t.mapped, ...mapped };
    return Promise.resolve();
  }

  /** Each Event's related contacts (Shared Activities; `sharedActivities: false` in the constructor: an org without). */
  readonly relations = new Map<string, Set<string>>();
  sharedActivities = true;

  relateToEvent(eventId: string, contactIds: readonly string[]): Promise<RelateOutcome> {
    this.ops.push({ op: 'relate', id: eventId, contacts: contactIds.length });
    if (contactIds.length === 0) return Promise.resolve({ kind: 'related', added: 0, present: 0, refused: [] });
    if (!this.sharedActivities) return Promise.resolve({ kind: 'no_shared_activities' });
    const there = this.relations.get(eventId) ?? new Set<string>();
    this.relations.set(eventId, there);
    const added = contactIds.filter((id) => !there.has(id));
    added.forEach((id) => there.add(id));
    return Promise.resolve({ kind: 'related', added: added.length, present: contactIds.length - added.length, refused: [] });
  }

  describeFields(): Promise<FieldCatalog> {
    this.ops.push({ op: 'describe' });
    return Promise.resolve(this.catalog);
  }

  /** The first mapped value Salesforce would refuse, as it words it. */
  #refuseMapped(mapped: MappedFields | undefined): Failure | undefined {
    for (const [name, value] of Object.entries(mapped ?? {})) {
      const f = this.catalog.get(name.toLowerCase());
      if (!f) return { kind: 'permanent', code: 'INVALID_FIELD', message: `No such column '${name}' on sObject of type Task` };
      if (f.restrictedPicklist && !f.picklistValues.includes(String(value))) {
        return { kind: 'permanent', code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: `${f.label}: bad value for restricted picklist field`, fields: [f.name] };
      }
      if (typeof value === 'string' && f.length > 0 && value.length > f.length) {
        return { kind: 'permanent', code: 'STRING_TOO_LONG', message: `${f.label}: data value too large (max length=${f.length})`, fields: [f.name] };
      }
    }
    return undefined;
  }
}
