/** Several objects' DmlRules run as one (Content*'s, Event's): each hook calls every member's, in order. */
import type { DmlContext, DmlRules } from './dml.ts';
import type { ObjectDef } from './schema.ts';
import type { SfRecord } from './store.ts';

export class RuleChain implements DmlRules {
  readonly #rules: readonly DmlRules[];

  constructor(rules: readonly DmlRules[]) {
    this.#rules = rules;
  }

  /** The first fixed id a member returns wins; every member still runs (and may refuse). */
  beforeInsert(obj: ObjectDef, values: SfRecord, ctx: DmlContext): string | undefined {
    let id: string | undefined;
    for (const r of this.#rules) {
      const fixed = r.beforeInsert?.(obj, values, ctx);
      id ??= fixed;
    }
    return id;
  }

  afterInsert(obj: ObjectDef, rec: SfRecord, ctx: DmlContext): void {
    for (const r of this.#rules) r.afterInsert?.(obj, rec, ctx);
  }

  beforeUpdate(obj: ObjectDef, rec: SfRecord, changes: SfRecord, ctx: DmlContext): void {
    for (const r of this.#rules) r.beforeUpdate?.(obj, rec, changes, ctx);
  }

  afterUpdate(obj: ObjectDef, rec: SfRecord, changes: SfRecord, ctx: DmlContext): void {
    for (const r of this.#rules) r.afterUpdate?.(obj, rec, changes, ctx);
  }

  afterDelete(obj: ObjectDef, rec: SfRecord): void {
    for (const r of this.#rules) r.afterDelete?.(obj, rec);
  }
}
