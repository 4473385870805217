import type { Connection } from 'jsforce';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { DirectoryPerson, DirectoryUser, NewLead, PeopleDirectory } from '../mapping/directory.port.ts';
import { CrmError } from './classify-error.ts';
import { soqlQuery, soslSearch, withRetry } from './rest.ts';
import { assertSalesforceId, soqlString, soslTerm } from './soql.ts';

const CONTACT_PHONES = ['Phone', 'MobilePhone', 'HomePhone', 'OtherPhone', 'AssistantPhone'] as const;
const LEAD_PHONES = ['Phone', 'MobilePhone'] as const;
const RETURNING =
  `Contact(Id, Name, AccountId, ${CONTACT_PHONES.join(', ')}, LastModifiedDate ORDER BY LastModifiedDate DESC LIMIT 50), ` +
  `Lead(Id, Name, ${LEAD_PHONES.join(', ')}, LastModifiedDate WHERE IsConverted = false ORDER BY LastModifiedDate DESC LIMIT 50)`;

interface UserRow {
  Id: string;
  IsActive: boolean;
  Email?: string | null;
  Name?: string | null;
}
type PersonRow = { attributes: { type: string }; Id: string; Name: string; AccountId?: string | null; LastModifiedDate: string } & Record<string, unknown>;

function toUser(r: UserRow): DirectoryUser {
  return { id: r.Id, isActive: r.IsActive, ...(r.Email ? { email: r.Email } : {}), ...(r.Name ? { name: r.Name } : {}) };
}

function toPerson(r: PersonRow): DirectoryPerson | undefined {
  const type = r.attributes.type;
  if (type !== 'Contact' && type !== 'Lead') return undefined;
  const fields = type === 'Contact' ? CONTACT_PHONES : LEAD_PHONES;
  const phones = fields.map((f) => r[f]).filter((v): v is string => typeof v === 'string' && v !== '');
  return { type, id: r.Id, name: r.Name, phones, lastModified: r.LastModifiedDate, ...(r.AccountId ? { accountId: r.AccountId } : {}) };
}

/** The search term for a number: its national digits, which is how Salesforce's phone index matches. */
function phoneTerm(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return soslTerm(parsed?.nationalNumber ?? e164.replace(/\D/g, ''));
}

/** Salesforce people through jsforce: users by id or e-mail, contacts and leads by phone (SOSL) or name. */
export class SalesforcePeople implements PeopleDirectory {
  readonly #conn: Connection;
  constructor(conn: Connection) {
    this.#conn = conn;
  }

  async userById(id: string): Promise<DirectoryUser | undefined> {
    const soql = `SELECT Id, IsActive, Email, Name FROM User WHERE Id = '${assertSalesforceId(id)}'`;
    const res = await withRetry(() => soqlQuery<UserRow>(this.#conn, soql));
    return res.records[0] && toUser(res.records[0]);
  }

  async activeUserByEmail(email: string): Promise<DirectoryUser | undefined> {
    const soql = `SELECT Id, IsActive, Email, Name FROM User WHERE Email = ${soqlString(email)} AND IsActive = true ORDER BY LastModifiedDate DESC LIMIT 1`;
    const res = await withRetry(() => soqlQuery<UserRow>(this.#conn, soql));
    return res.records[0] && toUser(res.records[0]);
  }

  async peopleByPhone(e164: string): Promise<DirectoryPerson[]> {
    const sosl = `FIND {${phoneTerm(e164)}} IN PHONE FIELDS RETURNING ${RETURNING}`;
    const res = await withRetry(() => soslSearch<PersonRow>(this.#conn, sosl));
    return res.searchRecords.map(toPerson).filter((p): p is DirectoryPerson => p !== undefined);
  }

  async peopleByName(name: string): Promise<DirectoryPerson[]> {
    const term = soslTerm(name);
    if (term.replace(/\\./g, 'x').replace(/[^\p{L}\p{N}]/gu, '').length < 2) return []; // SOSL needs 2+ characters
    const sosl = `FIND {${term}} IN NAME FIELDS RETURNING ${RETURNING}`;
    const res = await withRetry(() => soslSearch<PersonRow>(this.#conn, sosl));
    return res.searchRecords.map(toPerson).filter((p): p is DirectoryPerson => p !== undefined);
  }

  async openOpportunity(accountId: string): Promise<string | undefined> {
    const soql = `SELECT Id FROM Opportunity WHERE AccountId = '${assertSalesforceId(accountId)}' AND IsClosed = false ORDER BY LastModifiedDate DESC LIMIT 1`;
    const res = await withRetry(() => soqlQuery<{ Id: string }>(this.#conn, soql));
    return res.records[0]?.Id;
  }

  async createLead(lead: NewLead): Promise<string> {
    // A create is not idempotent: no in-process retry (a job retry resolves again and finds the lead by phone).
    try {
      const res = await this.#conn.sobject('Lead').create({
        LastName: lead.lastName,
        Company: lead.company,
        LeadSource: lead.leadSource,
        OwnerId: lead.ownerId,
        ...(lead.firstName ? { FirstName: lead.firstName } : {}),
        ...(lead.phone ? { Phone: lead.phone } : {}),
        ...(lead.status ? { Status: lead.status } : {}),
      });
      if (!res.success) throw new CrmError({ kind: 'permanent', code: 'LEAD_NOT_CREATED', message: JSON.stringify(res.errors) });
      return res.id;
    } catch (e) {
      throw CrmError.from(e);
    }
  }
}
