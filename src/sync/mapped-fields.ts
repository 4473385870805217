import type { RecordingInsights } from '../calls/recording-insights.ts';
import type { TaskFieldSource, TaskFieldValue } from '../config/mapping.schema.ts';
import { singleLine } from '../lib/plain-text.ts';
import { ServiceError } from '../lib/service-error.ts';
import type { CallDrafts } from './build-drafts.ts';
import type { FieldCatalog, MappedFields, TaskFieldInfo, TaskStore, ActivityWrite } from './task-store.port.ts';
import { cutOnWord, safeEnd } from './text.ts';

/**
 * The admin's mapped Task fields (mapping `fields.task`): each value read from the insights and coerced to its
 * field's type as Salesforce's describe reports it. Pure. A value the field cannot hold (a restricted picklist
 * without it, a number too large, a field the integration user cannot write) is left out and said why, never sent
 * to fail the call: the call activity is always written.
 */

/** A mapped field left out of a write, and why: predicted from describe, or Salesforce's own refusal. */
export interface FieldRefusal {
  readonly field: string;
  /** Salesforce's errorCode (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, STRING_TOO_LONG, ...) or the sync's (INCOMPATIBLE_FIELD_TYPE). */
  readonly code: string;
  /** Why, without call content (a picklist value is quoted only when it is one of a known few, such as a sentiment). */
  readonly message: string;
}

export interface MappedFieldValues {
  /** API name (as the org spells it) -> value to write. */
  readonly values: MappedFields;
  /** Fields the integration user may set on create only: left out of updates. */
  readonly createOnly: readonly string[];
  readonly skipped: readonly FieldRefusal[];
}

/** What an insight gives: one text, a list of texts (paragraphs, next steps), or a number. */
type Source = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'list'; readonly items: readonly string[] } | { readonly kind: 'number'; readonly value: number; readonly text: string };
type Value = string | number | boolean;

const SOURCE_KIND: Record<TaskFieldValue, Source['kind']> = {
  summary: 'list', bulletedSummary: 'list', callNotes: 'list', highlights: 'list', nextSteps: 'list', qna: 'list',
  sentiment: 'text', rsRecordUri: 'text', sourceRecordId: 'text', sourceSessionId: 'text', callDirection: 'text', domain: 'text',
  aiScore: 'number', durationSeconds: 'number',
};

/**
 * The few values an insight can take, for checking a restricted picklist holds them all. RingSense's AIScore is a
 * score out of 10 sent as text ("7"): whole numbers 0 to 10 are assumed.
 */
export const POSSIBLE_VALUES: Partial<Record<TaskFieldValue, readonly string[]>> = {
  sentiment: ['Positive', 'Neutral', 'Negative'],
  callDirection: ['Inbound', 'Outbound'],
  domain: ['pbx', 'rcv', 'rcx', 'ms-teams', 'nice-incontact'],
  aiScore: Array.from({ length: 11 }, (_, i) => String(i)),
};

const TEXT_TYPES: ReadonlySet<string> = new Set(['string', 'textarea', 'combobox', 'encryptedstring']);
const NUMBER_TYPES: ReadonlySet<string> = new Set(['double', 'int', 'long', 'percent', 'currency']);

const texts = (list: ReadonlyArray<{ value: string }> | undefined): string[] => (list ?? []).map((u) => singleLine(u.value).trim()).filter(Boolean);
const first = (list: ReadonlyArray<{ value: string }> | undefined): string | undefined => texts(list)[0];

function list(items: string[]): Source | undefined {
  return items.length ? { kind: 'list', items } : undefined;
}
function text(value: string | undefined): Source | undefined {
  const t = value === undefined ? '' : singleLine(value).trim();
  return t ? { kind: 'text', text: t } : undefined;
}
function numberOf(raw: string | undefined): Source | undefined {
  const t = raw === undefined ? '' : singleLine(raw).trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? { kind: 'number', value: n, text: t } : { kind: 'text', text: t };
}

