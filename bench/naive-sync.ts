/**
 * The naive baseline: the obvious way to write a call into Salesforce. Correct (the same Tasks as the product,
 * found by the same keys so a retry creates nothing twice) but with no caching and no batching: one User query
 * per call, one call-log request per call, one search per external speaker, one query for the existing Tasks,
 * then one REST create per Task. The Task content comes from the product's pure buildDrafts, so both modes
 * write the same records and differ only in how they talk to the APIs.
 */
import type { Connection } from 'jsforce';
import type { Mapping } from '../src/config/mapping.schema.ts';
import { nameKey } from '../src/config/load-mapping.ts';
import { toE164 } from '../src/lib/phone.ts';
import type { RecordingInsights } from '../src/calls/recording-insights.ts';
import { soqlList, soslTerm } from '../src/salesforce/soql.ts';
import type { WhoRef } from '../src/mapping/resolve-participants.ts';
import { buildDrafts } from '../src/sync/build-drafts.ts';

export interface NaiveDeps {
  readonly conn: Connection;
  /** GET a RingCentral REST path (with the SDK's token) and parse its JSON. */
  readonly rcGet: (path: string, query: Record<string, string>) => Promise<unknown>;
  readonly mapping: Mapping;
}

export class NaivePermanentError extends Error {
  override readonly name = 'NaivePermanentError';
}

interface Person {
  type: 'Contact' | 'Lead';
  id: string;
  accountId?: string;
  lastModified: string;
}
type Row = { attributes: { type: string }; Id: string; Name?: string; AccountId?: string | null; LastModifiedDate: string } & Record<string, unknown>;

const CONTACT_PHONES = ['Phone', 'MobilePhone', 'HomePhone', 'OtherPhone', 'AssistantPhone'];
const LEAD_PHONES = ['Phone', 'MobilePhone'];
const KEY_FIELD = 'CallObject';

function best(rows: Row[]): Person | undefined {
  const people = rows
    .filter((r) => r.attributes.type === 'Contact' || r.attributes.type === 'Lead')
    .map((r): Person => ({ type: r.attributes.type as Person['type'], id: r.Id, lastModified: r.LastModifiedDate, ...(r.AccountId ? { accountId: r.AccountId } : {}) }));
  return people.sort((a, b) => (a.type === b.type ? b.lastModified.localeCompare(a.lastModified) : a.type === 'Contact' ? -1 : 1))[0];
}

async function byPhone(conn: Connection, e164: string, country: string): Promise<Person | undefined> {
  const digits = e164.startsWith('+1') ? e164.slice(2) : e164.replace(/\D/g, '');
  const sosl = `FIND {${soslTerm(digits)}} IN PHONE FIELDS RETURNING Contact(Id, Name, AccountId, ${CONTACT_PHONES.join(', ')}, LastModifiedDate), Lead(Id, Name, ${LEAD_PHONES.join(', ')}, LastModifiedDate WHERE IsConverted = false)`;
  const res = await conn.search(sosl);
  const rows = (res.searchRecords as unknown as Row[]).filter((r) => {
    const fields = r.attributes.type === 'Contact' ? CONTACT_PHONES : LEAD_PHONES;
    return fields.some((f) => typeof r[f] === 'string' && toE164(r[f], country) === e164);
  });
  return best(rows);
}

async function byName(conn: Connection, name: string): Promise<Person | undefined> {
  const sosl = `FIND {${soslTerm(name)}} IN NAME FIELDS RETURNING Contact(Id, Name, AccountId, LastModifiedDate), Lead(Id, Name, LastModifiedDate WHERE IsConverted = false)`;
  const res = await conn.search(sosl);
  return best((res.searchRecords as unknown as Row[]).filter((r) => typeof r.Name === 'string' && nameKey(r.Name) === nameKey(name)));
}

async function externalNumber(ins: RecordingInsights, deps: NaiveDeps): Promise<string | undefined> {
  const start = Date.parse(ins.recordingStartTime);
  const body = (await deps.rcGet('/restapi/v1.0/account/~/call-log', {
    telephonySessionId: ins.sourceSessionId,
    view: 'Simple',
    dateFrom: new Date(start - 86_400_000).toISOString(),
    dateTo: new Date(start + 86_400_000).toISOString(),
  })) as { records?: Array<{ direction?: string; from?: { phoneNumber?: string }; to?: { phoneNumber?: string }; recording?: { id?: unknown } }> };
  const records = body.records ?? [];
  const rec = records.find((r) => String(r.recording?.id) === ins.sourceRecordId) ?? records[0];
  if (!rec) return undefined;
  return (rec.direction ?? ins.callDirection) === 'Inbound' ? rec.from?.phoneNumber : rec.to?.phoneNumber;
}

