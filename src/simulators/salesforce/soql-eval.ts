/** Resolves parsed SOQL against the schema and evaluates it over the record store. */
import { queryError, type SfApiError } from './errors.ts';
import { isWellFormedId } from './ids.ts';
import type { FieldDef, ObjectDef, Schema } from './schema.ts';
import type { CompareOp, Condition, FieldPath, Literal, OrderItem, SoqlQuery } from './soql-parser.ts';
import { dateLiteralRange } from './date-literals.ts';
import type { RecordStore, SfRecord } from './store.ts';
import { type Comparable, comparable, parseDateTime } from './values.ts';

export interface ResolvedField {
  field: FieldDef;
  /** The reference field on the queried object when the path goes through a relationship. */
  via?: FieldDef;
  /** `Type` on a polymorphic relationship (Who.Type, What.Type). */
  polymorphicType?: boolean;
}

const TEXT_TYPES = new Set(['string', 'textarea', 'picklist', 'combobox', 'email', 'phone', 'url']);
const NUMBER_TYPES = new Set(['int', 'double', 'currency', 'percent']);
const CUSTOM_FIELD_HINT = "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";

export function invalidType(query: string, pos: number, name: string): SfApiError {
  return queryError('INVALID_TYPE', query, pos,
    `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`);
}

export class SoqlEngine {
  private readonly schema: Schema;
  private readonly store: RecordStore;

  constructor(schema: Schema, store: RecordStore) {
    this.schema = schema;
    this.store = store;
  }

  object(query: string, name: string, pos: number): ObjectDef {
    const obj = this.schema.object(name);
    if (obj === undefined) throw invalidType(query, pos, name);
    return obj;
  }

  resolve(query: string, obj: ObjectDef, fp: FieldPath): ResolvedField {
    let path = fp.path;
    if (path.length === 2 && path[0]?.toLowerCase() === obj.name.toLowerCase()) path = path.slice(1);
    const noColumn = (name: string, entity: string) =>
      queryError('INVALID_FIELD', query, fp.pos, `No such column '${name}' on entity '${entity}'. ${CUSTOM_FIELD_HINT}`);
    const [head = '', leaf = ''] = path;
    if (path.length === 1) {
      const field = this.schema.field(obj.name, head);
      if (field === undefined) throw noColumn(head, obj.name);
      return { field };
    }
    const via = path.length === 2 ? this.schema.relationship(obj.name, head) : undefined;
    if (via === undefined) {
      throw queryError('INVALID_FIELD', query, fp.pos,
        `Didn't understand relationship '${head}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`);
    }
    const targets = via.referenceTo ?? [];
    if (targets.length > 1 && leaf.toLowerCase() === 'type') {
      const typeField: FieldDef = { name: 'Type', label: 'Type', type: 'string', length: 40, createable: false, updateable: false, nillable: true, required: false };
      return { field: typeField, via, polymorphicType: true };
    }
    for (const t of targets) {
      const field = this.schema.field(t, leaf);
      if (field !== undefined) return { field, via };
    }
    throw noColumn(leaf, targets.length > 1 ? 'Name' : (targets[0] ?? ''));
  }

  /** The value of a resolved field for one record (parent lookups for relationship paths). */
  value(rec: SfRecord, rf: ResolvedField): unknown {
    if (rf.via === undefined) return rec[rf.field.name] ?? null;
    const parent = this.parent(rec, rf.via);
    if (parent === undefined) return null;
    return rf.polymorphicType === true ? parent.type : (parent.record[rf.field.name] ?? null);
  }

  parent(rec: SfRecord, via: FieldDef): { type: string; record: SfRecord } | undefined {
    const id = rec[via.name];
    return typeof id === 'string' ? this.store.findLive(id) : undefined;
  }