/** The insight's value for `name`, or undefined when the call has none. */
export function sourceValue(insights: RecordingInsights, name: TaskFieldValue): Source | undefined {
  const i = insights.insights;
  switch (name) {
    case 'summary': return list(texts(i.Summary));
    case 'bulletedSummary': return list((i.BulletedSummary ?? []).flatMap((b) => {
      const value = singleLine(b.value).trim();
      const section = b.section ? singleLine(b.section).trim() : '';
      return value ? [section ? `${section}: ${value}` : value] : [];
    }));
    case 'callNotes': return list(texts(i.CallNotes));
    case 'highlights': return list(texts(i.Highlights));
    case 'nextSteps': return list(texts(i.NextSteps));
    case 'qna': return list(texts(i.QnA));
    case 'sentiment': return text(first(i.Sentiment));
    case 'aiScore': return numberOf(first(i.AIScore));
    case 'rsRecordUri': return text(insights.rsRecordUri);
    case 'sourceRecordId': return text(insights.sourceRecordId);
    case 'sourceSessionId': return text(insights.sourceSessionId);
    case 'callDirection': return text(insights.callDirection);
    case 'domain': return text(insights.domain);
    case 'durationSeconds': {
      const s = Math.round(insights.recordingDurationMs / 1000);
      return { kind: 'number', value: s, text: String(s) };
    }
  }
}

/** The admin's value map applied (exact key first, then ignoring case); a value not in the map is kept as it is. */
function mapValue(source: Source, values: TaskFieldSource['values']): Source | Value {
  if (!values || source.kind === 'list') return source;
  const key = source.text;
  const hit = Object.hasOwn(values, key) ? values[key] : Object.entries(values).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  return hit ?? source;
}

/** The org's spelling of a picklist value (Salesforce matches them ignoring case), or undefined. */
function picklistMatch(field: TaskFieldInfo, value: string): string | undefined {
  return field.picklistValues.find((v) => v === value) ?? field.picklistValues.find((v) => v.toLowerCase() === value.toLowerCase());
}

/** Cuts a multi-line text to `max` characters on a word, keeping its line breaks, ending with an ellipsis. */
export function cutLines(value: string, max: number): string {
  if (value.length <= max) return value;
  let cut = value.slice(0, Math.max(0, max - 1));
  const space = Math.max(cut.lastIndexOf(' '), cut.lastIndexOf('\n'));
  if (space >= cut.length * 0.6) cut = cut.slice(0, space);
  return `${safeEnd(cut).replace(/[\s,;:.-]+$/, '')}…`;
}

type Coerced = { readonly ok: true; readonly value: Value | undefined } | { readonly ok: false; readonly code: string; readonly message: string };
const skip = (code: string, message: string): Coerced => ({ ok: false, code, message });
const write = (value: Value | undefined): Coerced => ({ ok: true, value });

function asNumber(v: Source | Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
  if (typeof v === 'boolean') return undefined;
  return v.kind === 'number' ? v.value : v.kind === 'text' && v.text !== '' && Number.isFinite(Number(v.text)) ? Number(v.text) : undefined;
}

function asLines(v: Source | Value): string[] {
  if (typeof v !== 'object') return [singleLine(String(v))];
  return v.kind === 'list' ? [...v.items] : [v.text];
}

