/**
 * `config check --online`: every Salesforce record and RingCentral extension the mapping names, looked up in the
 * real org and account. Few requests: one SOQL per object type (ids) and one for the e-mails, then one paced GET
 * per mapped extension.
 */
import type { Connection } from 'jsforce';
import type { MappingSnapshot } from '../config/load-mapping.ts';
import type { ContactOverride, UserRef } from '../config/mapping.schema.ts';
import { formatPath } from '../config/yaml-locate.ts';
import { readExtensions } from '../ringcentral/extensions.ts';
import type { PacedRequests } from '../ringcentral/paced-requests.ts';
import { id15, leadsById, recordsById, usersByEmail, usersById, type UserRecord } from '../salesforce/batch-lookup.ts';

export interface OnlineProblem {
  readonly what: string;
  /** Where in the mapping file, e.g. users."62288320001".email */
  readonly key: string;
  readonly problem: string;
}

export interface OnlineReport {
  readonly problems: OnlineProblem[];
  readonly checked: { users: number; contactRecords: number; extensions: number };
}

type Path = readonly (string | number)[];
interface Ref {
  readonly path: Path;
  readonly value: string;
}

const NOT_VISIBLE = '(deleted, from another org, or not visible to the integration user)';

/** Every reference in the mapping, by kind. */
function references(snap: MappingSnapshot) {
  const m = snap.mapping;
  const userIds: Ref[] = [];
  const emails: Ref[] = [];
  const byType = { Contact: [] as Ref[], Lead: [] as Ref[], Account: [] as Ref[], Opportunity: [] as Ref[] };
  const user = (path: Path, ref: UserRef): void => {
    if ('salesforceUserId' in ref) userIds.push({ path: [...path, 'salesforceUserId'], value: ref.salesforceUserId });
    else emails.push({ path: [...path, 'email'], value: ref.email });
  };
  for (const [ext, ref] of Object.entries(m.users)) user(['users', ext], ref);
  if (m.defaultOwner) user(['defaultOwner'], m.defaultOwner);
  const override = (path: Path, o: ContactOverride): void => {
    if ('contactId' in o) {
      byType.Contact.push({ path: [...path, 'contactId'], value: o.contactId });
      if (o.accountId) byType.Account.push({ path: [...path, 'accountId'], value: o.accountId });
      if (o.opportunityId) byType.Opportunity.push({ path: [...path, 'opportunityId'], value: o.opportunityId });
    } else if ('leadId' in o) byType.Lead.push({ path: [...path, 'leadId'], value: o.leadId });
  };
  for (const [phone, o] of Object.entries(m.contacts.byPhone)) override(['contacts', 'byPhone', phone], o);
  for (const [name, o] of Object.entries(m.contacts.byName)) override(['contacts', 'byName', name], o);
  return { userIds, emails, byType, extensions: Object.keys(m.users) };
}

const userName = (u: UserRecord): string => (u.Name ? ` (${u.Name})` : '');

function emailProblem(email: string, users: readonly UserRecord[]): string | undefined {
  const active = users.filter((u) => u.IsActive);
  if (active.length === 1) return undefined;
  if (active.length > 1) return `${active.length} active Users have the e-mail ${email} (${active.map((u) => u.Id).join(', ')}): map by salesforceUserId instead`;
  if (users.length > 0) return `no active User has the e-mail ${email}; inactive: ${users.map((u) => `${u.Id}${userName(u)}`).join(', ')}`;
  return `no User has the e-mail ${email}`;
}

async function checkSalesforce(conn: Connection, refs: ReturnType<typeof references>, problems: OnlineProblem[]): Promise<void> {
  const add = (what: string, ref: Ref, problem: string): void => {
    problems.push({ what, key: formatPath(ref.path), problem });
  };
  if (refs.userIds.length) {
    const found = await usersById(conn, refs.userIds.map((r) => r.value));
    for (const r of refs.userIds) {
      const u = found.get(id15(r.value));
      if (!u) add('Salesforce user', r, `no User ${r.value} ${NOT_VISIBLE}`);
      else if (!u.IsActive) add('Salesforce user', r, `User ${r.value}${userName(u)} is inactive`);
    }
  }
  if (refs.emails.length) {
    const found = await usersByEmail(conn, refs.emails.map((r) => r.value));
    for (const r of refs.emails) {
      const problem = emailProblem(r.value, found.get(r.value.toLowerCase()) ?? []);
      if (problem) add('Salesforce user', r, problem);
    }
  }
  if (refs.byType.Lead.length) {
    const found = await leadsById(conn, refs.byType.Lead.map((r) => r.value));
    for (const r of refs.byType.Lead) {
      const lead = found.get(id15(r.value));
      if (!lead) add('Lead', r, `no Lead ${r.value} ${NOT_VISIBLE}`);
      else if (lead.IsConverted) add('Lead', r, `Lead ${r.value} is converted${lead.ConvertedContactId ? ` (to Contact ${lead.ConvertedContactId}): pin that contactId instead` : ''}`);
    }
  }
  for (const type of ['Contact', 'Account', 'Opportunity'] as const) {
    const list = refs.byType[type];
    if (!list.length) continue;
    const found = await recordsById(conn, type, ['Id'], list.map((r) => r.value));
    for (const r of list) if (!found.has(id15(r.value))) add(type, r, `no ${type} ${r.value} ${NOT_VISIBLE}`);
  }
}

export async function checkMappingOnline(snap: MappingSnapshot, deps: { salesforce: Connection; ringcentral: PacedRequests }): Promise<OnlineReport> {
  const refs = references(snap);
  const problems: OnlineProblem[] = [];
  await checkSalesforce(deps.salesforce, refs, problems);
  const extensions = await readExtensions(deps.ringcentral, refs.extensions);
  for (const ext of refs.extensions) {
    if (extensions.get(ext) === undefined) problems.push({ what: 'RingCentral extension', key: formatPath(['users', ext]), problem: `no extension ${ext} in the RingCentral account` });
  }
  const t = refs.byType;
  return {
    problems,
    checked: {
      users: refs.userIds.length + refs.emails.length,
      contactRecords: t.Contact.length + t.Lead.length + t.Account.length + t.Opportunity.length,
      extensions: refs.extensions.length,
    },
  };
}
