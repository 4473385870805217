/**
 * The console's searches of the org (the Unmapped page): active users by name, e-mail or username, and contacts and
 * unconverted leads by any of their fields, as Salesforce's own global search finds them. Every term is escaped
 * here (soql.ts), whatever it holds; the rows are checked before they are trusted.
 */
import type { Connection } from 'jsforce';
import { z } from 'zod';
import type { PersonChoice, UserChoice } from '../mapping/directory.port.ts';
import { soqlLikeContains, soslTerm } from './soql.ts';

/** The most rows one search shows: a search that finds more asks the admin to say more. */
export const SEARCH_LIMIT = 20;
/** What a term may be: Salesforce refuses a SOSL term of one character. */
export const SEARCH_TERM = { min: 2, max: 80 } as const;

const text = z.string().nullish().transform((v) => (v ? v : undefined));
const userRow = z.object({ Id: z.string(), Name: z.string(), Email: text, Username: text, Title: text });
const personRow = z.object({
  attributes: z.object({ type: z.enum(['Contact', 'Lead']) }),
  Id: z.string(),
  Name: z.string(),
  Email: text,
  Phone: text,
  Company: text,
  Account: z.object({ Name: text }).nullish(),
});

/** Active users whose name, e-mail or username contains `term`, by name. */
export async function searchActiveUsers(conn: Connection, term: string): Promise<UserChoice[]> {
  const like = soqlLikeContains(term.trim());
  const soql = `SELECT Id, Name, Email, Username, Title FROM User WHERE IsActive = true AND (Name LIKE ${like} OR Email LIKE ${like} OR Username LIKE ${like}) ORDER BY Name LIMIT ${SEARCH_LIMIT}`;
  const res = await conn.query<Record<string, unknown>>(soql);
  return res.records.flatMap((r) => {
    const row = userRow.safeParse(r);
    return row.success ? [{ id: row.data.Id, name: row.data.Name, email: row.data.Email, username: row.data.Username, title: row.data.Title }] : [];
  });
}

/** Contacts and unconverted leads any of whose searchable fields (name, e-mail, phone, company) match `term`. */
export async function searchPeople(conn: Connection, term: string): Promise<PersonChoice[]> {
  const words = soslTerm(term.trim());
  if (words === '') return [];
  const half = SEARCH_LIMIT / 2;
  const sosl =
    `FIND {${words}} IN ALL FIELDS RETURNING Contact(Id, Name, Email, Phone, Account.Name ORDER BY Name LIMIT ${half}), ` +
    `Lead(Id, Name, Email, Phone, Company WHERE IsConverted = false ORDER BY Name LIMIT ${half})`;
  const res = await conn.search(sosl);
  return (res.searchRecords as unknown[]).flatMap((r) => {
    const row = personRow.safeParse(r);
    if (!row.success) return [];
    const p = row.data;
    return [{ type: p.attributes.type, id: p.Id, name: p.Name, email: p.Email, phone: p.Phone, company: p.attributes.type === 'Contact' ? p.Account?.Name : p.Company }];
  });
}
