/**
 * Object and field metadata for the simulated org, modelled on the standard objects'
 * describe output (Task per the Object Reference; lengths per the Field Reference).
 */
import { type FieldDef, type FieldOpts, f, idField, isDeleted, type ObjectDef, owner, ro, systemFields } from './field-defs.ts';
import { contentDefs } from './content-schema.ts';
import { eventDefs } from './event-schema.ts';
import { KEY_PREFIXES } from './ids.ts';

export type { FieldDef, FieldType, ObjectDef } from './field-defs.ts';

/**
 * A custom field an admin created in the org, declared in the simulator's seed (or at run time): typed, with its
 * length, decimals, picklist values, and whether the integration user may write it (field-level security).
 */
export interface CustomFieldSpec {
  /** API name, ending in __c. */
  name: string;
  type: 'string' | 'textarea' | 'picklist' | 'double' | 'int' | 'percent' | 'currency' | 'url' | 'boolean' | 'date' | 'datetime' | 'email' | 'phone';
  label?: string;
  /** Text, text area and URL: characters (default 255). */
  length?: number;
  /** Number, percent and currency: digits in all and after the point (default 18 and 0). */
  precision?: number;
  scale?: number;
  picklistValues?: string[];
  /** "Restrict picklist to the values defined in the value set". */
  restrictedPicklist?: boolean;
  /** Field-level security for the integration user (default: read/write). */
  createable?: boolean;
  updateable?: boolean;
}

const personName = (): FieldDef[] => [
  f('LastName', 'string', { length: 80, required: true }),
  f('FirstName', 'string', { length: 40 }),
  f('Name', 'string', { ...ro, length: 121, label: 'Full Name', nameField: true }),
];
const phones = (...names: string[]): FieldDef[] => names.map((n) => f(n, 'phone'));
const address = (prefix: string): FieldDef[] =>
  ['Street', 'City', 'State', 'PostalCode', 'Country'].map((p) => f(`${prefix}${p}`, p === 'Street' ? 'textarea' : 'string', { length: p === 'Street' ? 255 : 80 }));

const LEAD_STATUS = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'];
const STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers',
  'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'];
export const TASK_STATUS = ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'];
const LEAD_SOURCE = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
/** Some of Salesforce's TimeZoneSidKey values (IANA ids; the real picklist has a few hundred). */
export const TIME_ZONES = ['Pacific/Honolulu', 'America/Anchorage', 'America/Los_Angeles', 'America/Phoenix', 'America/Denver',
  'America/Chicago', 'America/New_York', 'America/Sao_Paulo', 'GMT', 'Europe/London', 'Europe/Berlin', 'Europe/Paris',
  'Asia/Kolkata', 'Asia/Singapore', 'Asia/Tokyo', 'Australia/Sydney', 'Pacific/Auckland'];
/** The simulated org's default time zone (Organization.TimeZoneSidKey), which new users get. */
export const ORG_TIME_ZONE = 'America/Los_Angeles';
/** Setup fields: an admin changes them in Setup, not through the data API. */
const setup: FieldOpts = { createable: false, updateable: false };

