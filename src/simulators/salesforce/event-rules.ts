/**
 * Event and EventRelation, as the platform's own rules have them (the simulated org's "triggers" on them):
 * - Event: its time fields settled by event-timing.ts on every create and on updates that touch them; WhoId/WhatId
 *   as for Task (validate.ts); EventSubtype create-only (schema). IsChild is false (child events, an invitee's copy,
 *   are not made here); IsGroupEvent is true while the event has invitees (Object Reference, Event) [DOC].
 * - EventRelation (Object Reference, sforce_api_objects_eventattendee.htm, v206-v214) [DOC]: a user, contact or lead
 *   related to an event. Without Shared Activities "EventRelation records only represent invitees": IsInvitee false is
 *   refused, and the object lacks IsParent and IsWhat (event-schema.ts). With it, a relation is an invitee and/or a
 *   related contact or lead (IsParent); an event relates to up to 50 contacts or one lead; a non-recurring event has
 *   up to 1,000 invitees; deleting an event deletes its relations. The event's WhoId is a relation with IsParent
 *   (simplysfdc.com's queries of a multi-person event [3P]; the docs' Apex sets IsInvitee on such a relation).
 * - "If a contact or lead is also an invitee, there is one EventRelation record for that person" [DOC]: a second
 *   relation for the same event and person (the WhoId's too) is DUPLICATE_VALUE; the wording, "duplicate value found:
 *   <unknown> duplicates value on record with id: <unknown>", is [INF] (Salesforce's DUPLICATE_VALUE layout, no field
 *   named). IsInvitee defaults to true [INF]. The FIELD_INTEGRITY_EXCEPTION codes and wordings below are [INF].
 * Not modelled: resources, child events, IsWhat relations (the platform's from WhatId), EventWhoIds, promoting another
 * contact to WhoId when the WhoId's relation is deleted, undelete.
 */
import type { Dml, DmlContext, DmlRules } from './dml.ts';
import { SfApiError } from './errors.ts';
import { settleEventTiming, touchesTiming } from './event-timing.ts';
import type { ObjectDef } from './schema.ts';
import type { SfRecord } from './store.ts';

/** Limits on an event's people (Object Reference, EventRelation) [DOC]: related contacts (Shared Activities), invitees. */
export const MAX_RELATED_CONTACTS = 50;
export const MAX_INVITEES = 1000;

export const DUPLICATE_RELATION = 'duplicate value found: <unknown> duplicates value on record with id: <unknown>';
export const INVITEES_ONLY = 'Without Shared Activities an event relation can only be an invitee: IsInvitee must be true';

const integrity = (message: string, field: string): SfApiError => new SfApiError(400, 'FIELD_INTEGRITY_EXCEPTION', message, [field]);

/** The Event / EventRelation rules of one org. */
export class EventRules implements DmlRules {
  readonly #dml: Dml;

  constructor(dml: Dml) {
    this.#dml = dml;
  }

  /** Whether the org has Shared Activities: EventRelation has IsParent (as describe tells a client). */
  sharedActivities(): boolean {
    return this.#dml.schema.field('EventRelation', 'IsParent') !== undefined;
  }

