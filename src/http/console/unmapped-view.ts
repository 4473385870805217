/**
 * The Unmapped pages' view models: what the templates (unmapped-pages.ts) place, prepared from the port's facts.
 * Pure. Every value is text the templates escape; links are built here from checked parts only.
 */
import type { CallerTarget } from '../../config/mapping-edit.ts';
import type { ConfigProblem } from '../../config/config-error.ts';
import { contactIdSchema, EXTENSION_ID, leadIdSchema, userIdSchema } from '../../config/mapping.schema.ts';
import { isPhoneSubject } from '../../mapping/unmapped-subject.ts';
import { when } from './overview-view.ts';
import type { ExtensionFacts, MappingChangeOutcome, PersonChoice, UnmappedItemFacts, UnmappedListFacts, UserChoice } from './unmapped.port.ts';

/** A caller as the unmapped list names them: an E.164 number or a name, one line. */
const CALLER_MAX = 255;

export const isExtensionId = (s: unknown): s is string => typeof s === 'string' && EXTENSION_ID.test(s);
export const isCallerSubject = (s: unknown): s is string => typeof s === 'string' && s.trim() !== '' && s.length <= CALLER_MAX && !/[\r\n]/.test(s);
export const isUserId = (s: unknown): s is string => userIdSchema.safeParse(s).success;

/** A caller's pin as the form posts it: `contact:<id>`, `lead:<id>` or `ignore`. */
export function parseCallerTarget(raw: unknown): CallerTarget | undefined {
  if (raw === 'ignore') return { ignore: true };
  if (typeof raw !== 'string') return undefined;
  const [type, id] = raw.split(':', 2);
  if (type === 'contact' && contactIdSchema.safeParse(id).success) return { contactId: id! };
  if (type === 'lead' && leadIdSchema.safeParse(id).success) return { leadId: id! };
  return undefined;
}

const REASON_LABEL: Readonly<Record<string, string>> = {
  unmapped_owner: 'failed: the rep is not mapped',
  no_contact_match: 'failed: no contact or lead matched',
  logged_without_contact: 'written without a contact',
};

interface Row {
  readonly subject: string;
  readonly reason: string;
  readonly reasonLabel: string;
  readonly count: number;
  readonly lastSeen: string;
  readonly lastRecording: string;
  readonly findHref: string;
  readonly status: string;
  readonly inMapping: boolean;
  /** The page that maps or pins it. */
  readonly actionHref: string | undefined;
  /** A caller's number or name that "Ignore" posts. */
  readonly ignorable: boolean;
}

export interface RetryOffer {
  readonly reason: string;
  readonly count: number;
}

export interface UnmappedView {
  readonly reps: readonly Row[];
  readonly callers: readonly Row[];
  readonly shown: string;
  readonly retries: readonly RetryOffer[];
  readonly canChange: boolean;
  readonly csrf: string;
}

const findHref = (term: string): string => `/admin/calls?q=${encodeURIComponent(term)}`;

function row(i: UnmappedItemFacts): Row {
  const actionHref =
    i.kind === 'extension' ? `/admin/unmapped/rep/${i.subject}` : i.kind === 'unknown' ? undefined : `/admin/unmapped/caller?subject=${encodeURIComponent(i.subject)}`;
  return {
    subject: i.subject,
    reason: i.reason,
    reasonLabel: REASON_LABEL[i.reason] ?? i.reason,
    count: i.count,
    lastSeen: when(i.lastSeen),
    lastRecording: i.lastSourceRecordId,
    findHref: findHref(i.lastSourceRecordId || i.subject),
    status: i.inMapping ? 'in the mapping now' : 'to map',
    inMapping: i.inMapping,
    actionHref: isExtensionId(i.subject) || i.kind !== 'extension' ? actionHref : undefined,
    ignorable: i.kind === 'phone' || i.kind === 'name',
  };
}

/** The failed reasons a mapping change can fix, with how many calls each would retry. */
export function retryOffers(failedByReason: Readonly<Record<string, number>>, reasons: readonly string[] = ['unmapped_owner', 'no_contact_match']): RetryOffer[] {
  return reasons.flatMap((reason) => ((failedByReason[reason] ?? 0) > 0 ? [{ reason, count: failedByReason[reason]! }] : []));
}

export function unmappedView(f: UnmappedListFacts, opts: { canChange: boolean; csrf: string }): UnmappedView {
  const rows = f.items.map(row);
  return {
    reps: rows.filter((r) => r.reason === 'unmapped_owner'),
    callers: rows.filter((r) => r.reason !== 'unmapped_owner'),
    shown: f.total > f.items.length ? `The newest ${f.items.length} of ${f.total} entries of the last ${f.days} days.` : `Entries of the last ${f.days} days, newest first.`,
    retries: retryOffers(f.failedByReason),
    ...opts,
  };
}

export interface SearchView<T> {
  readonly term: string;
  readonly results: readonly T[] | undefined;
  /** Why there are no results to show (a term too short, Salesforce not reachable). */
  readonly problem: string | undefined;
  readonly canChange: boolean;
  readonly csrf: string;
}

