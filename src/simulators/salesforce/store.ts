/**
 * In-memory tables of records, with snapshots for all-or-none rollback and equality indexes for lookups by
 * field value (a SOQL `Field = 'x'` / `IN (...)`, an upsert's external id, a unique-field check), so a lookup
 * costs the same with 20 Tasks as with 20,000, as it does in a real org where such fields are indexed.
 */
import { prefixOf, to18, typeForPrefix } from './ids.ts';
import type { FieldDef } from './schema.ts';
import { type Comparable, comparable } from './values.ts';

export type SfRecord = Record<string, unknown>;

export interface StoreSnapshot {
  tables: Map<string, Map<string, SfRecord>>;
}

/** One field's index: comparable value -> ids holding it, and id -> the value it was filed under. */
interface FieldIndex {
  field: FieldDef;
  byKey: Map<Comparable, Set<string>>;
  keyOf: Map<string, Comparable>;
}

export class RecordStore {
  private tables = new Map<string, Map<string, SfRecord>>();
  /** type -> field name -> index; built on first lookup, kept current by put(), dropped by restore(). */
  private indexes = new Map<string, Map<string, FieldIndex>>();
  /** Insertion order of every id ever put, so indexed lookups return rows in table order. */
  private readonly seq = new Map<string, number>();

  private table(type: string): Map<string, SfRecord> {
    let t = this.tables.get(type);
    if (t === undefined) {
      t = new Map();
      this.tables.set(type, t);
    }
    return t;
  }

  /** The stored record (live object, not a copy), deleted ones included. */
  get(type: string, id: string): SfRecord | undefined {
    return this.table(type).get(to18(id));
  }

  /** Finds a record of any type by id (the key prefix names the table). */
  find(id: string): { type: string; record: SfRecord } | undefined {
    const type = typeForPrefix(prefixOf(id));
    if (type === undefined) return undefined;
    const record = this.get(type, id);
    return record === undefined ? undefined : { type, record };
  }

  /** Live (not deleted) record by id, any type. */
  findLive(id: string): { type: string; record: SfRecord } | undefined {
    const hit = this.find(id);
    return hit === undefined || hit.record.IsDeleted === true ? undefined : hit;
  }

  /**
   * Stores a record, or tells the store that a stored record changed: every write to a record's fields
   * (update, delete, derived fields) must be followed by a put, or the indexes go stale.
   */
  put(type: string, record: SfRecord): void {
    const id = String(record.Id);
    this.table(type).set(id, record);
    if (!this.seq.has(id)) this.seq.set(id, this.seq.size);
    const indexes = this.indexes.get(type);
    if (indexes === undefined) return;
    for (const index of indexes.values()) file(index, id, record);
  }

  all(type: string, includeDeleted = false): SfRecord[] {
    const rows = [...this.table(type).values()];
    return includeDeleted ? rows : rows.filter((r) => r.IsDeleted !== true);
  }

  /**
   * The records whose `field` compares equal (as SOQL `=` does) to one of `keys`, in table order. Exact: the
   * same rows, in the same order, as filtering all(type) with that comparison.
   */
  lookup(type: string, field: FieldDef, keys: readonly Comparable[], includeDeleted = false): SfRecord[] {
    const index = this.index(type, field);
    const table = this.table(type);
    const ids = new Set<string>();
    for (const key of keys) {
      if (typeof key === 'number' && Number.isNaN(key)) continue; // NaN equals nothing, as in SOQL's `=`
      for (const id of index.byKey.get(key) ?? []) ids.add(id);
    }
    const rows: SfRecord[] = [];
    for (const id of [...ids].sort((a, b) => (this.seq.get(a) ?? 0) - (this.seq.get(b) ?? 0))) {
      const rec = table.get(id);
      if (rec !== undefined && (includeDeleted || rec.IsDeleted !== true)) rows.push(rec);
    }
    return rows;
  }

  private index(type: string, field: FieldDef): FieldIndex {
    let indexes = this.indexes.get(type);
    if (indexes === undefined) {
      indexes = new Map();
      this.indexes.set(type, indexes);
    }
    let index = indexes.get(field.name);
    if (index === undefined) {
      index = { field, byKey: new Map(), keyOf: new Map() };
      for (const [id, rec] of this.table(type)) file(index, id, rec);
      indexes.set(field.name, index);
    }
    return index;
  }

  snapshot(): StoreSnapshot {
    return { tables: structuredClone(this.tables) };
  }

  restore(snap: StoreSnapshot): void {
    this.tables = snap.tables;
    this.indexes = new Map(); // the restored records are new objects; indexes are rebuilt on next lookup
  }
}

function file(index: FieldIndex, id: string, rec: SfRecord): void {
  const key = comparable(index.field, rec[index.field.name]);
  if (index.keyOf.has(id)) {
    const old = index.keyOf.get(id) ?? null;
    if (old === key) return;
    const ids = index.byKey.get(old);
    ids?.delete(id);
    if (ids?.size === 0) index.byKey.delete(old);
  }
  index.keyOf.set(id, key);
  let ids = index.byKey.get(key);
  if (ids === undefined) {
    ids = new Set();
    index.byKey.set(key, ids);
  }
  ids.add(id);
}
