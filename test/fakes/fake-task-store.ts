import { ServiceError, type Failure } from '../../src/lib/service-error.ts';
import type { TaskDraft, TaskFields } from '../../src/sync/build-drafts.ts';
import type { CreateOutcome, FieldCatalog, FoundTask, MappedFields, TaskStore, TaskWrite } from '../../src/sync/task-store.port.ts';

export interface StoredTask {
  readonly id: string;
  readonly key: string;
  fields: TaskFields;
  /** The mapped fields written with it. */
  mapped: Record<string, string | number | boolean>;
}

export type StoreOp =
  | { readonly op: 'find'; readonly keys: number }
  | { readonly op: 'create'; readonly shared: boolean; readonly records: number }
  | { readonly op: 'update'; readonly id: string }
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
  refuse: (draft: TaskDraft) => Failure | undefined;
  catalog: FieldCatalog;
  readonly #uniqueKeys: boolean;
  #next = 1;

  constructor(opts: { refuse?: (draft: TaskDraft) => Failure | undefined; uniqueKeys?: boolean; catalog?: FieldCatalog } = {}) {
    this.refuse = opts.refuse ?? (() => undefined);
    this.#uniqueKeys = opts.uniqueKeys ?? false;
    this.catalog = opts.catalog ?? new Map();
  }

  find(keys: readonly string[]): Promise<ReadonlyMap<string, FoundTask>> {
    this.ops.push({ op: 'find', keys: keys.length });
    const wanted = new Set(keys);
    const found = new Map<string, FoundTask>();
    for (const t of this.tasks) if (wanted.has(t.key)) found.set(t.key, { id: t.id, description: t.fields.Description });
    return Promise.resolve(found);
  }

  create(drafts: readonly TaskWrite[], opts: { readonly shared: boolean }): Promise<readonly CreateOutcome[]> {
    this.ops.push({ op: 'create', shared: opts.shared, records: drafts.length });
    return Promise.resolve(
      drafts.map((d): CreateOutcome => {
        const refused = this.refuse(d) ?? this.#refuseMapped(d.mapped);
        if (refused) return { ok: false, failure: refused };
        if (this.#uniqueKeys && this.tasks.some((t) => t.key === d.key)) {
          return { ok: false, failure: { kind: 'permanent', code: 'DUPLICATE_VALUE', message: 'duplicate value found: the key already exists' } };
        }
        const id = `00T${String(this.#next++).padStart(12, '0')}AAA`;
        this.tasks.push({ id, key: d.key, fields: { ...d.fields }, mapped: { ...d.mapped } });
        return { ok: true, id };
      }),
    );
  }

  update(id: string, fields: Partial<TaskFields>, mapped?: MappedFields): Promise<void> {
    this.ops.push({ op: 'update', id });
    const t = this.tasks.find((x) => x.id === id);
    if (!t) return Promise.reject(new Error(`no Task ${id}`));
    const refused = this.#refuseMapped(mapped);
    if (refused) return Promise.reject(new ServiceError('salesforce', refused));
    t.fields = { ...t.fields, ...fields };
    t.mapped = { ...t.mapped, ...mapped };
    return Promise.resolve();
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