  /** Checks that a literal suits the field, as Salesforce does before running the query. */
  private checkLiteral(query: string, rf: ResolvedField, lit: Literal, like: boolean): void {
    const f = rf.field;
    const err = (what: string, quoted: boolean) => queryError('INVALID_QUERY_FILTER_OPERATOR', query, lit.pos,
      `value of filter criterion for field '${f.name}' must be of type ${what} and should ${quoted ? '' : 'not '}be enclosed in quotes`);
    if (f.type === 'textarea' && f.length > 255) {
      throw queryError('INVALID_FIELD', query, lit.pos, `field '${f.name}' can not be filtered in a query call`);
    }
    if (lit.kind === 'null') return;
    if (like && !TEXT_TYPES.has(f.type) && f.type !== 'id' && f.type !== 'reference') {
      throw queryError('INVALID_QUERY_FILTER_OPERATOR', query, lit.pos, `invalid operator on ${f.type} field: LIKE`);
    }
    if (TEXT_TYPES.has(f.type) || rf.polymorphicType === true) {
      if (lit.kind !== 'string') throw err('string', true);
    } else if (f.type === 'id' || f.type === 'reference') {
      if (lit.kind !== 'string') throw err('string', true);
      if (!like && !isWellFormedId(lit.value)) throw queryError('INVALID_QUERY_FILTER_OPERATOR', query, lit.pos, `invalid ID field: ${lit.value}`);
    } else if (f.type === 'boolean') {
      if (lit.kind !== 'boolean') throw err('boolean', false);
    } else if (NUMBER_TYPES.has(f.type)) {
      if (lit.kind !== 'number') throw err(f.type === 'int' ? 'integer' : 'double', false);
    } else if (f.type === 'date') {
      if (lit.kind !== 'date' && lit.kind !== 'dateLiteral') throw err('date', false);
    } else if (f.type === 'datetime') {
      if (lit.kind !== 'datetime' && lit.kind !== 'dateLiteral') throw err('dateTime', false);
    }
  }

