/** Record-level operations shared by sObject REST, collections, composite and seeding. */
import { SfApiError, notFound } from './errors.ts';
import { type IdGenerator, isWellFormedId, prefixOf, to18 } from './ids.ts';
import type { ObjectDef, Schema } from './schema.ts';
import type { RecordStore, SfRecord } from './store.ts';
import { applyDefaults, normalizeInput, validateRecord } from './validate.ts';
import { comparable, formatDateTime } from './values.ts';

export interface DmlContext {
  userId: string;
  rawBody?: string;
}

/**
 * Object-specific rules that run inside every write path (REST, collections, composite), as triggers of the
 * platform do: the Content* objects' (content.ts), Event's and EventRelation's (event-rules.ts), several at once
 * through a RuleChain (rule-chain.ts). Seeding bypasses them.
 */
export interface DmlRules {
  /** After validation, before the record is stored; may refuse (throw) or fill fields; returns the id to use, if fixed. */
  beforeInsert?(obj: ObjectDef, values: SfRecord, ctx: DmlContext): string | undefined;
  afterInsert?(obj: ObjectDef, rec: SfRecord, ctx: DmlContext): void;
  beforeUpdate?(obj: ObjectDef, rec: SfRecord, changes: SfRecord, ctx: DmlContext): void;
  afterUpdate?(obj: ObjectDef, rec: SfRecord, changes: SfRecord, ctx: DmlContext): void;
  /** After the record is marked deleted (a cascade: an Event's EventRelations). */
  afterDelete?(obj: ObjectDef, rec: SfRecord): void;
}

export interface UpsertOutcome {
  id: string;
  created: boolean;
}

export class Dml {
  readonly schema: Schema;
  readonly store: RecordStore;
  private readonly ids: IdGenerator;
  private readonly now: () => Date;
  /** Set once by the org (org.ts); undefined: no object-specific rules. */
  rules: DmlRules | undefined;

  constructor(schema: Schema, store: RecordStore, ids: IdGenerator, now: () => Date = () => new Date()) {
    this.schema = schema;
    this.store = store;
    this.ids = ids;
    this.now = now;
  }

  /** The object for a URL segment; unknown -> 404 NOT_FOUND as the REST API answers. */
  objectOrNotFound(name: string): ObjectDef {
    const obj = this.schema.object(name);
    if (obj === undefined) throw notFound();
    return obj;
  }

  /** The object for a body's `attributes.type`; unknown -> INVALID_TYPE. */
  objectOrInvalidType(name: string): ObjectDef {
    const obj = this.schema.object(name);
    if (obj === undefined) throw new SfApiError(400, 'INVALID_TYPE', `sObject type '${name}' is not supported.`);
    return obj;
  }

  /** Resolves a record id for `obj` (18-char), or throws MALFORMED_ID / NOT_FOUND / ENTITY_IS_DELETED. */
  existing(obj: ObjectDef, id: string, allowDeleted = false): SfRecord {
    if (!isWellFormedId(id) || prefixOf(id) !== obj.keyPrefix) {
      throw new SfApiError(400, 'MALFORMED_ID', `${obj.label} ID: id value of incorrect type: ${id}`, ['Id']);
    }
    const rec = this.store.get(obj.name, id);
    if (rec === undefined) throw notFound();
    if (rec.IsDeleted === true && !allowDeleted) throw new SfApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
    return rec;
  }

  create(obj: ObjectDef, input: Record<string, unknown>, ctx: DmlContext): string {
    const changes = normalizeInput(this.schema, obj, input, 'create', ctx.rawBody);
    return this.insertNormalized(obj, changes, ctx);
  }

  private insertNormalized(obj: ObjectDef, changes: SfRecord, ctx: DmlContext): string {
    if (obj.fields.some((f) => f.name === 'OwnerId') && (changes.OwnerId === undefined || changes.OwnerId === null)) {
      changes.OwnerId = ctx.userId;
    }
    applyDefaults(obj, changes);
    const merged: SfRecord = { ...changes };
    validateRecord(this.schema, this.store, obj, changes, merged);
    const fixedId = this.rules?.beforeInsert?.(obj, merged, ctx);
    const rec = this.blank(obj);
    Object.assign(rec, merged);
    const id = fixedId ?? this.ids.next(obj.keyPrefix);
    const stamp = formatDateTime(this.now());
    Object.assign(rec, { Id: id, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp, CreatedById: ctx.userId, LastModifiedById: ctx.userId });
    if ('IsDeleted' in rec) rec.IsDeleted = false;
    this.derive(obj, rec);
    this.store.put(obj.name, rec);
    this.rules?.afterInsert?.(obj, rec, ctx);
    return id;
  }

  update(obj: ObjectDef, id: string, input: Record<string, unknown>, ctx: DmlContext): void {
    const rec = this.existing(obj, id);
    const changes = normalizeInput(this.schema, obj, input, 'update', ctx.rawBody);
    this.applyUpdate(obj, rec, changes, ctx);
  }

  private applyUpdate(obj: ObjectDef, rec: SfRecord, changes: SfRecord, ctx: DmlContext): void {
    const merged: SfRecord = { ...rec, ...changes };
    validateRecord(this.schema, this.store, obj, changes, merged, String(rec.Id));
    this.rules?.beforeUpdate?.(obj, rec, changes, ctx);
    this.store.willChange(obj.name, rec);
    Object.assign(rec, changes);
    const stamp = formatDateTime(this.now());
    Object.assign(rec, { LastModifiedDate: stamp, SystemModstamp: stamp, LastModifiedById: ctx.userId });
    this.derive(obj, rec);
    this.store.put(obj.name, rec); // re-filed in the store's indexes
    this.rules?.afterUpdate?.(obj, rec, changes, ctx);
  }

