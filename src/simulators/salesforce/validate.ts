/** Create/update validation with Salesforce's error codes and messages. */
import { SfApiError } from './errors.ts';
import { isWellFormedId, prefixOf, to18 } from './ids.ts';
import type { FieldDef, ObjectDef, Schema } from './schema.ts';
import type { RecordStore, SfRecord } from './store.ts';
import { charLength, coerceInput, CoercionError, comparable, jsonPosition } from './values.ts';

export type WriteOp = 'create' | 'update';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Maps JSON input onto canonical field names and stored value types. Rejects unknown fields,
 * undeserializable values and fields the operation may not write.
 */
export function normalizeInput(schema: Schema, obj: ObjectDef, input: Record<string, unknown>, op: WriteOp, rawBody?: string): SfRecord {
  const out: SfRecord = {};
  const forbidden: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (key === 'attributes') continue;
    const field = schema.field(obj.name, key);
    if (field === undefined) {
      throw new SfApiError(400, 'INVALID_FIELD', `No such column '${key}' on sObject of type ${obj.name}`);
    }
    if (field.name === 'Id') {
      if (op === 'create') throw new SfApiError(400, 'INVALID_FIELD', 'The Id field should not be specified in the sobject data.');
      continue;
    }
    if (typeof value === 'string' && value !== '' && !parsesAs(field, value)) {
      // A text where a number or checkbox belongs: Salesforce names the field and the value.
      throw new SfApiError(400, 'INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.label}: value not of required type: ${value}`, [field.name]);
    }
    try {
      out[field.name] = roundToScale(field, coerceInput(field, value));
    } catch (err) {
      if (err instanceof CoercionError) throw new SfApiError(400, 'JSON_PARSER_ERROR', err.message + jsonPosition(rawBody, key));
      throw err;
    }
    if (op === 'create' ? !field.createable : !field.updateable) forbidden.push(field.name);
  }
  if (forbidden.length > 0) {
    throw new SfApiError(400, 'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${forbidden.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      forbidden);
  }
  return out;
}

const DECIMAL_TYPES: ReadonlySet<string> = new Set(['double', 'currency', 'percent']);

/** Whether a JSON string is a value of the field's type (numbers and checkboxes; other types take any text). */
function parsesAs(field: FieldDef, value: string): boolean {
  if (DECIMAL_TYPES.has(field.type)) return value.trim() !== '' && Number.isFinite(Number(value));
  if (field.type === 'boolean') return value === 'true' || value === 'false';
  return true;
}

/** A number kept with the field's decimals, as Salesforce stores it (scale 0: 7.6 -> 8). */
function roundToScale(field: FieldDef, value: unknown): unknown {
  if (typeof value !== 'number' || !DECIMAL_TYPES.has(field.type) || field.scale === undefined) return value;
  const f = 10 ** field.scale;
  return Math.round(value * f) / f;
}

/** Fills defaults for fields the caller did not set on create. */
export function applyDefaults(obj: ObjectDef, values: SfRecord): void {
  for (const field of obj.fields) {
    if (values[field.name] === undefined && field.defaultValue !== undefined) values[field.name] = field.defaultValue;
  }
}

function checkRequired(obj: ObjectDef, merged: SfRecord): void {
  const missing = obj.fields.filter((fd) => fd.required && (merged[fd.name] === undefined || merged[fd.name] === null || merged[fd.name] === ''))
    .map((fd) => fd.name);
  if (missing.length > 0) {
    throw new SfApiError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
  }
}

function checkValue(field: FieldDef, value: unknown): void {
  if (typeof value === 'number' && field.precision !== undefined && DECIMAL_TYPES.has(field.type)) {
    const whole = Math.trunc(Math.abs(value)).toString().length;
    if (Math.trunc(Math.abs(value)) !== 0 && whole > field.precision - (field.scale ?? 0)) {
      throw new SfApiError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `${field.label}: value outside of valid range on numeric field: ${value}`, [field.name]);
    }
  }
  if (typeof value !== 'string') return;
  if (field.length > 0 && field.type !== 'reference' && field.type !== 'id' && charLength(value) > field.length) {
    throw new SfApiError(400, 'STRING_TOO_LONG', `${field.label}: data value too large: ${value} (max length=${field.length})`, [field.name]);
  }
  if (field.restrictedPicklist === true && !(field.picklistValues ?? []).includes(value)) {
    throw new SfApiError(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.label}: bad value for restricted picklist field: ${value}`, [field.name]);
  }
  if (field.type === 'email' && value !== '' && !EMAIL_RE.test(value)) {
    throw new SfApiError(400, 'INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${value}`, [field.name]);
  }
}

