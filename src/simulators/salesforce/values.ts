/** Conversions between JSON input, stored values and Salesforce's wire formats. */
import type { FieldDef } from './schema.ts';
import { isWellFormedId, to18 } from './ids.ts';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** `2024-05-01T12:34:56.000+0000`, the format Salesforce returns datetimes in. */
export function formatDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

export function isValidDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (m === null) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** Parses an ISO-8601 datetime as Salesforce accepts it; undefined when invalid. */
export function parseDateTime(s: string): Date | undefined {
  const m = DATETIME_RE.exec(s);
  if (m === null) return undefined;
  if (!isValidDate(`${m[1]}-${m[2]}-${m[3]}`)) return undefined;
  let zone = m[8] ?? 'Z';
  if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${(m[7] ?? '').slice(0, 4)}${zone}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export class CoercionError extends Error {
  override readonly name = 'CoercionError';
}

function jsonKind(value: unknown): string {
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return Number.isInteger(value) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT';
  if (typeof value === 'boolean') return value ? 'VALUE_TRUE' : 'VALUE_FALSE';
  return Array.isArray(value) ? 'START_ARRAY' : 'START_OBJECT';
}

function cannot(javaType: string, value: unknown): CoercionError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return new CoercionError(`Cannot deserialize instance of ${javaType} from ${jsonKind(value)} value ${shown} or request may be missing a required field`);
}

/** JSON value -> stored value for a field (throws CoercionError with Salesforce's deserializer wording). */
export function coerceInput(field: FieldDef, value: unknown): unknown {
  if (value === null) return null;
  switch (field.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw cannot('boolean', value);
    case 'int': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n === 'number' && Number.isInteger(n)) return n;
      throw cannot('int', value);
    }
    case 'double':
    case 'currency':
    case 'percent': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n === 'number' && Number.isFinite(n)) return n;
      throw cannot('double', value);
    }
    case 'date':
      if (typeof value === 'string') {
        const day = value.length > 10 && parseDateTime(value) !== undefined ? value.slice(0, 10) : value;
        if (isValidDate(day)) return day;
      }
      throw cannot('date', value);
    case 'datetime':
      if (typeof value === 'string') {
        const d = parseDateTime(value) ?? (isValidDate(value) ? new Date(`${value}T00:00:00Z`) : undefined);
        if (d !== undefined) return formatDateTime(d);
      }
      throw cannot('datetime', value);
    case 'id':
    case 'reference':
    case 'string':
    case 'textarea':
    case 'picklist':
    case 'combobox':
    case 'email':
    case 'phone':
    case 'url':
    case 'base64':
      // Salesforce stores an empty text value as null.
      if (typeof value === 'string') return value === '' ? null : value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw cannot('string', value);
  }
}

/** Where a key sits in the raw JSON body, for "at [line:1, column:N]" suffixes. */
export function jsonPosition(rawBody: string | undefined, key: string): string {
  if (rawBody === undefined) return '';
  const at = rawBody.indexOf(`"${key}"`);
  if (at < 0) return '';
  const before = rawBody.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n') + key.length + 3;
  return ` at [line:${line}, column:${column}]`;
}

/** Number of characters as Salesforce counts them (code points). */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** A stored value as SOQL compares it (ids as 18 characters, text case-insensitive, dates as epoch ms). */
export type Comparable = string | number | boolean | null;

export function comparable(field: FieldDef, v: unknown): Comparable {
  if (v === null || v === undefined || v === '') return null;
  if (field.type === 'date' && typeof v === 'string') return Date.parse(`${v}T00:00:00Z`);
  if (field.type === 'datetime' && typeof v === 'string') return parseDateTime(v.replace('+0000', 'Z'))?.getTime() ?? null;
  if ((field.type === 'id' || field.type === 'reference') && typeof v === 'string') return isWellFormedId(v) ? to18(v) : v;
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}