function objectDefs(taskExternalIdField: string | undefined): ObjectDef[] {
  const taskExt = taskExternalIdField === undefined ? [] : [
    f(taskExternalIdField, 'string', { length: 255, externalId: true, unique: true, custom: true,
      label: taskExternalIdField.replace(/__c$/, '').replace(/_/g, ' ') }),
  ];
  return [
    { name: 'User', label: 'User', labelPlural: 'Users', keyPrefix: KEY_PREFIXES.User ?? '005', fields: [
      idField(),
      f('Username', 'string', { length: 80, required: true, unique: true }),
      ...personName(),
      f('Alias', 'string', { length: 8 }),
      f('Email', 'email', { length: 128, required: true }),
      f('IsActive', 'boolean', { label: 'Active', defaultValue: true, nillable: false }),
      f('Title', 'string', { length: 80 }),
      f('CompanyName', 'string', { length: 80 }),
      f('Department', 'string', { length: 80 }),
      f('Extension', 'phone'),
      ...phones('Phone', 'MobilePhone', 'Fax'),
      f('FederationIdentifier', 'string', { length: 512, label: 'SAML Federation ID' }),
      // Required in Salesforce, a restricted picklist of IANA ids; a new user gets the org's default (the Organization's).
      f('TimeZoneSidKey', 'picklist', { label: 'Time Zone', picklistValues: TIME_ZONES, restrictedPicklist: true, defaultValue: ORG_TIME_ZONE }),
      ...systemFields(),
    ] },
    { name: 'Account', label: 'Account', labelPlural: 'Accounts', keyPrefix: KEY_PREFIXES.Account ?? '001', fields: [
      idField(), isDeleted(),
      f('Name', 'string', { length: 255, required: true, label: 'Account Name', nameField: true }),
      f('Type', 'picklist', { label: 'Account Type', picklistValues: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'] }),
      ...phones('Phone', 'Fax'),
      f('Website', 'url'),
      f('Industry', 'picklist', { picklistValues: ['Technology', 'Finance', 'Healthcare', 'Retail', 'Other'] }),
      f('AccountNumber', 'string', { length: 40 }),
      f('Description', 'textarea', { length: 32000, label: 'Account Description' }),
      ...address('Billing'),
      owner(),
      ...systemFields(),
    ] },
    { name: 'Contact', label: 'Contact', labelPlural: 'Contacts', keyPrefix: KEY_PREFIXES.Contact ?? '003', fields: [
      idField(), isDeleted(),
      f('AccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'Account' }),
      f('Salutation', 'picklist', { picklistValues: ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'] }),
      ...personName(),
      f('Title', 'string', { length: 128 }),
      f('Department', 'string', { length: 80 }),
      ...phones('Phone', 'Fax', 'MobilePhone', 'HomePhone', 'OtherPhone', 'AssistantPhone'),
      f('Email', 'email'),
      f('LeadSource', 'picklist', { picklistValues: LEAD_SOURCE }),
      f('Description', 'textarea', { length: 32000, label: 'Contact Description' }),
      ...address('Mailing'),
      owner(),
      ...systemFields(),
    ] },
    { name: 'Lead', label: 'Lead', labelPlural: 'Leads', keyPrefix: KEY_PREFIXES.Lead ?? '00Q', fields: [
      idField(), isDeleted(),
      ...personName(),
      f('Title', 'string', { length: 128 }),
      f('Company', 'string', { length: 255, required: true }),
      ...phones('Phone', 'MobilePhone', 'Fax'),
      f('Email', 'email'),
      f('Website', 'url'),
      f('LeadSource', 'picklist', { picklistValues: LEAD_SOURCE }),
      f('Status', 'picklist', { label: 'Lead Status', picklistValues: LEAD_STATUS, defaultValue: 'Open - Not Contacted', required: true }),
      f('IsConverted', 'boolean', { label: 'Converted', updateable: false, defaultValue: false, nillable: false }),
      f('ConvertedAccountId', 'reference', { ...ro, referenceTo: ['Account'], relationshipName: 'ConvertedAccount' }),
      f('ConvertedContactId', 'reference', { ...ro, referenceTo: ['Contact'], relationshipName: 'ConvertedContact' }),
      f('Description', 'textarea', { length: 32000 }),
      ...address(''),
      owner(),
      ...systemFields(),
    ] },
    { name: 'Opportunity', label: 'Opportunity', labelPlural: 'Opportunities', keyPrefix: KEY_PREFIXES.Opportunity ?? '006', fields: [
      idField(), isDeleted(),
      f('AccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'Account' }),
      f('Name', 'string', { length: 120, required: true, nameField: true }),
      f('Description', 'textarea', { length: 32000 }),
      f('StageName', 'picklist', { label: 'Stage', picklistValues: STAGES, required: true }),
      f('Amount', 'currency'),
      f('Probability', 'percent'),
      f('CloseDate', 'date', { required: true }),
      f('Type', 'picklist', { label: 'Opportunity Type', picklistValues: ['New Business', 'Existing Business'] }),
      f('NextStep', 'string', { label: 'Next Step', length: 255 }),
      f('IsClosed', 'boolean', { ...ro, label: 'Closed', nillable: false }),
      f('IsWon', 'boolean', { ...ro, label: 'Won', nillable: false }),
      owner(),
      ...systemFields(),
    ] },
    { name: 'Organization', label: 'Organization', labelPlural: 'Organizations', keyPrefix: KEY_PREFIXES.Organization ?? '00D', fields: [
      idField(),
      f('Name', 'string', { ...setup, length: 80, nameField: true }),
      f('TimeZoneSidKey', 'picklist', { ...setup, label: 'Default Time Zone', picklistValues: TIME_ZONES, restrictedPicklist: true }),
      f('DefaultLocaleSidKey', 'picklist', { ...setup, label: 'Default Locale', picklistValues: ['en_US', 'en_GB', 'de_DE'] }),
      f('IsSandbox', 'boolean', { ...setup, nillable: false }),
      ...systemFields(),
    ] },
    { name: 'Task', label: 'Task', labelPlural: 'Tasks', keyPrefix: KEY_PREFIXES.Task ?? '00T', fields: [
      idField(), isDeleted(),
      f('WhoId', 'reference', { label: 'Name ID', referenceTo: ['Contact', 'Lead'], relationshipName: 'Who' }),
      f('WhatId', 'reference', { label: 'Related To ID', referenceTo: ['Account', 'Opportunity'], relationshipName: 'What' }),
      f('Subject', 'combobox', { length: 255, picklistValues: ['Call', 'Send Letter', 'Send Quote', 'Other'], nameField: true }),
      f('ActivityDate', 'date', { label: 'Due Date Only' }),
      f('Status', 'picklist', { picklistValues: TASK_STATUS, defaultValue: 'Not Started', required: true }),
      f('Priority', 'picklist', { picklistValues: ['High', 'Normal', 'Low'], defaultValue: 'Normal', required: true }),
      f('IsHighPriority', 'boolean', { ...ro, label: 'High Priority', nillable: false }),
      f('OwnerId', 'reference', { label: 'Assigned To ID', referenceTo: ['User'], relationshipName: 'Owner', nillable: false }),
      f('Description', 'textarea', { length: 32000, label: 'Description' }),
      f('Type', 'picklist', { picklistValues: ['Call', 'Email', 'Meeting', 'Other'] }),
      f('AccountId', 'reference', { ...ro, label: 'Account ID', referenceTo: ['Account'], relationshipName: 'Account' }),
      f('IsClosed', 'boolean', { ...ro, label: 'Closed', nillable: false }),
      f('CallDurationInSeconds', 'int', { label: 'Call Duration' }),
      f('CallType', 'picklist', { length: 40, picklistValues: ['Inbound', 'Internal', 'Outbound'], restrictedPicklist: true }),
      f('CallDisposition', 'string', { length: 255, label: 'Call Result' }),
      f('CallObject', 'string', { length: 255, label: 'Call Object Identifier' }),
      f('ReminderDateTime', 'datetime', { label: 'Reminder Date/Time' }),
      f('IsReminderSet', 'boolean', { label: 'Reminder Set', defaultValue: false, nillable: false }),
      f('TaskSubtype', 'picklist', { label: 'Task Subtype', length: 40, updateable: false, restrictedPicklist: true,
        picklistValues: ['Task', 'Email', 'ListEmail', 'Call', 'LinkedIn'], defaultValue: 'Task' }),
      f('CompletedDateTime', 'datetime', { ...ro, label: 'Completed Date/Time' }),
      ...taskExt,
      ...systemFields(),
    ] },
    // Custom activity fields are Activity's: Task and Event have them alike (the External ID field too) [DOC].
    ...eventDefs().map((o) => (o.name === 'Event' ? { ...o, fields: [...o.fields, ...taskExt] } : o)),
    ...contentDefs(),
  ];
}

/** Case-insensitive lookups over the org's objects and fields. */
export class Schema {
  private readonly objects = new Map<string, ObjectDef>();
  private readonly fieldIndex = new Map<string, Map<string, FieldDef>>();

  constructor(opts: { taskExternalIdField?: string } = {}) {
    for (const def of objectDefs(opts.taskExternalIdField)) {
      this.objects.set(def.name.toLowerCase(), def);
      this.fieldIndex.set(def.name, new Map(def.fields.map((fd) => [fd.name.toLowerCase(), fd])));
    }
  }

  object(name: string): ObjectDef | undefined {
    return this.objects.get(name.toLowerCase());
  }

  /** Takes an object out of the org (a feature switched off: Notes), so the API answers as for an unknown type. */
  removeObject(name: string): void {
    const obj = this.object(name);
    if (obj === undefined) return;
    this.objects.delete(obj.name.toLowerCase());
    this.fieldIndex.delete(obj.name);
  }

  /** Takes a field out of an object (a feature switched off: Shared Activities' EventRelation.IsParent). */
  removeField(objectName: string, fieldName: string): void {
    const obj = this.object(objectName);
    const field = obj === undefined ? undefined : this.field(obj.name, fieldName);
    if (obj === undefined || field === undefined) return;
    obj.fields = obj.fields.filter((fd) => fd !== field);
    this.fieldIndex.get(obj.name)?.delete(field.name.toLowerCase());
  }

  objectNames(): string[] {
    return [...this.objects.values()].map((o) => o.name);
  }

  field(objectName: string, fieldName: string): FieldDef | undefined {
    const obj = this.object(objectName);
    return obj === undefined ? undefined : this.fieldIndex.get(obj.name)?.get(fieldName.toLowerCase());
  }

  /**
   * Adds (or redefines, as an admin editing it would) a custom field; throws for a name that is not one. A field of
   * Task or Event is an activity field, Activity's: it is defined on both, as Salesforce has them.
   */
  defineCustomField(objectName: string, spec: CustomFieldSpec): FieldDef {
    const name = this.object(objectName)?.name;
    if (name === 'Task' || name === 'Event') {
      const other = name === 'Task' ? 'Event' : 'Task';
      if (this.object(other) !== undefined) this.#defineOn(other, spec);
    }
    return this.#defineOn(objectName, spec);
  }

  #defineOn(objectName: string, spec: CustomFieldSpec): FieldDef {
    const obj = this.object(objectName);
    if (obj === undefined) throw new Error(`Custom field: unknown sObject type '${objectName}'`);
    if (!/^[A-Za-z][A-Za-z0-9_]{0,39}__c$/.test(spec.name)) throw new Error(`Custom field: '${spec.name}' is not a custom field API name (Name__c)`);
    const numeric = ['double', 'int', 'percent', 'currency'].includes(spec.type);
    const text = ['string', 'textarea', 'url', 'picklist'].includes(spec.type);
    const def = f(spec.name, spec.type, {
      label: spec.label ?? spec.name.replace(/__c$/, '').replace(/_/g, ' '),
      custom: true,
      ...(text ? { length: spec.length ?? 255 } : {}),
      ...(numeric ? { precision: spec.precision ?? 18, scale: spec.type === 'int' ? 0 : (spec.scale ?? 0) } : {}),
      ...(spec.picklistValues !== undefined ? { picklistValues: [...spec.picklistValues] } : {}),
      ...(spec.restrictedPicklist === true ? { restrictedPicklist: true } : {}),
      ...(spec.type === 'boolean' ? { defaultValue: false, nillable: false } : {}),
      createable: spec.createable ?? true,
      updateable: spec.updateable ?? true,
    });
    const at = obj.fields.findIndex((fd) => fd.name.toLowerCase() === def.name.toLowerCase());
    if (at >= 0) obj.fields[at] = def;
    else obj.fields.push(def);
    this.fieldIndex.get(obj.name)?.set(def.name.toLowerCase(), def);
    return def;
  }

  /** The reference field whose relationshipName is `rel` (e.g. `Account` -> AccountId). */
  relationship(objectName: string, rel: string): FieldDef | undefined {
    const obj = this.object(objectName);
    const lower = rel.toLowerCase();
    return obj?.fields.find((fd) => fd.relationshipName?.toLowerCase() === lower);
  }
}
