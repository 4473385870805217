import { stringify } from 'yaml';
import type { FieldStatusFacts, MappingFileCheck, MappingInForce, OnlineCheckResult } from './mapping.port.ts';
import { when } from './overview-view.ts';

/**
 * The Mapping page (/admin/mapping) as it shows the facts (pure): the mapping in force with its settings as YAML,
 * the file on disk validated offline, the online check's last result, the mapped Task fields with their describe
 * status, and the fields calls were written without. Every value is placed by the template with `<%= %>`.
 */

export interface MappingView {
  readonly file: string;
  readonly loadedAt: string;
  /** The settings in force (defaults filled in), as YAML text. */
  readonly settings: string;
  readonly users: number;
  /** Each mapped RingCentral extension and its Salesforce user (an id or an e-mail). */
  readonly userRows: ReadonlyArray<{ readonly extension: string; readonly user: string }>;
  readonly defaultOwner: string | undefined;
  readonly contacts: string;
  readonly warnings: readonly string[];
  readonly fileCheck: {
    readonly state: 'valid' | 'changed' | 'invalid' | 'missing';
    readonly summary: string;
    readonly problems: ReadonlyArray<{ readonly at: string; readonly where: string; readonly message: string }>;
    readonly warning: string | undefined;
  };
  readonly online: {
    readonly running: string | undefined;
    readonly result: { readonly at: string; readonly state: 'ok' | 'problems' | 'unfinished' | 'unavailable'; readonly summary: string; readonly stale: string | undefined; readonly problems: ReadonlyArray<{ readonly what: string; readonly key: string; readonly problem: string }> } | undefined;
  };
  readonly fields: {
    readonly described: string;
    readonly rows: ReadonlyArray<{ readonly name: string; readonly takes: string; readonly exists: string; readonly type: string; readonly problems: readonly string[]; readonly ok: boolean | undefined }>;
  };
  readonly refusals: {
    readonly summary: string;
    readonly rows: ReadonlyArray<{ readonly field: string; readonly code: string; readonly count: number; readonly lastSeen: string; readonly lastCall: string; readonly message: string }>;
  };
  readonly problem: string | undefined;
  readonly canCheck: boolean;
  readonly csrf: string;
}

export interface MappingPageFacts {
  readonly inForce: MappingInForce;
  readonly file: MappingFileCheck;
  readonly online: { readonly last: OnlineCheckResult | undefined; readonly runningSince: number | undefined };
  readonly fields: FieldStatusFacts;
}

const EMPTY_WARNING =
  'the file has no settings (it is empty or only comments): every default applies and no user is mapped; a running service refuses such a file on reload (write `users: {}` to mean it)';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const userText = (ref: MappingInForce['mapping']['users'][string]): string => ('salesforceUserId' in ref ? `User ${ref.salesforceUserId}` : `the active User with e-mail ${ref.email}`);

function inForceWarnings(f: MappingInForce): string[] {
  const m = f.mapping;
  if (f.empty) return [`The mapping in force came from a file with no settings: every default applies and no user is mapped.`];
  if (Object.keys(m.users).length === 0 && !m.defaultOwner && !m.lookups.ownerByExtensionEmail)
    return ['No users are mapped, no default owner is set and e-mail lookup is off: every call will fail as unmapped_owner.'];
  return [];
}

function fileCheckView(c: MappingFileCheck, inForce: MappingInForce): MappingView['fileCheck'] {
  const stays = `The previous mapping (loaded ${when(inForce.loadedAt)}) stays in force until the file is fixed.`;
  switch (c.kind) {
    case 'same':
      return { state: 'valid', summary: `${inForce.file} is valid: it is the mapping in force.`, problems: [], warning: c.empty ? `Warning: ${EMPTY_WARNING}.` : undefined };
    case 'changed':
      return c.empty
        ? { state: 'changed', summary: `${inForce.file} is valid but has no settings, and differs from the mapping in force: a running service refuses such a file on reload. ${stays}`, problems: [], warning: `Warning: ${EMPTY_WARNING}.` }
        : { state: 'changed', summary: `${inForce.file} is valid and differs from the mapping in force: the service takes it on its next reload (seconds after the file changes).`, problems: [], warning: undefined };
    case 'invalid':
      return {
        state: 'invalid',
        summary: `${inForce.file} has ${plural(c.problems.length, 'problem')}. ${stays}`,
        problems: c.problems.map((p) => ({ at: p.line === undefined ? '' : `line ${p.line}, column ${p.column ?? 1}`, where: p.where, message: p.message })),
        warning: undefined,
      };
    case 'missing':
      return { state: 'missing', summary: `${inForce.file} is not there (deleted or moved). ${stays}`, problems: [], warning: undefined };
  }
}

