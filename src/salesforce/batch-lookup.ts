/**
 * Looks up many records with few requests, for the admin's online mapping check: one SOQL `WHERE Id IN (...)` per
 * object type and one `WHERE Email IN (...)` for users (in slices of 200 values, to keep the URL short). Ids are
 * validated before they reach SOQL (assertSalesforceId), e-mail addresses are escaped (soqlList).
 */
import type { Connection } from 'jsforce';
import { soqlQuery, withRetry } from './rest.ts';
import { assertSalesforceId, soqlList } from './soql.ts';

const SLICE = 200;

export interface UserRecord {
  readonly Id: string;
  readonly Email: string | null;
  readonly IsActive: boolean;
  readonly Name: string | null;
}

export interface LeadRecord {
  readonly Id: string;
  readonly IsConverted: boolean;
  readonly ConvertedContactId: string | null;
}

/** The 15-character, case-sensitive form: a 15- and an 18-character id of the same record compare equal. */
export const id15 = (id: string): string => id.slice(0, 15);

function slices<T>(values: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += SLICE) out.push(values.slice(i, i + SLICE));
  return out;
}

async function queryAll<T>(conn: Connection, soqlFor: (slice: string[]) => string, values: readonly string[]): Promise<T[]> {
  const unique = [...new Set(values)];
  const rows: T[] = [];
  for (const slice of slices(unique)) {
    const res = await withRetry(() => soqlQuery<T>(conn, soqlFor(slice)));
    rows.push(...res.records);
  }
  return rows;
}

/** Records of `sobject` among `ids`, keyed by their 15-character id. Absent ids are deleted or not visible. */
export async function recordsById<T extends { Id: string }>(conn: Connection, sobject: 'User' | 'Contact' | 'Lead' | 'Account' | 'Opportunity', fields: readonly string[], ids: readonly string[]): Promise<Map<string, T>> {
  const select = ['Id', ...fields.filter((f) => f !== 'Id')].join(', ');
  const rows = await queryAll<T>(conn, (slice) => `SELECT ${select} FROM ${sobject} WHERE Id IN ${soqlList(slice.map(assertSalesforceId))}`, ids);
  return new Map(rows.map((r) => [id15(r.Id), r]));
}

export function usersById(conn: Connection, ids: readonly string[]): Promise<Map<string, UserRecord>> {
  return recordsById<UserRecord>(conn, 'User', ['Email', 'IsActive', 'Name'], ids);
}

export function leadsById(conn: Connection, ids: readonly string[]): Promise<Map<string, LeadRecord>> {
  return recordsById<LeadRecord>(conn, 'Lead', ['IsConverted', 'ConvertedContactId'], ids);
}

/** Every user (active or not) whose e-mail is one of `emails`, grouped by lower-cased e-mail. */
export async function usersByEmail(conn: Connection, emails: readonly string[]): Promise<Map<string, UserRecord[]>> {
  const rows = await queryAll<UserRecord>(conn, (slice) => `SELECT Id, Email, IsActive, Name FROM User WHERE Email IN ${soqlList(slice)}`, emails.map((e) => e.toLowerCase()));
  const out = new Map<string, UserRecord[]>();
  for (const r of rows) {
    const key = (r.Email ?? '').toLowerCase();
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return out;
}
