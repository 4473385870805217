/**
 * In-memory tables of records, with transactions for all-or-none rollback and equality indexes for lookups by
 * field value (a SOQL `Field = 'x'` / `IN (...)`, an upsert's external id, a unique-field check), so a lookup
 * costs the same with 20 Tasks as with 20,000, as it does in a real org where such fields are indexed.
 */
import { prefixOf, to18, typeForPrefix } from './ids.ts';
import type { FieldDef } from './schema.ts';
import { type Comparable, comparable } from './values.ts';

export type SfRecord = Record<string, unknown>;

/**
 * An all-or-none unit of work: the before-image of each record it changed (undefined: the record was new), so a
 * rollback costs what the request wrote, not the size of the org. Transactions nest (a collection request inside a
 * composite one); an inner commit hands its before-images to the outer transaction.
 */
export interface Transaction {
  /** By type and id (a ContentNote shares its id with its ContentDocument). */
  readonly before: Map<string, { type: string; id: string; record: SfRecord | undefined }>;
}

const txKey = (type: string, id: string): string => `${type}/${id}`;

/** One field's index: comparable value -> ids holding it, and id -> the value it was filed under. */
interface FieldIndex {
  field: FieldDef;
  byKey: Map<Comparable, Set<string>>;
  keyOf: Map<string, Comparable>;
}

export class RecordStore {
  private readonly tables = new Map<string, Map<string, SfRecord>>();
  /** type -> field name -> index; built on first lookup, kept current by put() and rollback(). */
  private readonly indexes = new Map<string, Map<string, FieldIndex>>();
  /** Insertion order of every id ever put, so indexed lookups return rows in table order. */
  private readonly seq = new Map<string, number>();
  /** Open transactions, innermost last. */
  private readonly open: Transaction[] = [];

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
   * Says that a stored record is about to be changed in place: call it before the first write to its fields,
   * so an open transaction keeps its before-image. Outside a transaction it does nothing.
   */
  willChange(type: string, record: SfRecord): void {
    const tx = this.open.at(-1);
    const id = String(record.Id);
    if (tx === undefined || tx.before.has(txKey(type, id)) || !this.table(type).has(id)) return;
    tx.before.set(txKey(type, id), { type, id, record: structuredClone(record) });
  }

  /**
   * Stores a record, or tells the store that a stored record changed: every write to a record's fields
   * (update, delete, derived fields) must be preceded by willChange and followed by a put, or a rollback misses
   * it and the indexes go stale.
   */
  put(type: string, record: SfRecord): void {
    const id = String(record.Id);
    const tx = this.open.at(-1);
    if (tx !== undefined && !tx.before.has(txKey(type, id))) {
      if (this.table(type).has(id)) throw new Error(`simulator: ${type} ${id} changed inside a transaction without willChange()`);
      tx.before.set(txKey(type, id), { type, id, record: undefined });
    }
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

  begin(): Transaction {
    const tx: Transaction = { before: new Map() };
    this.open.push(tx);
    return tx;
  }

  commit(tx: Transaction): void {
    this.close(tx);
    const outer = this.open.at(-1);
    if (outer === undefined) return;
    for (const [key, image] of tx.before) if (!outer.before.has(key)) outer.before.set(key, image);
  }

  /** Puts back every record the transaction changed, and forgets the ones it created. */
  rollback(tx: Transaction): void {
    this.close(tx);
    for (const { type, id, record } of tx.before.values()) {
      const table = this.table(type);
      const indexes = this.indexes.get(type)?.values() ?? [];
      if (record === undefined) {
        table.delete(id);
        for (const index of indexes) unfile(index, id);
      } else {
        table.set(id, record);
        for (const index of indexes) file(index, id, record);
      }
    }
  }

  private close(tx: Transaction): void {
    if (this.open.at(-1) !== tx) throw new Error('simulator: transactions must close innermost first');
    this.open.pop();
  }
}

function unfile(index: FieldIndex, id: string): void {
  if (!index.keyOf.has(id)) return;
  const key = index.keyOf.get(id) ?? null;
  index.keyOf.delete(id);
  const ids = index.byKey.get(key);
  ids?.delete(id);
  if (ids?.size === 0) index.byKey.delete(key);
}

function file(index: FieldIndex, id: string, rec: SfRecord): void {
  const key = comparable(index.field, rec[index.field.name]);
  if (index.keyOf.has(id) && index.keyOf.get(id) === key) return;
  unfile(index, id);
  index.keyOf.set(id, key);
  let ids = index.byKey.get(key);
  if (ids === undefined) {
    ids = new Set();
    index.byKey.set(key, ids);
  }
  ids.add(id);
}