/** A search result's fields as the page shows them: absent ones empty (never the word "undefined"). */
type Shown<T> = { readonly [K in keyof T]-?: T[K] extends string | undefined ? string : T[K] };
const shown = <T extends object>(row: T): Shown<T> =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v ?? ''])) as Shown<T>;

export interface RepPageView extends SearchView<Shown<UserChoice>> {
  readonly extensionId: string;
  readonly action: string;
  readonly facts: ReadonlyArray<{ readonly label: string; readonly value: string }>;
}

export function repPageView(extensionId: string, ext: ExtensionFacts | undefined, search: Omit<SearchView<UserChoice>, 'canChange' | 'csrf'>, opts: { canChange: boolean; csrf: string }): RepPageView {
  const results = search.results?.map(shown);
  const facts = ext
    ? [
        { label: 'Name in RingCentral', value: ext.name ?? '' },
        { label: 'Extension number', value: ext.extensionNumber ?? '' },
        { label: 'E-mail in RingCentral', value: ext.email ?? '' },
        { label: 'Status', value: ext.status ?? '' },
      ].filter((x) => x.value !== '')
    : [{ label: 'RingCentral', value: 'not read (RingCentral not reachable from here, or the extension no longer exists)' }];
  return { extensionId, action: `/admin/unmapped/rep/${extensionId}`, facts, ...search, results, ...opts };
}

export interface CallerPageView extends SearchView<Shown<PersonChoice> & { readonly value: string }> {
  readonly subject: string;
  readonly kindLabel: string;
}

export function callerPageView(subject: string, search: Omit<SearchView<PersonChoice>, 'canChange' | 'csrf'>, opts: { canChange: boolean; csrf: string }): CallerPageView {
  return {
    subject,
    kindLabel: isPhoneSubject(subject) ? 'number' : 'name',
    ...search,
    results: search.results?.map((p) => ({ ...shown(p), value: `${p.type === 'Contact' ? 'contact' : 'lead'}:${p.id}` })),
    ...opts,
  };
}

export interface OutcomeView {
  readonly heading: string;
  readonly kind: MappingChangeOutcome['kind'];
  readonly file: string;
  readonly lines: ReadonlyArray<string>;
  readonly detail: string;
  readonly problems: readonly ConfigProblem[];
  readonly retries: readonly RetryOffer[];
  /** For a caller written without a contact: Find a call, to replay their calls. */
  readonly findHref: string | undefined;
  readonly csrf: string;
  readonly canChange: boolean;
}

/** The one-line outcome the audit log keeps (no call content: the mapping key and the record id). */
export function auditOutcome(o: MappingChangeOutcome, what: string): string {
  switch (o.kind) {
    case 'written':
      return `${what}: written${o.reloaded ? ', in force' : ''}`;
    case 'read_only':
      return `${what}: not written (file read-only), lines shown`;
    case 'unchanged':
      return `${what}: unchanged (already in the mapping)`;
    case 'invalid':
      return `${what}: not written (the mapping would not be valid)`;
    case 'changed_meanwhile':
      return `${what}: not written (the file changed meanwhile)`;
  }
}

export function outcomeView(
  o: MappingChangeOutcome,
  what: string,
  ctx: { failedByReason: Readonly<Record<string, number>>; reasons: readonly string[]; findTerm: string | undefined; canChange: boolean; csrf: string },
): OutcomeView {
  const base = { kind: o.kind, file: o.file, lines: [] as string[], problems: [] as ConfigProblem[], retries: [] as RetryOffer[], findHref: undefined as string | undefined, csrf: ctx.csrf, canChange: ctx.canChange };
  const offers = retryOffers(ctx.failedByReason, ctx.reasons);
  const find = ctx.findTerm ? findHref(ctx.findTerm) : undefined;
  switch (o.kind) {
    case 'written':
      return {
        ...base,
        heading: 'Mapping changed',
        detail: `${what}: written to ${o.file} (the previous version is kept as ${o.previous}). ${o.reloaded ? 'This service runs with it now.' : 'The running service picks it up within 30 seconds (its watch of the file).'} Other replicas reading the same file pick it up by their own watch.`,
        lines: o.lines.trimEnd().split('\n'),
        retries: offers,
        findHref: find,
      };
    case 'unchanged':
      return { ...base, heading: 'Nothing to change', detail: `The mapping in ${o.file} already says this.`, retries: offers, findHref: find };
    case 'read_only':
      return {
        ...base,
        heading: 'Add these lines to the mapping file',
        detail: `${o.file} cannot be written from here: ${o.reason}. Add the lines below to it (merge them into the sections it already has); the running service picks the change up by itself. To let the console write it, make the file writable by the service and mount its directory rather than the file alone (docker-compose.yml: "./config:/app/config" without ":ro").`,
        lines: o.lines.trimEnd().split('\n'),
      };
    case 'invalid':
      return { ...base, heading: 'Not changed: the mapping would not be valid', detail: `Nothing was written to ${o.file}. Fix these problems in the file first (ringsense-sync config check says the same):`, problems: o.problems };
    case 'changed_meanwhile':
      return { ...base, heading: 'Not changed: the file changed meanwhile', detail: `${o.file} was changed by someone else while this change was made; nothing was written. Go back and make it again.` };
  }
}
