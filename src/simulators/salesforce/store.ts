/** In-memory tables of records, with snapshots for all-or-none rollback. */
import { prefixOf, to18, typeForPrefix } from './ids.ts';

export type SfRecord = Record<string, unknown>;

export interface StoreSnapshot {
  tables: Map<string, Map<string, SfRecord>>;
}

export class RecordStore {
  private tables = new Map<string, Map<string, SfRecord>>();

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

  put(type: string, record: SfRecord): void {
    this.table(type).set(String(record.Id), record);
  }

  all(type: string, includeDeleted = false): SfRecord[] {
    const rows = [...this.table(type).values()];
    return includeDeleted ? rows : rows.filter((r) => r.IsDeleted !== true);
  }

  snapshot(): StoreSnapshot {
    return { tables: structuredClone(this.tables) };
  }

  restore(snap: StoreSnapshot): void {
    this.tables = snap.tables;
  }
}
