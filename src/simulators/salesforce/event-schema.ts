/**
 * Event and EventRelation metadata (rules in event-rules.ts and event-timing.ts). Fields, types and lengths from the
 * Object Reference (sforce_api_objects_event.htm, sforce_api_objects_eventattendee.htm) and the Field Reference
 * (salesforce_field_reference_Event.htm, v228); only the fields this project's sync needs, plus what Task has.
 */
import { f, idField, isDeleted, type ObjectDef, ro, systemFields } from './field-defs.ts';
import { KEY_PREFIXES } from './ids.ts';

/** Field Reference: ShowAs is a restricted picklist (Busy, Out of Office, Free); Busy on create. */
export const SHOW_AS = ['Busy', 'OutOfOffice', 'Free'];
/** EventRelation.Status: an invitee's answer. */
export const RELATION_STATUS = ['New', 'Accepted', 'Declined'];
/** What an EventRelation may point at (Object Reference: "a user, lead, or contact"; resources are not modelled). */
export const RELATION_TYPES = ['Contact', 'Lead', 'User'];
/** EventRelation fields an org without Shared Activities lacks: describe without them is how a client tells. */
export const SHARED_ACTIVITY_FIELDS = ['IsParent', 'IsWhat'];

export function eventDefs(): ObjectDef[] {
  return [
    { name: 'Event', label: 'Event', labelPlural: 'Events', keyPrefix: KEY_PREFIXES.Event ?? '00U', fields: [
      idField(), isDeleted(),
      f('WhoId', 'reference', { label: 'Name ID', referenceTo: ['Contact', 'Lead'], relationshipName: 'Who' }),
      f('WhatId', 'reference', { label: 'Related To ID', referenceTo: ['Account', 'Opportunity'], relationshipName: 'What' }),
      f('Subject', 'combobox', { length: 255, picklistValues: ['Call', 'Email', 'Meeting', 'Send Letter/Quote', 'Other'], nameField: true }),
      f('Location', 'string', { length: 255 }),
      f('IsAllDayEvent', 'boolean', { label: 'All-Day Event', defaultValue: false, nillable: false }),
      // Settled together by event-timing.ts: StartDateTime, EndDateTime, DurationInMinutes, ActivityDateTime, ActivityDate.
      f('StartDateTime', 'datetime', { label: 'Start Date Time' }),
      f('EndDateTime', 'datetime', { label: 'End Date Time' }),
      f('ActivityDateTime', 'datetime', { label: 'Due Date Time' }),
      f('ActivityDate', 'date', { label: 'Due Date Only' }),
      f('DurationInMinutes', 'int', { label: 'Duration', precision: 8 }),
      f('Description', 'textarea', { length: 32000, label: 'Description' }),
      f('OwnerId', 'reference', { label: 'Assigned To ID', referenceTo: ['User'], relationshipName: 'Owner', nillable: false }),
      f('AccountId', 'reference', { ...ro, label: 'Account ID', referenceTo: ['Account'], relationshipName: 'Account' }),
      // As TaskSubtype: set on create, then read-only (Object Reference: "Create, Filter, Group, Nillable, Sort").
      f('EventSubtype', 'picklist', { label: 'Event Subtype', length: 40, updateable: false, restrictedPicklist: true,
        picklistValues: ['Event'], defaultValue: 'Event' }),
      f('ShowAs', 'picklist', { label: 'Show Time As', length: 40, picklistValues: SHOW_AS, restrictedPicklist: true, defaultValue: 'Busy' }),
      f('Type', 'picklist', { picklistValues: ['Call', 'Email', 'Meeting', 'Other'] }),
      f('IsPrivate', 'boolean', { label: 'Private', defaultValue: false, nillable: false }),
      f('IsReminderSet', 'boolean', { label: 'Reminder Set', defaultValue: false, nillable: false }),
      f('ReminderDateTime', 'datetime', { label: 'Reminder Date/Time' }),
      // A child is an invitee's copy of a group event (not made by this simulator); a group event has invitees.
      f('IsChild', 'boolean', { ...ro, label: 'Is Child', nillable: false }),
      f('IsGroupEvent', 'boolean', { ...ro, label: 'Is Group Event', nillable: false }),
      ...systemFields(),
    ] },
    { name: 'EventRelation', label: 'Event Relation', labelPlural: 'Event Relations', keyPrefix: KEY_PREFIXES.EventRelation ?? '0RE', fields: [
      idField(), isDeleted(),
      f('EventId', 'reference', { label: 'Event ID', updateable: false, required: true, referenceTo: ['Event'], relationshipName: 'Event' }),
      f('RelationId', 'reference', { label: 'Relation ID', updateable: false, required: true, referenceTo: RELATION_TYPES, relationshipName: 'Relation' }),
      f('IsInvitee', 'boolean', { label: 'Invitee', defaultValue: true, nillable: false }),
      // Shared Activities only: a related contact or lead (the event's WhoId is one), and the WhatId's relation,
      // which the platform makes from the Event's WhatId (not creatable through the API).
      f('IsParent', 'boolean', { label: 'Parent', defaultValue: false, nillable: false }),
      f('IsWhat', 'boolean', { label: 'What', createable: false, updateable: false, defaultValue: false, nillable: false }),
      f('Status', 'picklist', { picklistValues: RELATION_STATUS, restrictedPicklist: true, defaultValue: 'New' }),
      f('RespondedDate', 'datetime', { label: 'Response Date' }),
      f('Response', 'string', { length: 255 }),
      ...systemFields(),
    ] },
  ];
}