  /** Validates a WHERE tree and returns a predicate over records. */
  compile(query: string, obj: ObjectDef, cond: Condition): (rec: SfRecord) => boolean {
    switch (cond.kind) {
      case 'and':
      case 'or': {
        const parts = cond.items.map((c) => this.compile(query, obj, c));
        return cond.kind === 'and' ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r));
      }
      case 'not': {
        const inner = this.compile(query, obj, cond.item);
        return (r) => !inner(r);
      }
      case 'compare': {
        const rf = this.resolve(query, obj, cond.field);
        this.checkLiteral(query, rf, cond.value, cond.op === 'LIKE');
        const lit = cond.value;
        if (cond.op === 'LIKE') {
          const pattern = lit.kind === 'string' ? lit.pattern : undefined;
          return (r) => {
            const v = this.value(r, rf);
            return pattern !== undefined && typeof v === 'string' && pattern.test(v);
          };
        }
        const op = cond.op;
        return (r) => compare(rf.field, this.value(r, rf), op, lit);
      }
      case 'in': {
        const rf = this.resolve(query, obj, cond.field);
        for (const v of cond.values) this.checkLiteral(query, rf, v, false);
        const { negate, values } = cond;
        return (r) => {
          const v = this.value(r, rf);
          const hit = values.some((lit) => compare(rf.field, v, '=', lit));
          return negate ? !hit : hit;
        };
      }
      case 'includes': {
        const rf = this.resolve(query, obj, cond.field);
        const wanted = cond.values.map((l) => (l.kind === 'string' ? l.value.toLowerCase().split(';').sort().join(';') : ''));
        const { excludes } = cond;
        return (r) => {
          const v = this.value(r, rf);
          const have = typeof v === 'string' ? v.toLowerCase().split(';') : [];
          const hit = wanted.some((w) => w.split(';').every((part) => have.includes(part)));
          return excludes ? !hit : hit;
        };
      }
    }
  }

  sort(query: string, obj: ObjectDef, rows: SfRecord[], order: OrderItem[]): SfRecord[] {
    const keys = order.map((o) => {
      const rf = this.resolve(query, obj, o.field);
      if (rf.field.type === 'textarea' && rf.field.length > 255) {
        throw queryError('INVALID_FIELD', query, o.field.pos, `field '${rf.field.name}' can not be sorted in a query call`);
      }
      return { rf, o };
    });
    return [...rows].sort((a, b) => {
      for (const { rf, o } of keys) {
        const va = comparable(rf.field, this.value(a, rf));
        const vb = comparable(rf.field, this.value(b, rf));
        if (va === null && vb === null) continue;
        if (va === null) return o.nullsLast ? 1 : -1;
        if (vb === null) return o.nullsLast ? -1 : 1;
        const c = va < vb ? -1 : va > vb ? 1 : 0;
        if (c !== 0) return o.descending ? -c : c;
      }
      return 0;
    });
  }

  /** Filters, sorts and pages the given `rows` for a parsed query (SOSL, over the rows its search matched). */
  select(query: string, obj: ObjectDef, rows: SfRecord[], q: Pick<SoqlQuery, 'where' | 'orderBy' | 'limit' | 'offset'>): SfRecord[] {
    const pred = q.where === undefined ? () => true : this.compile(query, obj, q.where);
    return this.order(query, obj, rows.filter(pred), q);
  }

  /**
   * A SOQL query over its whole table. A WHERE that requires a field to equal a value (`F = 'x'`, `F IN (...)`,
   * alone or as one term of an AND) reads only the matching rows through the store's index; the result is the
   * same as filtering every row.
   */
  selectFromTable(query: string, obj: ObjectDef, q: Pick<SoqlQuery, 'where' | 'orderBy' | 'limit' | 'offset'>, includeDeleted: boolean): SfRecord[] {
    if (q.where === undefined) return this.order(query, obj, this.store.all(obj.name, includeDeleted), q);
    const pred = this.compile(query, obj, q.where); // validates the whole WHERE first, whatever the index picks
    const eq = this.equality(query, obj, q.where);
    const rows = eq === undefined ? this.store.all(obj.name, includeDeleted) : this.store.lookup(obj.name, eq.field, eq.keys, includeDeleted);
    return this.order(query, obj, rows.filter(pred), q);
  }

  /**
   * The field and values a WHERE requires equality with, if any. Booleans are left to the scan: half a table is
   * no narrower than all of it.
   */
  private equality(query: string, obj: ObjectDef, cond: Condition): { field: FieldDef; keys: Comparable[] } | undefined {
    const direct = (fp: FieldPath): FieldDef | undefined => {
      const rf = this.resolve(query, obj, fp);
      return rf.via === undefined && rf.polymorphicType !== true && rf.field.type !== 'boolean' ? rf.field : undefined;
    };
    switch (cond.kind) {
      case 'compare': {
        const field = cond.op === '=' && cond.value.kind !== 'dateLiteral' ? direct(cond.field) : undefined;
        return field === undefined ? undefined : { field, keys: [literalValue(field, cond.value)] };
      }
      case 'in': {
        if (cond.negate || cond.values.some((v) => v.kind === 'dateLiteral')) return undefined;
        const field = direct(cond.field);
        return field === undefined ? undefined : { field, keys: cond.values.map((v) => literalValue(field, v)) };
      }
      case 'and':
        for (const c of cond.items) {
          const eq = this.equality(query, obj, c);
          if (eq !== undefined) return eq;
        }
        return undefined;
      case 'or':
      case 'not':
      case 'includes':
        return undefined;
    }
  }

  private order(query: string, obj: ObjectDef, rows: SfRecord[], q: Pick<SoqlQuery, 'orderBy' | 'limit' | 'offset'>): SfRecord[] {
    let out = this.sort(query, obj, rows, q.orderBy);
    if (q.offset !== undefined) out = out.slice(q.offset);
    if (q.limit !== undefined) out = out.slice(0, q.limit);
    return out;
  }
}

function literalValue(field: FieldDef, lit: Literal): Comparable {
  switch (lit.kind) {
    case 'null': return null;
    case 'string': return comparable(field, lit.value);
    case 'number': case 'boolean': return lit.value;
    case 'date': return Date.parse(`${lit.value}T00:00:00Z`);
    case 'datetime': return parseDateTime(lit.value)?.getTime() ?? null;
    case 'dateLiteral': return null;
  }
}

export function compare(field: FieldDef, raw: unknown, op: CompareOp, lit: Literal): boolean {
  const v = comparable(field, raw);
  if (lit.kind === 'dateLiteral') {
    if (v === null || typeof v !== 'number') return op === '!=';
    const [start, end] = dateLiteralRange(lit.name, lit.n, new Date());
    switch (op) {
      case '=': return v >= start && v < end;
      case '!=': return v < start || v >= end;
      case '<': return v < start;
      case '<=': return v < end;
      case '>': return v >= end;
      case '>=': return v >= start;
      case 'LIKE': return false;
    }
  }
  const l = literalValue(field, lit);
  if (op === '=') return v === l;
  if (op === '!=') return v !== l;
  if (v === null || l === null) return false;
  switch (op) {
    case '<': return v < l;
    case '<=': return v <= l;
    case '>': return v > l;
    case '>=': return v >= l;
    case 'LIKE': return false;
  }
}
