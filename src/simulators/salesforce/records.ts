/** Single-record REST resources: `/sobjects/{Type}/{Id}` and `/sobjects/{Type}/{ExtField}/{value}`. */
import type { Dml, DmlContext } from './dml.ts';
import { SfApiError, notFound } from './errors.ts';
import { isWellFormedId } from './ids.ts';
import { recordUrl } from './query.ts';
import type { ObjectDef } from './schema.ts';
import type { SfRecord } from './store.ts';

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const CUSTOM_FIELD_HINT = "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";

/** A record as the REST API returns it: `attributes`, then all (or the requested) fields. */
export function retrieveRecord(dml: Dml, obj: ObjectDef, id: string, fields: string[] | undefined, version: string): SfRecord {
  const rec = dml.existing(obj, id);
  return shape(dml, obj, rec, fields, version);
}

function shape(dml: Dml, obj: ObjectDef, rec: SfRecord, fields: string[] | undefined, version: string): SfRecord {
  const out: SfRecord = { attributes: { type: obj.name, url: recordUrl(version, obj.name, rec.Id) } };
  const names = fields ?? obj.fields.map((f) => f.name);
  for (const name of names) {
    const f = dml.schema.field(obj.name, name.trim());
    if (f === undefined) {
      throw new SfApiError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on entity '${obj.name}'. ${CUSTOM_FIELD_HINT}`);
    }
    out[f.name] = rec[f.name] ?? null;
  }
  if (fields !== undefined) out.Id = rec.Id;
  return out;
}

export function fieldsParam(query: URLSearchParams): string[] | undefined {
  const raw = query.get('fields');
  return raw === null || raw.trim() === '' ? undefined : raw.split(',').map((f) => f.trim()).filter((f) => f !== '');
}

const asObject = (body: unknown): Record<string, unknown> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SfApiError(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of sObject from non-object value');
  }
  return body as Record<string, unknown>;
};

const methodNotAllowed = (method: string, allowed: string): SfApiError =>
  new SfApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed}`);

/** `/sobjects/{Type}` POST (create). */
export function createRoute(dml: Dml, obj: ObjectDef, body: unknown, ctx: DmlContext & { version: string }): ApiResponse {
  const id = dml.create(obj, asObject(body), ctx);
  return { status: 201, body: { id, success: true, errors: [] }, headers: { Location: recordUrl(ctx.version, obj.name, id) } };
}

/** `/sobjects/{Type}/{Id}`: GET, PATCH, DELETE. A non-id segment is read as an external-id field with no value. */
export function recordRoute(dml: Dml, obj: ObjectDef, idOrField: string, method: string, query: URLSearchParams, body: unknown, ctx: DmlContext & { version: string }): ApiResponse {
  const looksLikeId = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(idOrField) && idOrField.startsWith(obj.keyPrefix);
  if (!looksLikeId) {
    if (method === 'POST' && idOrField.toLowerCase() === 'id') return createRoute(dml, obj, body, ctx);
    throw new SfApiError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${idOrField}`);
  }
  if (!isWellFormedId(idOrField)) throw new SfApiError(400, 'MALFORMED_ID', `${obj.label} ID: id value of incorrect type: ${idOrField}`, ['Id']);
  switch (method) {
    case 'GET':
      return { status: 200, body: retrieveRecord(dml, obj, idOrField, fieldsParam(query), ctx.version) };
    case 'PATCH':
      dml.update(obj, idOrField, asObject(body), ctx);
      return { status: 204 };
    case 'DELETE':
      dml.remove(obj, idOrField);
      return { status: 204 };
    default:
      throw methodNotAllowed(method, 'HEAD,GET,PATCH,DELETE');
  }
}

/** `/sobjects/{Type}/{ExtField}/{value}`: GET, PATCH (upsert), DELETE by external id. */
export function externalIdRoute(dml: Dml, obj: ObjectDef, fieldName: string, value: string, method: string, query: URLSearchParams, body: unknown, ctx: DmlContext & { version: string }): ApiResponse {
  const field = dml.externalIdField(obj, fieldName);
  const matches = dml.matchExternal(obj, field, value);
  if (matches.length > 1) {
    return { status: 300, body: matches.map((m) => recordUrl(ctx.version, obj.name, m.Id)) };
  }
  if (method === 'PATCH' || (method === 'POST' && field === 'Id')) {
    const v46 = Number(ctx.version) >= 46;
    const out = dml.upsert(obj, field, value, asObject(body), ctx);
    if (out.created) {
      return { status: 201, body: v46 ? { id: out.id, success: true, errors: [], created: true } : { id: out.id, success: true, errors: [] } };
    }
    return v46 ? { status: 200, body: { id: out.id, success: true, errors: [], created: false } } : { status: 204 };
  }
  const match = matches[0];
  if (match === undefined) throw notFound();
  switch (method) {
    case 'GET':
      return { status: 200, body: shape(dml, obj, match, fieldsParam(query), ctx.version) };
    case 'DELETE':
      dml.remove(obj, String(match.Id));
      return { status: 204 };
    default:
      throw methodNotAllowed(method, 'HEAD,GET,PATCH,DELETE');
  }
}