/** Writes one call the naive way; returns how many Tasks it created and how many already existed. */
export async function syncCallNaively(ins: RecordingInsights, deps: NaiveDeps): Promise<{ created: number; existing: number }> {
  const { conn, mapping } = deps;
  // 1. Every internal speaker's user, in one query per call.
  const internal = [...new Set([ins.ownerExtensionId, ...ins.speakerInfo.flatMap((s) => (s.extensionId ? [s.extensionId] : []))])];
  const refs = internal.flatMap((ext) => (mapping.users[ext] ? [[ext, mapping.users[ext]] as const] : []));
  const ids = refs.flatMap(([, r]) => ('salesforceUserId' in r ? [r.salesforceUserId] : []));
  const emails = refs.flatMap(([, r]) => ('email' in r ? [r.email] : []));
  const where = [ids.length ? `Id IN ${soqlList(ids)}` : '', emails.length ? `Email IN ${soqlList(emails)}` : ''].filter(Boolean).join(' OR ');
  if (!where) throw new NaivePermanentError(`unmapped_owner: extension ${ins.ownerExtensionId} is not mapped`);
  const users = (await conn.query<{ Id: string; Email?: string }>(`SELECT Id, Email FROM User WHERE IsActive = true AND (${where})`)).records;
  const userOf = (ext: string): string | undefined => {
    const ref = mapping.users[ext];
    if (!ref) return undefined;
    return 'salesforceUserId' in ref ? users.find((u) => u.Id === ref.salesforceUserId)?.Id : users.find((u) => u.Email?.toLowerCase() === ref.email.toLowerCase())?.Id;
  };
  const ownerUserId = userOf(ins.ownerExtensionId);
  if (!ownerUserId) throw new NaivePermanentError(`unmapped_owner: extension ${ins.ownerExtensionId} has no active user`);
  const speakerUserIds = new Map(ins.speakerInfo.flatMap((s) => (s.extensionId && userOf(s.extensionId) ? [[s.speakerId, userOf(s.extensionId)!] as const] : [])));

  // 2. One lookup per external speaker: the first by the call's number (from the call log), the others by name.
  const externals = ins.speakerInfo.filter((s) => !s.extensionId);
  let found: Person | undefined;
  if (externals.length > 0) {
    const raw = await externalNumber(ins, deps);
    const e164 = raw ? toE164(raw, mapping.phone.defaultCountry) : undefined;
    const byNames: Array<Person | undefined> = [];
    for (const [k, s] of externals.entries()) {
      if (k === 0 && e164) {
        const p = await byPhone(conn, e164, mapping.phone.defaultCountry);
        if (p) {
          found = p;
          continue;
        }
      }
      const name = s.name?.trim();
      if (name && name.length >= 2) byNames.push(await byName(conn, name));
    }
    found ??= byNames.find((p) => p !== undefined);
  }
  const who: WhoRef | undefined = found && { type: found.type, id: found.id };
  let whatId: string | undefined;
  if (found?.type === 'Contact' && found.accountId && mapping.activity.relatedTo !== 'none') {
    whatId = found.accountId;
    if (mapping.activity.relatedTo === 'open_opportunity') {
      const opp = await conn.query<{ Id: string }>(`SELECT Id FROM Opportunity WHERE AccountId = '${found.accountId}' AND IsClosed = false ORDER BY LastModifiedDate DESC LIMIT 1`);
      whatId = opp.records[0]?.Id ?? whatId;
    }
  }

  // 3. The Tasks: find the ones already written, then create the others one request at a time.
  const drafts = buildDrafts(ins, { ownerUserId, speakerUserIds, ...(who ? { who } : {}), ...(whatId ? { whatId } : {}) }, mapping);
  const all = [drafts.call, ...drafts.followUps];
  const existing = await conn.query<Record<string, unknown>>(`SELECT Id, ${KEY_FIELD} FROM Task WHERE ${KEY_FIELD} IN ${soqlList(all.map((d) => d.key))}`);
  const have = new Set(existing.records.map((r) => r[KEY_FIELD]));
  let created = 0;
  for (const d of all) {
    if (have.has(d.key)) continue;
    const res = await conn.sobject('Task').create({ ...d.fields, [KEY_FIELD]: d.key });
    if (!res.success) throw new Error(`Task not created: ${JSON.stringify(res.errors)}`);
    created++;
  }
  return { created, existing: have.size };
}