  #relationsOf(eventId: string): SfRecord[] {
    const field = this.#dml.schema.field('EventRelation', 'EventId');
    return field === undefined ? [] : this.#dml.store.lookup('EventRelation', field, [eventId]);
  }

  #typeOf(id: unknown): string | undefined {
    return typeof id === 'string' ? this.#dml.store.find(id)?.type : undefined;
  }

  #change(type: string, rec: SfRecord, values: SfRecord): void {
    this.#dml.store.willChange(type, rec);
    Object.assign(rec, values);
    this.#dml.store.put(type, rec);
  }

  beforeInsert(obj: ObjectDef, values: SfRecord): string | undefined {
    if (obj.name === 'Event') {
      Object.assign(values, settleEventTiming({}, values), { IsChild: false, IsGroupEvent: false });
    } else if (obj.name === 'EventRelation') {
      this.#checkRelation(values, undefined);
    }
    return undefined;
  }

  afterInsert(obj: ObjectDef, rec: SfRecord, ctx: DmlContext): void {
    if (obj.name === 'Event' && typeof rec.WhoId === 'string' && this.sharedActivities()) this.#makeParent(rec, rec.WhoId, ctx.userId);
    if (obj.name === 'EventRelation') this.#refreshGroup(String(rec.EventId));
  }

  beforeUpdate(obj: ObjectDef, rec: SfRecord, changes: SfRecord): void {
    if (obj.name === 'Event' && touchesTiming(changes)) Object.assign(changes, settleEventTiming(rec, changes));
    if (obj.name === 'EventRelation') this.#checkRelation({ ...rec, ...changes }, rec);
  }

  afterUpdate(obj: ObjectDef, rec: SfRecord, changes: SfRecord, ctx: DmlContext): void {
    if (obj.name === 'EventRelation') this.#refreshGroup(String(rec.EventId));
    if (obj.name !== 'Event' || changes.WhoId === undefined || !this.sharedActivities()) return;
    for (const r of this.#relationsOf(String(rec.Id))) {
      if (r.IsParent !== true || r.RelationId === rec.WhoId) continue;
      if (r.IsInvitee === true) this.#change('EventRelation', r, { IsParent: false });
      else this.#change('EventRelation', r, { IsDeleted: true });
    }
    if (typeof rec.WhoId === 'string') this.#makeParent(rec, rec.WhoId, ctx.userId);
  }

  afterDelete(obj: ObjectDef, rec: SfRecord): void {
    if (obj.name === 'Event') {
      for (const r of this.#relationsOf(String(rec.Id))) this.#change('EventRelation', r, { IsDeleted: true });
    }
    if (obj.name === 'EventRelation') this.#refreshGroup(String(rec.EventId));
  }

  /** The relation for the event's WhoId (Shared Activities): an existing one becomes the parent, else a new one. */
  #makeParent(event: SfRecord, whoId: string, userId: string): void {
    const existing = this.#relationsOf(String(event.Id)).find((r) => r.RelationId === whoId);
    if (existing !== undefined) {
      if (existing.IsParent !== true) this.#change('EventRelation', existing, { IsParent: true });
      return;
    }
    const obj = this.#dml.objectOrInvalidType('EventRelation');
    this.#dml.seed(obj, { EventId: event.Id, RelationId: whoId, IsParent: true, IsInvitee: false, IsWhat: false, Status: null }, userId);
  }

  /** Refuses a relation Salesforce would: not an invitee without Shared Activities, neither role, a duplicate, too many people. */
  #checkRelation(merged: SfRecord, prev: SfRecord | undefined): void {
    const shared = this.sharedActivities();
    if (!shared && merged.IsInvitee !== true) throw integrity(INVITEES_ONLY, 'IsInvitee');
    if (shared && merged.IsInvitee !== true && merged.IsParent !== true) {
      throw integrity('An event relation must be an invitee (IsInvitee) or a related contact or lead (IsParent)', 'IsInvitee');
    }
    const type = this.#typeOf(merged.RelationId);
    if (merged.IsParent === true && type === 'User') {
      throw integrity(`Relation ID: a user cannot be a related contact or lead (IsParent): ${String(merged.RelationId)}`, 'RelationId');
    }
    const others = this.#relationsOf(String(merged.EventId)).filter((r) => r.Id !== prev?.Id);
    if (prev === undefined && others.some((r) => r.RelationId === merged.RelationId)) {
      throw new SfApiError(400, 'DUPLICATE_VALUE', DUPLICATE_RELATION);
    }
    if (merged.IsParent === true && prev?.IsParent !== true) this.#checkParents(others, type);
    if (merged.IsInvitee === true && prev?.IsInvitee !== true && others.filter((r) => r.IsInvitee === true).length >= MAX_INVITEES) {
      throw integrity(`An event can have up to ${MAX_INVITEES} invitees`, 'RelationId');
    }
  }

  /** Shared Activities: up to 50 related contacts, or one lead (and then nobody else). */
  #checkParents(others: SfRecord[], type: string | undefined): void {
    const parents = others.filter((r) => r.IsParent === true).map((r) => this.#typeOf(r.RelationId));
    if (parents.length === 0) return;
    if (type === 'Lead' || parents.includes('Lead')) {
      throw integrity('An event can be related to up to 50 contacts or one lead', 'RelationId');
    }
    if (parents.length >= MAX_RELATED_CONTACTS) {
      throw integrity(`An event can be related to up to ${MAX_RELATED_CONTACTS} contacts`, 'RelationId');
    }
  }

  /** IsGroupEvent follows the event's invitees. */
  #refreshGroup(eventId: string): void {
    const event = this.#dml.store.get('Event', eventId);
    if (event === undefined) return;
    const group = this.#relationsOf(eventId).some((r) => r.IsInvitee === true);
    if (event.IsGroupEvent !== group) this.#change('Event', event, { IsGroupEvent: group });
  }
}
