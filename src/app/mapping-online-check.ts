/**
 * The mapping's online check (`ringsense-sync config check --online`, and the console's Mapping page): every
 * Salesforce record and RingCentral extension the mapping names, looked up in the real org and account. Few
 * requests: one SOQL per object type (ids) and one for the e-mails, then one paced GET per mapped extension.
 */
import type { Connection } from 'jsforce';
import type { MappingSnapshot } from '../config/load-mapping.ts';
import type { ContactOverride, UserRef } from '../config/mapping.schema.ts';
import { formatPath } from '../config/yaml-locate.ts';
import { readExtensions } from '../ringcentral/extensions.ts';
import type { PacedRequests } from '../ringcentral/paced-requests.ts';
import type { Failure } from '../lib/service-error.ts';
import { CrmError } from '../salesforce/classify-error.ts';
import { id15, leadsById, recordsById, usersByEmail, usersById, type UserRecord } from '../salesforce/batch-lookup.ts';
import { describeFields } from '../salesforce/rest.ts';
import { fieldProblems } from '../sync/mapped-fields.ts';
import type { FieldCatalog } from '../sync/task-store.port.ts';

export interface OnlineProblem {
  readonly what: string;
  /** Where in the mapping file, e.g. users."62288320001".email */
  readonly key: string;
  readonly problem: string;
}