function onlineView(o: MappingPageFacts['online'], inForce: MappingInForce): MappingView['online'] {
  const running = o.runningSince === undefined ? undefined : `An online check is running (started ${when(o.runningSince)}): reload the page to see its result.`;
  const r = o.last;
  if (!r) return { running, result: undefined };
  const at = when(r.at);
  const notStale = { stale: undefined };
  switch (r.kind) {
    case 'checked': {
      const c = r.checked;
      const stale = r.mappingLoadedAt === inForce.loadedAt ? notStale : { stale: `This checked the mapping loaded ${when(r.mappingLoadedAt)}; the one in force was loaded since (${when(inForce.loadedAt)}): run the check again.` };
      const checked = `all ${plural(c.users, 'user')}, ${plural(c.contactRecords, 'record')}, ${plural(c.extensions, 'extension')}, ${plural(c.taskFields, 'field')} checked`;
      if (!r.problems.length) return { running, result: { at, state: 'ok', summary: `${checked} against ${r.salesforce} and ${r.ringcentral}: no problem.`, ...stale, problems: [] } };
      const fieldsOnly = r.problems.every((p) => p.what === 'Task field');
      const then = fieldsOnly
        ? 'Calls are written without these fields (listed below) until the mapping or the org is fixed.'
        : 'Calls for these fail (unmapped_owner), lose their contact or are written without a mapped field until the mapping is fixed.';
      return { running, result: { at, state: 'problems', summary: `${plural(r.problems.length, 'problem')} (${checked} against ${r.salesforce} and ${r.ringcentral}). ${then}`, ...stale, problems: r.problems } };
    }
    case 'unfinished':
      return { running, result: { at, state: 'unfinished', summary: `The online check could not finish: ${r.reason}`, ...notStale, problems: [] } };
    case 'unavailable':
      return { running, result: { at, state: 'unavailable', summary: `The online check cannot run here: ${r.reason}.`, ...notStale, problems: [] } };
  }
}

function takes(from: string, values: Readonly<Record<string, string | number | boolean>> | undefined): string {
  const entries = Object.entries(values ?? {});
  return entries.length ? `${from}, mapped: ${entries.map(([k, v]) => `${k} → ${String(v)}`).join(', ')}` : from;
}

function fieldsView(f: FieldStatusFacts): MappingView['fields'] {
  const described = f.describedAt === undefined
    ? 'Task has not been described yet: run the online check to see whether each field exists in the org, its type and any problem.'
    : `As Task's describe said at ${when(f.describedAt)} (the last online check).`;
  const rows = f.fields.map((r) => {
    const known = r.problems !== undefined;
    return {
      name: r.name,
      takes: takes(r.from, r.values),
      exists: !known ? 'not described yet' : r.field ? 'yes' : 'no',
      type: r.field ? `${r.field.type}${r.field.restrictedPicklist ? ' (restricted)' : ''}` : '',
      problems: r.problems ?? [],
      ok: r.problems === undefined ? undefined : r.problems.length === 0,
    };
  });
  return { described, rows };
}

function refusalsView(f: FieldStatusFacts): MappingView['refusals'] {
  if (!f.refusals) return { summary: 'Unavailable.', rows: [] };
  if (!f.refusals.length) return { summary: `No mapped field was refused in the last ${f.refusalsDays} days: every call was written with all its mapped fields.`, rows: [] };
  const calls = f.refusals.reduce((n, e) => n + e.count, 0);
  return {
    summary: `${plural(f.refusals.length, 'mapped field refusal')} in the last ${f.refusalsDays} days, ${plural(calls, 'call')} written without the field (as \`ringsense-sync fields refusals\` lists them).`,
    rows: f.refusals.map((e) => ({ field: e.field, code: e.code, count: e.count, lastSeen: when(e.lastSeen), lastCall: e.lastSourceRecordId, message: e.message })),
  };
}

export function mappingView(f: MappingPageFacts, opts: { canCheck: boolean; csrf: string }): MappingView {
  const m = f.inForce.mapping;
  return {
    file: f.inForce.file,
    loadedAt: when(f.inForce.loadedAt),
    settings: stringify(m, { lineWidth: 0 }),
    users: Object.keys(m.users).length,
    userRows: Object.entries(m.users).map(([extension, ref]) => ({ extension, user: userText(ref) })),
    defaultOwner: m.defaultOwner && userText(m.defaultOwner),
    contacts: `${f.inForce.contactsByPhone} by phone, ${f.inForce.contactsByName} by name`,
    warnings: inForceWarnings(f.inForce),
    fileCheck: fileCheckView(f.file, f.inForce),
    online: onlineView(f.online, f.inForce),
    fields: fieldsView(f.fields),
    refusals: refusalsView(f.fields),
    problem: f.fields.problem,
    canCheck: opts.canCheck,
    csrf: opts.csrf,
  };
}
