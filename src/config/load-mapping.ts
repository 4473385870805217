import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { toE164 } from '../lib/phone.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { mappingSchema, type ContactOverride, type Mapping } from './mapping.schema.ts';
import { formatPath, locateKey, locateValue } from './yaml-locate.ts';

/** A validated, immutable mapping: swapped whole on reload, never edited in place. */
export interface MappingSnapshot {
  readonly file: string;
  readonly loadedAt: Date;
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

type AnySchema = z.core.$ZodType;

/** The keys an object schema at `path` accepts (for "did you mean" hints); empty when unknown. */
function knownKeys(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let s: AnySchema | undefined = schema;
  const unwrap = (x: AnySchema): AnySchema | undefined => {
    const def = x._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault' || def.type === 'nullable') return def.innerType;
    if (def.type === 'pipe') return def.in;
    return undefined;
  };
  const settle = (x: AnySchema | undefined): AnySchema | undefined => {
    let cur = x;
    for (let next = cur && unwrap(cur); next; next = unwrap(next)) cur = next;
    return cur;
  };
  for (const key of path) {
    s = settle(s);
    if (!s) return [];
    const def = s._zod.def as { type: string; shape?: Record<string, AnySchema>; valueType?: AnySchema };
    if (def.type === 'object' && def.shape) s = def.shape[String(key)];
    else if (def.type === 'record') s = def.valueType;
    else return [];
  }
  s = settle(s);
  const def = s?._zod.def as { type: string; shape?: Record<string, AnySchema> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function closest(word: string, options: string[]): string | undefined {
  const lower = word.toLowerCase();
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length]![b.length]!;
  };
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const dd = dist(lower, o.toLowerCase());
    if (dd < bestD) [best, bestD] = [o, dd];
  }
  if (bestD <= Math.max(2, Math.floor(word.length / 3))) return best;
  // Not a typo but a shortened or partial name (ownerByEmail -> ownerByExtensionEmail).
  const prefix = (a: string, b: string) => { let i = 0; while (i < a.length && a[i] === b[i]) i++; return i; };
  const suffix = (a: string, b: string) => prefix([...a].reverse().join(''), [...b].reverse().join(''));
  const partial = options.filter((o) => {
    const ol = o.toLowerCase();
    return ol.includes(lower) || lower.includes(ol) || prefix(lower, ol) + suffix(lower, ol) >= Math.min(lower.length, ol.length) * 0.7;
  });
  return partial.length === 1 ? partial[0] : undefined;
}

/** A section whose keys are all commented out reads as null: treat it as absent (all defaults). */
function withoutEmptySections(value: unknown): unknown {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/** Parses and validates mapping text; `file` names it in errors. Throws ConfigError listing every problem. */
export function parseMapping(text: string, file: string): MappingSnapshot {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        where: 'YAML syntax',
        message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
        line: e.linePos?.[0].line,
        column: e.linePos?.[0].col,
      })),
    );
  }
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
    throw new ConfigError(file, problems);
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
  if (mapping.noMatch.action === 'create_lead' && !mapping.noMatch.lead.company.trim()) {
    problems.push({ where: 'noMatch.lead.company', message: 'create_lead needs a company name for new Leads', ...locateValue(doc, lc, ['noMatch', 'lead', 'company']) });
  }
  if (problems.length) throw new ConfigError(file, problems);
  return Object.freeze({
    file,
    loadedAt: new Date(),
    mapping: deepFreeze(mapping),
    contactsByPhone: byPhone,
    contactsByName: byName,
  });
}

/** Reads and validates the mapping file. A missing or unreadable file is a ConfigError too. */
export function loadMapping(file: string): MappingSnapshot {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ENOENT' ? 'file not found (copy config/mapping.example.yaml to start one)' : `cannot read it (${code})`;
    throw new ConfigError(file, [{ where: 'file', message: why }]);
  }
  return parseMapping(text, file);
}
