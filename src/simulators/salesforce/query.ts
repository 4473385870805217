/** `/query`, `/queryAll` and `/query/{locator}`: SOQL over the store with cursor paging. */
import { randomBytes } from 'node:crypto';
import { checkContentDocumentLinkFilter } from './content.ts';
import { SfApiError } from './errors.ts';
import type { ObjectDef } from './schema.ts';
import type { SoqlEngine } from './soql-eval.ts';
import { type FieldPath, parseSoql } from './soql-parser.ts';
import type { SfRecord } from './store.ts';

export interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: SfRecord[];
}

interface Cursor {
  records: SfRecord[];
  batchSize: number;
  version: string;
}

const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;

export function recordUrl(version: string, type: string, id: unknown): string {
  return `/services/data/v${version}/sobjects/${type}/${String(id)}`;
}

/** Builds the JSON records Salesforce returns: `attributes` first, then the selected fields in order. */
export function projectRecords(engine: SoqlEngine, query: string, obj: ObjectDef, rows: SfRecord[], fields: FieldPath[], version: string): SfRecord[] {
  const resolved = fields.map((fp) => engine.resolve(query, obj, fp));
  return rows.map((row) => {
    const out: SfRecord = { attributes: { type: obj.name, url: recordUrl(version, obj.name, row.Id) } };
    for (const rf of resolved) {
      if (rf.via === undefined) {
        out[rf.field.name] = row[rf.field.name] ?? null;
        continue;
      }
      const rel = rf.via.relationshipName ?? rf.via.name;
      const parent = engine.parent(row, rf.via);
      if (parent === undefined) {
        out[rel] = null;
        continue;
      }
      const existing = out[rel];
      const nested: SfRecord = typeof existing === 'object' && existing !== null
        ? (existing as SfRecord)
        : { attributes: { type: parent.type, url: recordUrl(version, parent.type, parent.record.Id) } };
      nested[rf.field.name] = rf.polymorphicType === true ? parent.type : (parent.record[rf.field.name] ?? null);
      out[rel] = nested;
    }
    return out;
  });
}

/** `Sforce-Query-Options: batchSize=N` (Salesforce honours 200..2000). */
export function batchSizeFrom(header: string | undefined): number {
  const m = header === undefined ? null : /batchSize\s*=\s*(\d+)/i.exec(header);
  if (m === null) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Number(m[1])));
}

export class QueryService {
  private readonly engine: SoqlEngine;
  private readonly cursors = new Map<string, Cursor>();

  constructor(engine: SoqlEngine) {
    this.engine = engine;
  }

  run(soql: string | null, opts: { includeDeleted: boolean; batchSize: number; version: string }): QueryPage {
    if (soql === null || soql.trim() === '') {
      throw new SfApiError(400, 'MALFORMED_QUERY', "A query string has to be specified");
    }
    const q = parseSoql(soql);
    const obj = this.engine.object(soql, q.from.name, q.from.pos);
    if (obj.name === 'ContentDocumentLink') checkContentDocumentLinkFilter(q.where);
    // Resolve the select list before touching data, so unknown fields fail even on an empty table.
    for (const fp of q.fields) this.engine.resolve(soql, obj, fp);
    const rows = this.engine.selectFromTable(soql, obj, q, opts.includeDeleted);
    if (q.count) return { totalSize: rows.length, done: true, records: [] };
    const records = projectRecords(this.engine, soql, obj, rows, q.fields, opts.version);
    return this.page({ records, batchSize: opts.batchSize, version: opts.version }, 0, this.newCursorId());
  }

  more(locator: string, version: string): QueryPage {
    const m = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(locator);
    const cursor = m === null ? undefined : this.cursors.get(m[1] ?? '');
    if (m === null || cursor === undefined) {
      throw new SfApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    return this.page({ ...cursor, version }, Number(m[2]), m[1] ?? '');
  }

  private page(cursor: Cursor, offset: number, cursorId: string): QueryPage {
    const batch = cursor.records.slice(offset, offset + cursor.batchSize);
    const nextOffset = offset + batch.length;
    const done = nextOffset >= cursor.records.length;
    if (done) {
      this.cursors.delete(cursorId);
      return { totalSize: cursor.records.length, done, records: batch };
    }
    this.cursors.set(cursorId, cursor);
    return { totalSize: cursor.records.length, done, nextRecordsUrl: `/services/data/v${cursor.version}/query/${cursorId}-${nextOffset}`, records: batch };
  }

  private newCursorId(): string {
    return `01g${randomBytes(8).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12)}`;
  }
}