export interface OnlineReport {
  readonly problems: OnlineProblem[];
  readonly checked: { users: number; contactRecords: number; extensions: number; taskFields: number };
  /** Task's describe, when the mapping maps Task fields and Salesforce gave it (the console shows each field's status). */
  readonly taskCatalog?: FieldCatalog;
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

type Lookup<T> = (values: string[]) => Promise<ReadonlyMap<string, T>>;
type AddProblem = (ref: Ref, problem: string) => void;

/** Codes that say the integration user cannot read the object or a field: the same answer for every entry. */
const ACCESS_CODES: ReadonlySet<string> = new Set(['INVALID_TYPE', 'INVALID_FIELD', 'INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS_OR_READONLY', 'API_DISABLED_FOR_ORG']);

/**
 * Salesforce's refusal of a lookup in words about the mapping entry. Its message is not shown whole: a SOQL error
 * quotes the query (every value of the batch) with a caret under the culprit. Only a short last line that is not
 * SOQL is kept.
 */
export function describeRefusal(failure: Failure, object: string): string {
  const last = failure.message.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
  const detail = last && last.length <= 120 && !/\b(SELECT|FROM|WHERE|FIND)\b|\^|ERROR at Row/.test(last) ? `: ${last}` : '';
  const code = failure.code;
  if (code === 'INVALID_QUERY_FILTER_OPERATOR' || code === 'MALFORMED_ID' || /invalid ID/i.test(failure.message)) {
    return `Salesforce refused the id as malformed (${code}): copy it again from the record's URL in Salesforce`;
  }
  if (code === 'INVALID_TYPE') return `the integration user cannot read ${object} records (Salesforce ${code}${detail}): give its profile or a permission set read access to ${object}`;
  if (code === 'INVALID_FIELD') return `the integration user cannot see a field of ${object} the sync reads (Salesforce ${code}${detail}): check its field-level security`;
  if (ACCESS_CODES.has(code)) return `the integration user may not read ${object} records (Salesforce ${code}${detail})`;
  return `Salesforce refused to look it up (${code}${detail})`;
}

/** A refusal about this entry (or its object), as opposed to a failure that stops the whole check. */
function refusalOf(e: unknown): Failure {
  const err = CrmError.from(e);
  if (err.failure.kind === 'permanent' || err.failure.kind === 'stale_reference') return err.failure;
  throw err;
}

/**
 * One batched lookup for `refs`; when Salesforce refuses the batch, each entry is asked alone, so a refusal is
 * reported against the entry it concerns and the others are still checked. A refusal about the object (no access)
 * is reported for every entry at once. Network, limit and auth failures end the check ("could not finish").
 */
async function lookUp<T>(refs: readonly Ref[], object: string, lookup: Lookup<T>, add: AddProblem): Promise<{ found: Map<string, T>; answered: Ref[] }> {
  const found = new Map<string, T>();
  const refuse = (r: Ref, f: Failure): void => add(r, describeRefusal(f, object));
  try {
    for (const [k, v] of await lookup(refs.map((r) => r.value))) found.set(k, v);
    return { found, answered: [...refs] };
  } catch (e) {
    const batch = refusalOf(e);
    if (refs.length === 1 || ACCESS_CODES.has(batch.code)) {
      for (const r of refs) refuse(r, batch);
      return { found, answered: [] };
    }
  }
  const answered: Ref[] = [];
  for (const r of refs) {
    try {
      for (const [k, v] of await lookup([r.value])) found.set(k, v);
      answered.push(r);
    } catch (e) {
      refuse(r, refusalOf(e));
    }
  }
  return { found, answered };
}

async function checkSalesforce(conn: Connection, refs: ReturnType<typeof references>, problems: OnlineProblem[]): Promise<void> {
  const adder = (what: string): AddProblem => (ref, problem) => problems.push({ what, key: formatPath(ref.path), problem });
  // Each lookup reports the entries Salesforce refused to look up; the loops judge the entries it answered.
  if (refs.userIds.length) {
    const add = adder('Salesforce user');
    const { found, answered } = await lookUp(refs.userIds, 'User', (ids) => usersById(conn, ids), add);
    for (const r of answered) {
      const u = found.get(id15(r.value));
      if (!u) add(r, `no User ${r.value} ${NOT_VISIBLE}`);
      else if (!u.IsActive) add(r, `User ${r.value}${userName(u)} is inactive`);
    }
  }
  if (refs.emails.length) {
    const add = adder('Salesforce user');
    const { found, answered } = await lookUp(refs.emails, 'User', (emails) => usersByEmail(conn, emails), add);
    for (const r of answered) {
      const problem = emailProblem(r.value, found.get(r.value.toLowerCase()) ?? []);
      if (problem) add(r, problem);
    }
  }
  if (refs.byType.Lead.length) {
    const add = adder('Lead');
    const { found, answered } = await lookUp(refs.byType.Lead, 'Lead', (ids) => leadsById(conn, ids), add);
    for (const r of answered) {
      const lead = found.get(id15(r.value));
      if (!lead) add(r, `no Lead ${r.value} ${NOT_VISIBLE}`);
      else if (lead.IsConverted) add(r, `Lead ${r.value} is converted${lead.ConvertedContactId ? ` (to Contact ${lead.ConvertedContactId}): pin that contactId instead` : ''}`);
    }
  }
  for (const type of ['Contact', 'Account', 'Opportunity'] as const) {
    const list = refs.byType[type];
    if (!list.length) continue;
    const add = adder(type);
    const { found, answered } = await lookUp(list, type, (ids) => recordsById(conn, type, ['Id'], ids), add);
    for (const r of answered) if (!found.has(id15(r.value))) add(r, `no ${type} ${r.value} ${NOT_VISIBLE}`);
  }
}

/**
 * The mapped Task fields (fields.task) against Task's describe, one request: each exists, the integration user may
 * create and update it, its type holds the value, and a restricted picklist has every value the mapping can write.
 */
async function checkTaskFields(conn: Connection, snap: MappingSnapshot, problems: OnlineProblem[]): Promise<FieldCatalog | undefined> {
  const spec = snap.mapping.fields.task;
  if (Object.keys(spec).length === 0) return undefined;
  let catalog: Awaited<ReturnType<typeof describeFields>>;
  try {
    catalog = await describeFields(conn, 'Task');
  } catch (e) {
    const f = refusalOf(e);
    problems.push({ what: 'Task field', key: 'fields.task', problem: `Salesforce refused to describe Task (${f.code}): the integration user needs read access to Task` });
    return undefined;
  }
  for (const [name, source] of Object.entries(spec)) {
    for (const problem of fieldProblems(name, source, catalog)) problems.push({ what: 'Task field', key: formatPath(['fields', 'task', name]), problem });
  }
  return catalog;
}

/** With opportunity.nextStep on, the integration user must be able to read and edit Opportunity.NextStep (one request). */
async function checkOpportunityNextStep(conn: Connection, snap: MappingSnapshot, problems: OnlineProblem[]): Promise<void> {
  if (snap.mapping.opportunity.nextStep === 'off') return;
  const key = formatPath(['opportunity', 'nextStep']);
  let catalog: Awaited<ReturnType<typeof describeFields>>;
  try {
    catalog = await describeFields(conn, 'Opportunity');
  } catch (e) {
    const f = refusalOf(e);
    problems.push({ what: 'Opportunity field', key, problem: `Salesforce refused to describe Opportunity (${f.code}): the integration user needs read access to Opportunity` });
    return;
  }
  const field = catalog.get('nextstep');
  if (!field) problems.push({ what: 'Opportunity field', key, problem: 'Opportunity.NextStep is not visible to the integration user (field-level security)' });
  else if (!field.updateable) problems.push({ what: 'Opportunity field', key, problem: 'the integration user cannot edit Opportunity.NextStep (field-level security): give it edit access, or set opportunity.nextStep: off' });
}

export async function checkMappingOnline(snap: MappingSnapshot, deps: { salesforce: Connection; ringcentral: PacedRequests }): Promise<OnlineReport> {
  const refs = references(snap);
  const problems: OnlineProblem[] = [];
  await checkSalesforce(deps.salesforce, refs, problems);
  const taskCatalog = await checkTaskFields(deps.salesforce, snap, problems);
  await checkOpportunityNextStep(deps.salesforce, snap, problems);
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
      taskFields: Object.keys(snap.mapping.fields.task).length,
    },
    ...(taskCatalog ? { taskCatalog } : {}),
  };
}