  remove(obj: ObjectDef, id: string): void {
    const rec = this.existing(obj, id);
    this.store.willChange(obj.name, rec);
    rec.IsDeleted = true;
    rec.SystemModstamp = formatDateTime(this.now());
    this.store.put(obj.name, rec);
    this.rules?.afterDelete?.(obj, rec);
  }

  /** The external-id field for an upsert path segment, as Salesforce validates it. */
  externalIdField(obj: ObjectDef, fieldName: string): string {
    const field = this.schema.field(obj.name, fieldName);
    if (field === undefined) {
      throw new SfApiError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${fieldName}`);
    }
    if (field.name !== 'Id' && field.externalId !== true) {
      throw new SfApiError(400, 'INVALID_FIELD', `Field name provided, ${field.name} is not an External ID or indexed field for ${obj.name}`);
    }
    return field.name;
  }

  /** Live records whose external-id field equals `value` (case-insensitive, as unique text fields are). */
  matchExternal(obj: ObjectDef, field: string, value: string): SfRecord[] {
    if (field === 'Id') {
      const rec = isWellFormedId(value) && prefixOf(value) === obj.keyPrefix ? this.store.get(obj.name, value) : undefined;
      return rec === undefined || rec.IsDeleted === true ? [] : [rec];
    }
    const def = this.schema.field(obj.name, field);
    if (def === undefined || value === '') return [];
    // External ids are text fields: the index compares them case-insensitively, as unique text fields are.
    return this.store.lookup(obj.name, def, [comparable(def, value)]);
  }

  upsert(obj: ObjectDef, fieldName: string, value: string, input: Record<string, unknown>, ctx: DmlContext): UpsertOutcome {
    const field = this.externalIdField(obj, fieldName);
    const matches = this.matchExternal(obj, field, value);
    if (matches.length > 1) {
      throw new SfApiError(300, 'DUPLICATE_EXTERNAL_ID', `${field}: more than one record found for external id field: [${matches.map((m) => String(m.Id)).join(', ')}]`, [field]);
    }
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      if (k.toLowerCase() !== field.toLowerCase()) body[k] = v;
    }
    const match = matches[0];
    if (match !== undefined) {
      const changes = normalizeInput(this.schema, obj, body, 'update', ctx.rawBody);
      this.applyUpdate(obj, match, changes, ctx);
      return { id: String(match.Id), created: false };
    }
    if (field === 'Id') throw notFound();
    const changes = normalizeInput(this.schema, obj, body, 'create', ctx.rawBody);
    changes[field] = value;
    return { id: this.insertNormalized(obj, changes, ctx), created: true };
  }

  /** Inserts a seed record without API validation; keeps given ids and fills system fields. */
  seed(obj: ObjectDef, input: Record<string, unknown>, userId: string): string {
    const rec = this.blank(obj);
    const values: SfRecord = { ...input };
    applyDefaults(obj, values); // e.g. Lead.IsConverted = false, User.IsActive = true
    for (const [k, v] of Object.entries(values)) {
      const field = this.schema.field(obj.name, k);
      if (field === undefined) throw new Error(`Seed: no field '${k}' on ${obj.name}`);
      rec[field.name] = field.type === 'reference' && typeof v === 'string' && isWellFormedId(v) ? to18(v) : v;
    }
    const id = typeof rec.Id === 'string' && rec.Id !== '' ? to18(rec.Id) : this.ids.next(obj.keyPrefix);
    const stamp = formatDateTime(this.now());
    rec.Id = id;
    for (const k of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) rec[k] ??= stamp;
    for (const k of ['CreatedById', 'LastModifiedById']) rec[k] ??= userId;
    if ('OwnerId' in rec) rec.OwnerId ??= userId;
    if ('IsDeleted' in rec) rec.IsDeleted ??= false;
    this.derive(obj, rec);
    this.store.put(obj.name, rec);
    return id;
  }

  private blank(obj: ObjectDef): SfRecord {
    const rec: SfRecord = {};
    for (const f of obj.fields) rec[f.name] = null;
    return rec;
  }

  /** Derived fields: Name, IsClosed, AccountId (Task, Event), IsWon, ... */
  derive(obj: ObjectDef, rec: SfRecord): void {
    if ('FirstName' in rec && 'LastName' in rec) {
      rec.Name = [rec.FirstName, rec.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ') || null;
    }
    if (obj.name === 'Opportunity') {
      rec.IsClosed = rec.StageName === 'Closed Won' || rec.StageName === 'Closed Lost';
      rec.IsWon = rec.StageName === 'Closed Won';
    }
    if (obj.name === 'Event') rec.AccountId = this.activityAccount(rec);
    if (obj.name === 'Task') {
      const closed = rec.Status === 'Completed';
      if (closed && rec.IsClosed !== true) rec.CompletedDateTime = formatDateTime(this.now());
      if (!closed) rec.CompletedDateTime = null;
      rec.IsClosed = closed;
      rec.IsHighPriority = rec.Priority === 'High';
      rec.AccountId = this.activityAccount(rec);
    }
  }

  /** An activity's (Task's, Event's) AccountId: the WhatId's account, else the Contact WhoId's (Object Reference, Event.AccountId). */
  private activityAccount(rec: SfRecord): string | null {
    const what = typeof rec.WhatId === 'string' ? this.store.find(rec.WhatId) : undefined;
    if (what?.type === 'Account') return String(what.record.Id);
    if (what?.type === 'Opportunity' && typeof what.record.AccountId === 'string') return what.record.AccountId;
    const who = typeof rec.WhoId === 'string' ? this.store.find(rec.WhoId) : undefined;
    if (who?.type === 'Contact' && typeof who.record.AccountId === 'string') return who.record.AccountId;
    return null;
  }
}
