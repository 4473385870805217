/**
 * The admin's list behind `ringsense-sync fields refusals`: mapped Task fields (mapping `fields.task`) a call was
 * written without, because Salesforce refused them or describe showed the org's field cannot hold the value. One
 * entry per field and code, with how many calls, when first and last, the last call and Salesforce's reason (no
 * call content). A TallyList (src/lib/tally-list.ts) under `${prefix}:field_refusals`, members `<field>|<code>`:
 * entries not seen for 90 days and all but the newest 1,000 are trimmed on every write.
 */
import { TallyList, type ScriptClient } from '../lib/tally-list.ts';
import type { FieldRefusal } from './mapped-fields.ts';

export interface FieldRefusalEvent extends FieldRefusal {
  /** The call (RingSense recording id) written without the field. */
  readonly sourceRecordId: string;
  /** When (epoch ms). */
  readonly at: number;
}

export interface FieldRefusalEntry {
  readonly field: string;
  readonly code: string;
  /** Salesforce's (or the sync's) reason, as last seen. */
  readonly message: string;
  /** Calls written without the field since firstSeen (the same call twice in a row counts once). */
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly lastSourceRecordId: string;
}

/** What the worker needs: a port, so the write can be tested with a fake. */
export interface FieldRefusalRecorder {
  record(refusal: FieldRefusalEvent): Promise<void>;
}

export const FIELD_REFUSALS_RETENTION_MS = 90 * 24 * 3600_000;
const MAX_ENTRIES = 1000;

export class FieldRefusalStore implements FieldRefusalRecorder {
  readonly #list: TallyList;

  constructor(redis: ScriptClient, prefix: string) {
    this.#list = new TallyList(redis, `${prefix}:field_refusals`, { retentionMs: FIELD_REFUSALS_RETENTION_MS, maxEntries: MAX_ENTRIES });
  }

  /** Counts one call written without `field` (for `code`) and trims old entries. Throws only if Redis fails. */
  async record(r: FieldRefusalEvent): Promise<void> {
    await this.#list.record(r.field, r.code, { sourceRecordId: r.sourceRecordId, at: r.at, note: r.message });
  }

  /** Entries last seen at or after `sinceMs`, newest first. */
  async list(opts: { sinceMs: number }): Promise<FieldRefusalEntry[]> {
    return (await this.#list.list(opts.sinceMs)).map((e) => ({ field: e.kind, code: e.subject, message: e.note, count: e.count, firstSeen: e.firstSeen, lastSeen: e.lastSeen, lastSourceRecordId: e.lastSourceRecordId }));
  }
}