/** One value (after the value map) coerced to one field's type. */
function coerce(from: TaskFieldValue, v: Source | Value | undefined, field: TaskFieldInfo): Coerced {
  const type = field.type;
  if (type === 'boolean') {
    if (v === undefined) return write(false);
    if (typeof v === 'boolean') return write(v);
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return write(v.toLowerCase() === 'true');
    if (typeof v !== 'object') return skip('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.label}: the value map gives a value that is not true or false`);
    return write(true);
  }
  if (v === undefined) return write(undefined);
  if (NUMBER_TYPES.has(type)) {
    const n = asNumber(v);
    if (n === undefined) return skip('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.label}: ${from} gave a value that is not a number`);
    const scale = type === 'int' || type === 'long' ? 0 : field.scale;
    const rounded = Math.round(n * 10 ** scale) / 10 ** scale;
    const whole = Math.trunc(Math.abs(rounded));
    if (field.precision > 0 && whole !== 0 && String(whole).length > field.precision - scale) {
      return skip('NUMBER_OUTSIDE_VALID_RANGE', `${field.label}: ${rounded} has more than ${field.precision - scale} digit(s) before the decimal point`);
    }
    return write(rounded);
  }
  const lines = asLines(v).map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return write(undefined);
  if (type === 'picklist') {
    if (typeof v === 'object' && v.kind === 'list') return skip('INCOMPATIBLE_FIELD_TYPE', `${field.label}: a picklist holds one value, and ${from} is a list of texts`);
    const value = lines.join(' ');
    if (!field.restrictedPicklist) return write(cutOnWord(value, field.length || 255));
    const match = picklistMatch(field, value);
    if (match !== undefined) return write(match);
    const quoted = POSSIBLE_VALUES[from] !== undefined || typeof v !== 'object' ? ` "${value}"` : '';
    return skip('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.label}: the restricted picklist has no value${quoted}`);
  }
  if (type === 'url') {
    const value = lines.join(' ');
    return value.length > field.length ? skip('STRING_TOO_LONG', `${field.label}: the link is longer than the field (max length=${field.length})`) : write(value);
  }
  if (type === 'textarea') return write(cutLines(lines.join('\n'), field.length));
  if (TEXT_TYPES.has(type)) return write(cutOnWord(lines.join(from === 'summary' ? ' ' : '; '), field.length));
  return skip('INCOMPATIBLE_FIELD_TYPE', `${field.label}: a ${type} field cannot hold ${from}`);
}

/**
 * Why `source` cannot go in `field` as a type, or undefined (the online check, and the write, which leaves such a
 * field out): numbers in number fields (or a value map to numbers), one value in a picklist, the link in a URL.
 */
export function typeProblem(source: TaskFieldSource, field: TaskFieldInfo): string | undefined {
  const kind = SOURCE_KIND[source.from];
  const targets = Object.values(source.values ?? {});
  const type = field.type;
  if (TEXT_TYPES.has(type) || type === 'boolean') return undefined;
  if (NUMBER_TYPES.has(type)) {
    if (kind === 'number') return undefined;
    if (targets.length && targets.every((t) => typeof t === 'number') && POSSIBLE_VALUES[source.from]?.every((p) => Object.keys(source.values ?? {}).some((k) => k.toLowerCase() === p.toLowerCase()))) return undefined;
    return `a ${type} field needs a number: map aiScore or durationSeconds to it, or give a value map from every ${source.from} value to a number`;
  }
  if (type === 'picklist') return kind === 'list' ? `a picklist holds one value, and ${source.from} is a list of texts: use a text area` : undefined;
  if (type === 'url') return source.from === 'rsRecordUri' ? undefined : `a URL field holds the link into RingSense (rsRecordUri), not ${source.from}`;
  return `a ${type} field cannot hold ${source.from}: use a text, text area, picklist${kind === 'number' ? ', number' : ''} or checkbox field`;
}

/** Every value the mapping can write to the field (undefined when they cannot be listed: free text, durations). */
export function producedValues(source: TaskFieldSource): string[] | undefined {
  const possible = POSSIBLE_VALUES[source.from];
  if (!possible) return undefined;
  return [...new Set(possible.map((p) => {
    const mapped = mapValue({ kind: 'text', text: p }, source.values);
    return typeof mapped === 'object' ? p : String(mapped);
  }))];
}

/**
 * What the online check reports about one mapped field against describe: that it exists, the integration user may
 * create and update it, its type fits, and a restricted picklist holds every value the mapping can produce.
 */
export function fieldProblems(name: string, source: TaskFieldSource, catalog: FieldCatalog): string[] {
  const field = catalog.get(name.toLowerCase());
  if (!field) return [`Task has no field ${name} the integration user can see (check the API name, and its field-level security)`];
  const problems: string[] = [];
  const cannot = [field.createable ? '' : 'create', field.updateable ? '' : 'update'].filter(Boolean);
  if (cannot.length) problems.push(`the integration user may not ${cannot.join(' or ')} Task.${field.name}: make it editable for its profile or permission set`);
  const type = typeProblem(source, field);
  if (type) problems.push(`Task.${field.name} is a ${field.type} field: ${type}`);
  if (!type && field.type === 'picklist' && field.restrictedPicklist) {
    const produced = producedValues(source);
    if (!produced) problems.push(`Task.${field.name} is a restricted picklist, and ${source.from} is free text: use an unrestricted picklist or a text field`);
    else {
      const missing = produced.filter((v) => picklistMatch(field, v) === undefined);
      if (missing.length) problems.push(`Task.${field.name} is a restricted picklist without ${missing.map((v) => `"${v}"`).join(', ')}: add ${missing.length === 1 ? 'it' : 'them'} to its values, or map ${source.from} to values it has`);
    }
  }
  return problems;
}

/** The mapped fields' values for one call, coerced to the org's fields; those that cannot be written, left out with why. */
export function mappedFields(insights: RecordingInsights, spec: Readonly<Record<string, TaskFieldSource>>, catalog: FieldCatalog): MappedFieldValues {
  const values: Record<string, Value> = {};
  const createOnly: string[] = [];
  const skipped: FieldRefusal[] = [];
  for (const [name, source] of Object.entries(spec)) {
    const field = catalog.get(name.toLowerCase());
    if (!field) {
      skipped.push({ field: name, code: 'INVALID_FIELD', message: `Task has no field ${name} the integration user can see` });
      continue;
    }
    if (!field.createable) {
      skipped.push({ field: field.name, code: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: `the integration user may not write Task.${field.name}` });
      continue;
    }
    const type = typeProblem(source, field);
    if (type) {
      skipped.push({ field: field.name, code: 'INCOMPATIBLE_FIELD_TYPE', message: `Task.${field.name} is a ${field.type} field: ${type}` });
      continue;
    }
    const raw = sourceValue(insights, source.from);
    const c = coerce(source.from, raw === undefined ? undefined : mapValue(raw, source.values), field);
    if (!c.ok) skipped.push({ field: field.name, code: c.code, message: c.message });
    else if (c.value !== undefined) {
      values[field.name] = c.value;
      if (!field.updateable) createOnly.push(field.name);
    }
  }
  return { values, createOnly, skipped };
}

/** A call's drafts with the mapped fields on its call activity (write-call.ts writes them, diff-tasks.ts updates them). */
export interface CallWrite extends CallDrafts {
  readonly call: ActivityWrite;
  /** Mapped fields the integration user may set on create only: never in an update. */
  readonly mappedCreateOnly?: readonly string[];
}

/**
 * The drafts with the mapped fields on the call activity. A meeting's Event takes the custom ones only: custom
 * activity fields are Task's and Event's alike, standard Task fields (CallDisposition...) are Task's alone.
 */
export function withMappedFields(drafts: CallDrafts, mapped: MappedFieldValues | undefined): CallWrite {
  const values = drafts.call.kind === 'meeting' && mapped ? Object.fromEntries(Object.entries(mapped.values).filter(([name]) => /__c$/i.test(name))) : mapped?.values;
  if (!mapped || !values || Object.keys(values).length === 0) return drafts;
  const call: ActivityWrite = { ...drafts.call, mapped: values };
  return { ...drafts, call, mappedCreateOnly: mapped.createOnly };
}

/** The mapped fields a refusal names: in its `fields`, or by API name in its message (INVALID_FIELD names no field). */
export function namedFields(failure: { readonly fields?: readonly string[]; readonly message: string }, names: readonly string[]): string[] {
  const listed = new Set((failure.fields ?? []).map((f) => f.toLowerCase()));
  const said = failure.message.toLowerCase();
  return names.filter((n) => listed.has(n.toLowerCase()) || new RegExp(`(^|[^a-z0-9_])${n.toLowerCase()}($|[^a-z0-9_])`).test(said));
}

/**
 * The mapped fields for one call, against Task's describe (the store's, cached: no request per call), or undefined
 * when the mapping maps none (then nothing is described). A describe Salesforce refuses for good leaves every mapped
 * field out (said why); one that fails for a passing reason throws, and the call is retried like any other write.
 */
export async function fieldsForCall(insights: RecordingInsights, spec: Readonly<Record<string, TaskFieldSource>>, store: Pick<TaskStore, 'describeFields'>): Promise<MappedFieldValues | undefined> {
  if (Object.keys(spec).length === 0) return undefined;
  let catalog: FieldCatalog;
  try {
    catalog = await store.describeFields();
  } catch (e) {
    if (!(e instanceof ServiceError) || e.failure.kind !== 'permanent') throw e;
    const { code, message } = e.failure;
    return { values: {}, createOnly: [], skipped: Object.keys(spec).map((field) => ({ field, code, message: `Task could not be described: ${message}` })) };
  }
  return mappedFields(insights, spec, catalog);
}