function checkReference(store: RecordStore, obj: ObjectDef, field: FieldDef, value: string, schema: Schema): string {
  const incorrect = `${field.label}: id value of incorrect type: ${value}`;
  if (!isWellFormedId(value)) throw new SfApiError(400, 'MALFORMED_ID', incorrect, [field.name]);
  const allowed = (field.referenceTo ?? []).map((t) => schema.object(t)?.keyPrefix);
  if (!allowed.includes(prefixOf(value))) throw new SfApiError(400, 'FIELD_INTEGRITY_EXCEPTION', incorrect, [field.name]);
  const hit = store.findLive(value);
  if (hit === undefined) {
    throw new SfApiError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [field.name]);
  }
  if (hit.type === 'User' && field.name === 'OwnerId' && hit.record.IsActive === false) {
    throw new SfApiError(400, 'INACTIVE_OWNER_OR_USER',
      `operation performed with inactive user [${to18(value)}] as owner of ${obj.name.toLowerCase()}`, [field.name]);
  }
  return to18(value);
}

/** Activities whose WhoId and WhatId follow the same rule. */
const WHO_WHAT_ACTIVITIES: ReadonlySet<string> = new Set(['Task', 'Event']);

/**
 * Validates the changed values against the merged record (defaults applied on create).
 * Mutates `changes` to hold 18-character ids for reference fields.
 */
export function validateRecord(schema: Schema, store: RecordStore, obj: ObjectDef, changes: SfRecord, merged: SfRecord, selfId?: string): void {
  checkRequired(obj, merged);
  for (const [name, value] of Object.entries(changes)) {
    const field = schema.field(obj.name, name);
    if (field === undefined) continue;
    if (value === null && !field.nillable && !field.required && field.type !== 'boolean') {
      throw new SfApiError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${field.name}]`, [field.name]);
    }
    checkValue(field, value);
    if (field.type === 'reference' && typeof value === 'string' && value !== '') {
      const id = checkReference(store, obj, field, value, schema);
      changes[name] = id;
      merged[name] = id;
    }
    if (field.unique === true && typeof value === 'string' && value !== '') {
      const clash = store.lookup(obj.name, field, [comparable(field, value)]).find((r) => r.Id !== selfId);
      if (clash !== undefined) {
        throw new SfApiError(400, 'DUPLICATE_VALUE', `duplicate value found: ${name} duplicates value on record with id: ${String(clash.Id)}`, [name]);
      }
    }
  }
  if (WHO_WHAT_ACTIVITIES.has(obj.name)) checkWhoWhat(store, merged);
}

/** Activity integrity (Task, Event): a Lead as WhoId excludes a WhatId. */
function checkWhoWhat(store: RecordStore, merged: SfRecord): void {
  const who = typeof merged.WhoId === 'string' ? store.find(merged.WhoId) : undefined;
  if (who?.type === 'Lead' && typeof merged.WhatId === 'string' && merged.WhatId !== '') {
    throw new SfApiError(400, 'FIELD_INTEGRITY_EXCEPTION',
      `Related To ID: id value of incorrect type: ${merged.WhatId}`, ['WhatId']);
  }
}
