/**
 * One change to the mapping file, made as an admin would make it by hand (the console's Unmapped page): the YAML
 * is edited in place with the `yaml` package's document model, so the admin's comments, order and layout stay, and
 * the result is validated exactly as the file is at start-up and on reload (parseMapping). Pure: no I/O (the
 * writing is mapping-writer.ts).
 */
import { Document, isMap, isScalar, parseDocument, Scalar, type YAMLMap } from 'yaml';
import { toE164 } from '../lib/phone.ts';
import { nameKey, parseMapping, type MappingSnapshot } from './load-mapping.ts';

/** What a caller is pinned to: a Contact, a Lead, or nothing (the number or name is ignored). */
export type CallerTarget = { readonly contactId: string } | { readonly leadId: string } | { readonly ignore: true };

export type MappingChange =
  /** `users."<extension>": { salesforceUserId: "005…" }`. */
  | { readonly kind: 'user'; readonly extensionId: string; readonly salesforceUserId: string }
  /** `contacts.byPhone."<E.164>"`: the caller's number (an existing entry of the same number, in any format, is replaced). */
  | { readonly kind: 'caller_phone'; readonly phone: string; readonly target: CallerTarget }
  /** `contacts.byName."<name>"` (an existing entry of the same name, compared as the sync compares names, is replaced). */
  | { readonly kind: 'caller_name'; readonly name: string; readonly target: CallerTarget };

export interface EditedMapping {
  readonly text: string;
  /** The new text, validated. */
  readonly snapshot: MappingSnapshot;
  /** The mapping already said this: nothing to write. */
  readonly unchanged: boolean;
}

type Path = readonly [string, ...string[]];

const valueOf = (change: MappingChange): Record<string, string | boolean> =>
  change.kind === 'user' ? { salesforceUserId: change.salesforceUserId } : { ...change.target };

/** Where the change goes: the existing key for the same subject when there is one, else a new key. */
function pathFor(change: MappingChange, current: MappingSnapshot | undefined): Path {
  switch (change.kind) {
    case 'user':
      return ['users', change.extensionId];
    case 'caller_phone': {
      const country = current?.mapping.phone.defaultCountry ?? 'US';
      const existing = Object.keys(current?.mapping.contacts.byPhone ?? {}).find((raw) => toE164(raw, country) === change.phone);
      return ['contacts', 'byPhone', existing ?? change.phone];
    }
    case 'caller_name': {
      const existing = Object.keys(current?.mapping.contacts.byName ?? {}).find((raw) => nameKey(raw) === nameKey(change.name));
      return ['contacts', 'byName', existing ?? change.name];
    }
  }
}

/** The section a change belongs under, as the admin reads it in the file. */
export function sectionOf(change: MappingChange): string {
  return change.kind === 'user' ? 'users' : change.kind === 'caller_phone' ? 'contacts.byPhone' : 'contacts.byName';
}

/** A new node of quoted strings (a Salesforce id of digits must stay a string) in flow style: `{ contactId: "003…" }`. */
function flowMap(doc: Document, value: Record<string, string | boolean>) {
  const node = doc.createNode(value);
  node.flow = true;
  for (const pair of node.items) if (isScalar(pair.value) && typeof pair.value.value === 'string') pair.value.type = 'QUOTE_DOUBLE';
  return node;
}

/** A section written `users: {}` (or left empty) reads as a flow or null map: make it a block map before adding to it. */
function blockSections(doc: Document, path: Path): YAMLMap {
  let map = doc.contents as YAMLMap;
  for (const key of path.slice(0, -1)) {
    const node: unknown = map.get(key, true);
    if (isMap(node)) {
      if (node.items.length === 0) node.flow = false;
      map = node;
    } else {
      const created = doc.createNode({});
      map.set(key, created);
      map = created;
    }
  }
  return map;
}

/** `doc` with `change` made at `path`; the new key double-quoted (an extension id or a number must stay a string). */
function edit(doc: Document, path: Path, change: MappingChange): void {
  if (!isMap(doc.contents)) doc.contents = doc.createNode({});
  const parent = blockSections(doc, path);
  const key = new Scalar(path[path.length - 1]);
  key.type = 'QUOTE_DOUBLE';
  parent.set(key, flowMap(doc, valueOf(change)));
}

/**
 * The exact lines to add for `change`, nested under their sections, for an admin who edits the file by hand (a
 * read-only mount): what `applyMappingChange` would add to an empty file.
 */
export function linesFor(change: MappingChange): string {
  const doc = new Document({});
  edit(doc, pathFor(change, undefined), change);
  return doc.toString({ lineWidth: 0 });
}

/**
 * `text` (the mapping file as it is now) with `change` made. Throws ConfigError when the result is not a valid
 * mapping (the change is then not made), naming each problem as the file's own validation would.
 */
export function applyMappingChange(text: string, change: MappingChange, file: string): EditedMapping {
  const before = parseMapping(text, file);
  const path = pathFor(change, before);
  const doc: Document = parseDocument(text);
  const old: unknown = doc.getIn(path);
  const same = isMap(old) && JSON.stringify(old.toJSON()) === JSON.stringify(valueOf(change));
  if (same) return { text, snapshot: before, unchanged: true };
  edit(doc, path, change);
  const next = doc.toString({ lineWidth: 0 });
  return { text: next, snapshot: parseMapping(next, file), unchanged: false };
}
