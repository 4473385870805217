import { isScalar, LineCounter, parseAllDocuments, parseDocument, type Document } from 'yaml';
import { toE164 } from '../lib/phone.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { readMappingFile } from './mapping-file.ts';
import { closest, knownKeys } from './mapping-hints.ts';
import { mappingSchema, type ContactOverride, type Mapping } from './mapping.schema.ts';
import { formatPath, locateKey, locateValue } from './yaml-locate.ts';

/** A validated, immutable mapping: swapped whole on reload, never edited in place. */
export interface MappingSnapshot {
  readonly file: string;
  readonly loadedAt: Date;
  /**
   * The file holds no settings at all (empty, or only comments): every default applies and no user is mapped.
   * Valid, but a reload refuses it (an editor's half-written save must not unmap everyone) and `config check` warns.
   */
  readonly empty: boolean;
  readonly mapping: Mapping;
  /** Admin overrides by E.164 number. */
  readonly contactsByPhone: ReadonlyMap<string, ContactOverride>;
  /** Admin overrides by name, compared case-insensitively with white space collapsed. */
  readonly contactsByName: ReadonlyMap<string, ContactOverride>;
}

export function nameKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A section whose keys are all commented out reads as null: treat it as absent (all defaults). */
function withoutEmptySections(value: unknown): unknown {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

const YAML_OPTIONS = { prettyErrors: true, uniqueKeys: true } as const;

/** Problems in file order (line, then column); those with no position (about the whole file) first. */
function inFileOrder(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** The file's one YAML document; several are refused, located at the second. */
function oneDocument(text: string, file: string, lc: LineCounter): Document.Parsed {
  const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter: lc });
  if (docs.length > 1) {
    const { line, col } = lc.linePos(docs[1]!.range[0]);
    throw new ConfigError(file, [{
      where: 'file',
      message: `the mapping file must be one YAML document; found ${docs.length} (a "---" line starts another): keep one, or merge them into one`,
      line,
      column: col,
    }]);
  }
  const doc = docs[0] ?? parseDocument(text, { ...YAML_OPTIONS, lineCounter: lc });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      inFileOrder(doc.errors.map((e) => ({
        where: 'YAML syntax',
        message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
        line: e.linePos?.[0].line,
        column: e.linePos?.[0].col,
      }))),
    );
  }
  return doc;
}

/** Parses and validates mapping text; `file` names it in errors. Throws ConfigError listing every problem, in file order. */
export function parseMapping(text: string, file: string): MappingSnapshot {
  const lc = new LineCounter();
  const doc = oneDocument(text, file, lc);
  const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
  const raw: unknown = withoutEmptySections(doc.toJS());
  const parsed = mappingSchema.safeParse(raw);
  const problems: ConfigProblem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        const allowed = knownKeys(mappingSchema, issue.path);
        for (const key of issue.keys) {
          const hint = closest(key, allowed);
          const allowedText = allowed.length ? ` (allowed here: ${allowed.join(', ')})` : '';
          problems.push({
            where: formatPath([...issue.path, key]),
            message: `unknown key "${key}"${hint ? `; did you mean "${hint}"?` : allowedText}`,
            ...locateKey(doc, lc, issue.path, key),
          });
        }
      } else if (issue.code === 'invalid_key') {
        const key = issue.path.at(-1);
        problems.push({
          where: formatPath(issue.path),
          message: issue.issues[0]?.message ?? issue.message,
          ...(typeof key === 'string' ? locateKey(doc, lc, issue.path.slice(0, -1), key) : locateValue(doc, lc, issue.path)),
        });
      } else {
        problems.push({ where: formatPath(issue.path), message: issue.message, ...locateValue(doc, lc, issue.path) });
      }
    }
    throw new ConfigError(file, inFileOrder(problems));
  }
  const mapping = parsed.data;
  const byPhone = new Map<string, ContactOverride>();
  const seenAs = new Map<string, string>();
  for (const [rawPhone, override] of Object.entries(mapping.contacts.byPhone)) {
    const path = ['contacts', 'byPhone', rawPhone];
    const e164 = toE164(rawPhone, mapping.phone.defaultCountry);
    if (!e164) {
      problems.push({ where: formatPath(path), message: `"${rawPhone}" is not a valid phone number (country ${mapping.phone.defaultCountry} assumed without a + prefix)`, ...locateKey(doc, lc, path.slice(0, 2), rawPhone) });
      continue;
    }
    const earlier = seenAs.get(e164);
    if (earlier !== undefined) {
      problems.push({ where: formatPath(path), message: `"${rawPhone}" is the same number as "${earlier}" (${e164}); keep one`, ...locateKey(doc, lc, path.slice(0, 2), rawPhone) });
      continue;
    }
    seenAs.set(e164, rawPhone);
    byPhone.set(e164, override);
  }
  const byName = new Map<string, ContactOverride>();
  const seenName = new Map<string, string>();
  for (const [name, override] of Object.entries(mapping.contacts.byName)) {
    const key = nameKey(name);
    const earlier = seenName.get(key);
    if (earlier !== undefined) {
      const path = ['contacts', 'byName', name];
      problems.push({ where: formatPath(path), message: `"${name}" is the same name as "${earlier}" (names are compared ignoring case and spacing)`, ...locateKey(doc, lc, path.slice(0, 2), name) });
      continue;
    }
    seenName.set(key, name);
    byName.set(key, override);
  }
  problems.push(...mappedFieldProblems(mapping, (path, key) => locateKey(doc, lc, path, key)));
  if (mapping.noMatch.action === 'create_lead' && !mapping.noMatch.lead.company.trim()) {
    problems.push({ where: 'noMatch.lead.company', message: 'create_lead needs a company name for new Leads', ...locateValue(doc, lc, ['noMatch', 'lead', 'company']) });
  }
  if (problems.length) throw new ConfigError(file, inFileOrder(problems));
  return Object.freeze({
    file,
    loadedAt: new Date(),
    empty,
    mapping: deepFreeze(mapping),
    contactsByPhone: byPhone,
    contactsByName: byName,
  });
}

/** Mapped Task fields that clash: the same field twice (API names ignore case), or the field holding the sync's keys. */
function mappedFieldProblems(mapping: Mapping, at: (path: readonly string[], key: string) => { line: number; column: number } | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, string>();
  const keyField = mapping.salesforce.externalIdField?.toLowerCase();
  for (const name of Object.keys(mapping.fields.task)) {
    const where = formatPath(['fields', 'task', name]);
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined) problems.push({ where, message: `"${name}" is the same field as "${earlier}" (Salesforce API names ignore case); keep one`, ...at(['fields', 'task'], name) });
    else if (name.toLowerCase() === keyField) problems.push({ where, message: `Task.${name} holds the sync's call keys (salesforce.externalIdField); map the value to another field`, ...at(['fields', 'task'], name) });
    seen.set(name.toLowerCase(), name);
  }
  return problems;
}

/** Reads and validates the mapping file. A missing, unreadable, oversized or binary file is a ConfigError too. */
export function loadMapping(file: string): MappingSnapshot {
  const read = readMappingFile(file);
  if (read.kind === 'missing') throw new ConfigError(file, [{ where: 'file', message: 'file not found (copy config/mapping.example.yaml to start one)' }]);
  if (read.kind === 'refused') throw new ConfigError(file, [read.problem]);
  return parseMapping(read.text, file);
}
