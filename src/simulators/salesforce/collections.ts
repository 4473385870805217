/** sObject Collections: `/composite/sobjects[/{Type}[/{ExtField}]]`. */
import type { Dml, DmlContext } from './dml.ts';
import { SfApiError } from './errors.ts';
import { isWellFormedId } from './ids.ts';
import { retrieveRecord } from './records.ts';
import type { SfRecord } from './store.ts';

export const MAX_COLLECTION = 200;

export interface SaveResult {
  id?: string | null;
  success: boolean;
  errors: Array<{ statusCode: string; message: string; fields: string[] }>;
  created?: boolean;
}

const tooMany = () => new SfApiError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`);

function recordsOf(body: unknown): Array<Record<string, unknown>> {
  const records = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).records : undefined;
  if (!Array.isArray(records)) throw new SfApiError(400, 'JSON_PARSER_ERROR', "Required field 'records' is missing or is not an array");
  if (records.length > MAX_COLLECTION) throw tooMany();
  return records.map((r) => (typeof r === 'object' && r !== null && !Array.isArray(r) ? (r as Record<string, unknown>) : {}));
}

function allOrNoneOf(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).allOrNone === true;
}

function typeOf(rec: Record<string, unknown>): string | undefined {
  const attrs = rec.attributes;
  const t = typeof attrs === 'object' && attrs !== null ? (attrs as Record<string, unknown>).type : undefined;
  return typeof t === 'string' ? t : undefined;
}

function failure(err: unknown, id?: string): SaveResult {
  if (!(err instanceof SfApiError)) throw err;
  return id === undefined ? { success: false, errors: err.toSaveErrors() } : { id, success: false, errors: err.toSaveErrors() };
}

/**
 * Runs one operation per record. With allOrNone, a failure rolls every record back; records that
 * had succeeded report ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
function runAll(dml: Dml, allOrNone: boolean, count: number, op: (i: number) => SaveResult): SaveResult[] {
  const tx = allOrNone ? dml.store.begin() : undefined;
  const results: SaveResult[] = [];
  try {
    for (let i = 0; i < count; i++) results.push(op(i));
  } catch (err) {
    if (tx !== undefined) dml.store.rollback(tx);
    throw err;
  }
  if (tx === undefined) return results;
  if (results.some((r) => !r.success)) {
    dml.store.rollback(tx);
    return results.map((r) => r.success ? {
      id: r.id ?? null, success: false,
      errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] }],
    } : r);
  }
  dml.store.commit(tx);
  return results;
}

export function collectionCreate(dml: Dml, body: unknown, ctx: DmlContext): SaveResult[] {
  const records = recordsOf(body);
  return runAll(dml, allOrNoneOf(body), records.length, (i) => {
    const rec = records[i] ?? {};
    try {
      const type = typeOf(rec);
      if (type === undefined) throw new SfApiError(400, 'INVALID_TYPE', 'sObject type must be specified in the attributes of each record');
      const obj = dml.objectOrInvalidType(type);
      if (Object.keys(rec).some((k) => k.toLowerCase() === 'id')) {
        throw new SfApiError(400, 'INVALID_FIELD', 'Record ID: cannot specify Id in an insert call', ['Id']);
      }
      return { id: dml.create(obj, rec, ctx), success: true, errors: [] };
    } catch (err) {
      return failure(err);
    }
  });
}

export function collectionUpdate(dml: Dml, body: unknown, ctx: DmlContext): SaveResult[] {
  const records = recordsOf(body);
  return runAll(dml, allOrNoneOf(body), records.length, (i) => {
    const rec = records[i] ?? {};
    const idKey = Object.keys(rec).find((k) => k.toLowerCase() === 'id');
    const id = idKey === undefined ? undefined : rec[idKey];
    try {
      if (typeof id !== 'string' || id === '') throw new SfApiError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', []);
      const type = typeOf(rec);
      if (type === undefined) throw new SfApiError(400, 'INVALID_TYPE', 'sObject type must be specified in the attributes of each record');
      const obj = dml.objectOrInvalidType(type);
      const fields = Object.fromEntries(Object.entries(rec).filter(([k]) => k !== idKey));
      dml.update(obj, id, fields, ctx);
      return { id: dml.existing(obj, id).Id as string, success: true, errors: [] };
    } catch (err) {
      return failure(err, typeof id === 'string' ? id : undefined);
    }
  });
}

export function collectionUpsert(dml: Dml, typeName: string, fieldName: string, body: unknown, ctx: DmlContext): SaveResult[] {
  const obj = dml.objectOrNotFound(typeName);
  const field = dml.externalIdField(obj, fieldName);
  const records = recordsOf(body);
  return runAll(dml, allOrNoneOf(body), records.length, (i) => {
    const rec = records[i] ?? {};
    try {
      const type = typeOf(rec);
      if (type !== undefined && type.toLowerCase() !== obj.name.toLowerCase()) {
        throw new SfApiError(400, 'INVALID_TYPE', `Record type ${type} does not match the type in the URL: ${obj.name}`);
      }
      const key = Object.keys(rec).find((k) => k.toLowerCase() === field.toLowerCase());
      const value = key === undefined ? undefined : rec[key];
      if (typeof value !== 'string' || value === '') {
        throw new SfApiError(400, 'MISSING_ARGUMENT', `${field} not specified`, [field]);
      }
      const out = dml.upsert(obj, field, value, rec, ctx);
      return { id: out.id, success: true, errors: [], created: out.created };
    } catch (err) {
      return failure(err);
    }
  });
}

export function collectionDelete(dml: Dml, ids: string[], allOrNone: boolean): SaveResult[] {
  if (ids.length > MAX_COLLECTION) throw tooMany();
  return runAll(dml, allOrNone, ids.length, (i) => {
    const id = ids[i] ?? '';
    try {
      if (!isWellFormedId(id)) throw new SfApiError(400, 'MALFORMED_ID', `malformed id ${id}`, []);
      const hit = dml.store.find(id);
      if (hit === undefined) throw new SfApiError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', []);
      if (hit.record.IsDeleted === true) throw new SfApiError(400, 'ENTITY_IS_DELETED', 'entity is deleted', []);
      dml.remove(dml.objectOrInvalidType(hit.type), id);
      return { id: String(hit.record.Id), success: true, errors: [] };
    } catch (err) {
      return failure(err, id);
    }
  });
}

export function collectionRetrieve(dml: Dml, typeName: string, ids: string[], fields: string[], version: string): Array<SfRecord | null> {
  const obj = dml.objectOrNotFound(typeName);
  if (ids.length > 2000) throw tooMany();
  if (fields.length === 0) throw new SfApiError(400, 'MISSING_ARGUMENT', "The 'fields' parameter is required");
  return ids.map((id) => {
    try {
      return retrieveRecord(dml, obj, id, fields, version);
    } catch (err) {
      if (err instanceof SfApiError && err.status !== 400) return null;
      throw err;
    }
  });
}
