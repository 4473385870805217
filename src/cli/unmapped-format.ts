/**
 * What `ringsense-sync unmapped` prints: the to-do list (one row per reason and subject), then the lines to add
 * to the mapping file, grouped under the section they belong to. Pure: no I/O.
 */
import type { MappingSnapshot } from '../config/load-mapping.ts';
import { inMapping, subjectKind, type SubjectKind } from '../mapping/unmapped-subject.ts';
import type { UnmappedEntry } from '../mapping/unmapped-store.ts';
import type { ExtensionInfo } from '../ringcentral/extensions.ts';
import { formatUtc, table } from './failed-format.ts';

export type Section = 'users' | 'contacts.byPhone' | 'contacts.byName';

export interface UnmappedItem extends UnmappedEntry {
  readonly kind: SubjectKind;
  /** The current mapping file already has an entry for it (fixed since, or mapped to a user who is not active). */
  readonly inMapping: boolean;
  readonly extension?: ExtensionInfo;
  readonly suggestion?: { readonly section: Section; readonly line: string };
}

const quote = (s: string): string => JSON.stringify(s);

function suggestion(e: UnmappedEntry, kind: SubjectKind, ext: ExtensionInfo | undefined): UnmappedItem['suggestion'] {
  switch (kind) {
    case 'extension':
      return { section: 'users', line: `${quote(e.subject)}: { email: ${quote(ext?.email ?? '<rep e-mail>')} }` };
    case 'phone':
      return { section: 'contacts.byPhone', line: `${quote(e.subject)}: { contactId: "003…" }` };
    case 'name':
      return { section: 'contacts.byName', line: `${quote(e.subject)}: { contactId: "003…" }` };
    case 'unknown':
      return undefined;
  }
}

export function describeEntries(entries: readonly UnmappedEntry[], snap: MappingSnapshot | undefined, extensions: ReadonlyMap<string, ExtensionInfo | undefined>): UnmappedItem[] {
  return entries.map((e) => {
    const kind = subjectKind(e);
    const mapped = inMapping(e.subject, kind, snap);
    const ext = kind === 'extension' ? extensions.get(e.subject) : undefined;
    const s = mapped ? undefined : suggestion(e, kind, ext);
    return { ...e, kind, inMapping: mapped, ...(ext ? { extension: ext } : {}), ...(s ? { suggestion: s } : {}) };
  });
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function comment(i: UnmappedItem): string {
  const ext = i.extension ? `ext ${i.extension.extensionNumber ?? '?'}${i.extension.name ? ` ${i.extension.name}` : ''}; ` : '';
  const what = i.reason === 'logged_without_contact' ? 'logged without a contact' : `failed (${i.reason})`;
  return `# ${ext}${plural(i.count, 'call')} ${what}, last ${formatUtc(i.lastSeen)}`;
}

/** The YAML to paste: each section once, its lines indented under it. */
function suggestionBlock(items: readonly UnmappedItem[]): string[] {
  const lines = (section: Section, indent: string): string[] =>
    items.filter((i) => i.suggestion?.section === section).map((i) => `${indent}${i.suggestion!.line}   ${comment(i)}`);
  const users = lines('users', '  ');
  const byPhone = lines('contacts.byPhone', '    ');
  const byName = lines('contacts.byName', '    ');
  const out: string[] = [];
  if (users.length) out.push('users:', ...users);
  if (byPhone.length || byName.length) out.push('contacts:');
  if (byPhone.length) out.push('  byPhone:', ...byPhone);
  if (byName.length) out.push('  byName:', ...byName);
  return out;
}

export function formatUnmapped(items: readonly UnmappedItem[], opts: { days: number; mappingFile: string | undefined; extensionsLooked: boolean }): string[] {
  if (items.length === 0) return [`Nothing unmapped in the last ${plural(opts.days, 'day')}.`];
  const owners = items.filter((i) => i.kind === 'extension').length;
  const out = [`Unmapped in the last ${plural(opts.days, 'day')}: ${plural(owners, 'owner extension')}, ${plural(items.length - owners, 'external party', 'external parties')} (newest first).`, ''];
  const rows = items.map((i) => [i.reason, i.subject, String(i.count), formatUtc(i.firstSeen), formatUtc(i.lastSeen), i.lastSourceRecordId || '-', i.inMapping ? 'in mapping now' : 'to map']);
  out.push(...table([['REASON', 'SUBJECT', 'CALLS', 'FIRST SEEN', 'LAST CALL', 'LAST RECORDING', 'STATUS'], ...rows]));
  const block = suggestionBlock(items);
  if (block.length) {
    const where = opts.mappingFile ?? 'the mapping file';
    out.push('', `Suggested lines for ${where} (replace the placeholders; then check with: ringsense-sync config check --online):`, '', ...block);
    if (owners && !opts.extensionsLooked) out.push('', "(Set RINGCENTRAL_* to fill in the extensions' e-mail addresses from RingCentral.)");
  }
  if (items.some((i) => i.inMapping)) {
    out.push('', '"in mapping now": the file has an entry for it. If its calls still fail, run `ringsense-sync config check --online` (an inactive user, a deleted contact).');
  }
  const failedReasons = [...new Set(items.filter((i) => i.reason !== 'logged_without_contact').map((i) => i.reason))];
  if (failedReasons.length) out.push('', `Once mapped, retry the failed calls: ${failedReasons.map((r) => `ringsense-sync failed retry --all --reason ${r}`).join('; ')}`);
  return out;
}

export function unmappedJson(items: readonly UnmappedItem[], opts: { days: number; sinceMs: number; mappingFile: string | undefined }) {
  return {
    days: opts.days,
    since: new Date(opts.sinceMs).toISOString(),
    mappingFile: opts.mappingFile ?? null,
    entries: items.map((i) => ({
      reason: i.reason,
      subject: i.subject,
      kind: i.kind,
      count: i.count,
      firstSeen: new Date(i.firstSeen).toISOString(),
      lastSeen: new Date(i.lastSeen).toISOString(),
      lastSourceRecordId: i.lastSourceRecordId,
      inMapping: i.inMapping,
      extension: i.extension ?? null,
      suggestion: i.suggestion ?? null,
    })),
  };
}
