import type { Failure } from '../../src/lib/service-error.ts';
import type { TaskDraft, TaskFields } from '../../src/sync/build-drafts.ts';
import type { CreateOutcome, FoundTask, TaskStore } from '../../src/sync/task-store.port.ts';

export interface StoredTask {
  readonly id: string;
  readonly key: string;
  fields: TaskFields;
}

export type StoreOp = { readonly op: 'find'; readonly keys: number } | { readonly op: 'create'; readonly shared: boolean; readonly records: number } | { readonly op: 'update'; readonly id: string };

/**
 * Salesforce's Tasks in memory, as the Salesforce adapter behaves (test/contract/task-store.contract.ts holds both
 * to it): found by key, created with one outcome per draft, updated by id. `refuse` says which drafts Salesforce
 * refuses and why (a validation rule); `uniqueKeys` refuses a second Task with a key (the External ID mode's
 * DUPLICATE_VALUE). `ops` records every operation, for tests of what the core asked.
 */
export class FakeTaskStore implements TaskStore {
  readonly tasks: StoredTask[] = [];
  readonly ops: StoreOp[] = [];
  refuse: (draft: TaskDraft) => Failure | undefined;
  readonly #uniqueKeys: boolean;
  #next = 1;

  constructor(opts: { refuse?: (draft: TaskDraft) => Failure | undefined; uniqueKeys?: boolean } = {}) {
    this.refuse = opts.refuse ?? (() => undefined);
    this.#uniqueKeys = opts.uniqueKeys ?? false;
  }

  find(keys: readonly string[]): Promise<ReadonlyMap<string, FoundTask>> {
    this.ops.push({ op: 'find', keys: keys.length });
    const wanted = new Set(keys);
    const found = new Map<string, FoundTask>();
    for (const t of this.tasks) if (wanted.has(t.key)) found.set(t.key, { id: t.id, description: t.fields.Description });
    return Promise.resolve(found);
  }

  create(drafts: readonly TaskDraft[], opts: { readonly shared: boolean }): Promise<readonly CreateOutcome[]> {
    this.ops.push({ op: 'create', shared: opts.shared, records: drafts.length });
    return Promise.resolve(
      drafts.map((d): CreateOutcome => {
        const refused = this.refuse(d);
        if (refused) return { ok: false, failure: refused };
        if (this.#uniqueKeys && this.tasks.some((t) => t.key === d.key)) {
          return { ok: false, failure: { kind: 'permanent', code: 'DUPLICATE_VALUE', message: 'duplicate value found: the key already exists' } };
        }
        const id = `00T${String(this.#next++).padStart(12, '0')}AAA`;
        this.tasks.push({ id, key: d.key, fields: { ...d.fields } });
        return { ok: true, id };
      }),
    );
  }

  update(id: string, fields: Partial<TaskFields>): Promise<void> {
    this.ops.push({ op: 'update', id });
    const t = this.tasks.find((x) => x.id === id);
    if (!t) return Promise.reject(new Error(`no Task ${id}`));
    t.fields = { ...t.fields, ...fields };
    return Promise.resolve();
  }
}
