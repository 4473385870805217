import { z } from 'zod';
import { closest } from './mapping-hints.ts';
import { KEY_PREFIX, salesforceIdProblem, type MappedObject } from './salesforce-id.ts';

/**
 * A Salesforce record id of one object type: 15 or 18 characters, the type's key prefix, and (18 characters) a
 * checksum that matches; each problem says which (salesforce-id.ts).
 */
const sfId = (object: MappedObject) =>
  z.string({ error: `expected a Salesforce ${object} id (15 or 18 characters starting with ${KEY_PREFIX[object]})` }).superRefine((value, ctx) => {
    const problem = salesforceIdProblem(value, object);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const userIdSchema = sfId('User');
export const contactIdSchema = sfId('Contact');
export const leadIdSchema = sfId('Lead');
const accountIdSchema = sfId('Account');
const opportunityIdSchema = sfId('Opportunity');

const email = z.email({ error: 'expected an e-mail address' });

/** How a RingCentral user becomes a Salesforce user: by User id, or by the e-mail of an active User. */
export const userRefSchema = z.union(
  [z.strictObject({ salesforceUserId: userIdSchema }), z.strictObject({ email })],
  { error: 'expected { salesforceUserId: "005…" } or { email: "rep@example.com" }' },
);

/** A fixed Salesforce person for an external party, optionally with the record to relate the call to. */
export const contactOverrideSchema = z.union(
  [
    z.strictObject({ contactId: contactIdSchema, accountId: accountIdSchema.optional(), opportunityId: opportunityIdSchema.optional() }),
    z.strictObject({ leadId: leadIdSchema }),
    z.strictObject({ ignore: z.literal(true) }),
  ],
  { error: 'expected { contactId: "003…" }, { leadId: "00Q…" } or { ignore: true }' },
);

/** A RingCentral extension id as the mapping's users keys hold it. */
export const EXTENSION_ID = /^\d{1,20}$/;
const extensionId = z.string().regex(EXTENSION_ID, { error: 'RingCentral extension ids are digits, e.g. "62288320001"' });
const businessDays = z.number().int().min(0).max(60);
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}(__c)?$/;

/** What a mapped Task field can hold: one value of the call's insights or facts (mapping `fields.task`). */
export const TASK_FIELD_VALUES = [
  'summary', 'bulletedSummary', 'sentiment', 'aiScore', 'callNotes', 'highlights', 'nextSteps', 'qna',
  'rsRecordUri', 'sourceRecordId', 'sourceSessionId', 'durationSeconds', 'callDirection', 'domain',
] as const;
export type TaskFieldValue = (typeof TASK_FIELD_VALUES)[number];

/**
 * Task fields the sync writes itself (or keeps its keys in): a mapping may not set them. Compared
 * case-insensitively, as Salesforce compares API names.
 */
export const RESERVED_TASK_FIELDS: readonly string[] = [
  'Id', 'Subject', 'Description', 'OwnerId', 'ActivityDate', 'Status', 'Priority', 'TaskSubtype', 'WhoId', 'WhatId',
  'CallType', 'CallDurationInSeconds', 'Type', 'CallObject',
];

/** A mapped field's value as the core reads it: the insight it comes from and, for picklists and the like, the admin's value map. */
export interface TaskFieldSource {
  readonly from: TaskFieldValue;
  /** The insight's value -> what to write instead (text, a number, or true/false for a checkbox). */
  readonly values?: Readonly<Record<string, string | number | boolean>>;
}

const valueNameMessage = (v: unknown): string => {
  const shown = typeof v === 'string' ? `"${v}"` : JSON.stringify(v) ?? String(v);
  const hint = typeof v === 'string' ? closest(v, [...TASK_FIELD_VALUES]) : undefined;
  return `unknown value ${shown}${hint ? `; did you mean "${hint}"?` : ''} (values: ${TASK_FIELD_VALUES.join(', ')})`;
};
const taskFieldValue = z.enum(TASK_FIELD_VALUES, { error: (iss) => valueNameMessage(iss.input) });
const valueMapTarget = z.union([z.string().min(1).max(255), z.number().finite(), z.boolean()], { error: 'expected the value to write: text, a number, or true/false' });

const valueMapSchema = z.record(z.string().min(1), valueMapTarget);

/**
 * `sentiment` or `{ from: sentiment, values: { Positive: Good } }`, read as the latter. Checked by hand rather than
 * as a zod union, so each problem says what is wrong where (a union says only "Invalid input").
 */
const taskFieldSource = z.unknown().transform((v, ctx): TaskFieldSource => {
  const fail = (message: string, path: PropertyKey[] = []): never => {
    ctx.addIssue({ code: 'custom', message, path });
    return z.NEVER;
  };
  if (typeof v === 'string') {
    const name = taskFieldValue.safeParse(v);
    return name.success ? { from: name.data } : fail(valueNameMessage(v));
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return fail(`expected a value name (${TASK_FIELD_VALUES.join(', ')}) or { from: <value>, values: { <insight value>: <value to write> } }`);
  }
  const o = v as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(o)) {
    if (key === 'from' || key === 'values') continue;
    const hint = closest(key, ['from', 'values']);
    ctx.addIssue({ code: 'custom', message: `unknown key "${key}"${hint ? `; did you mean "${hint}"?` : ' (allowed here: from, values)'}`, path: [key] });
    ok = false;
  }
  if (!('from' in o)) return fail('missing "from": the value to write (e.g. from: sentiment)');
  const from = taskFieldValue.safeParse(o.from);
  if (!from.success) return fail(valueNameMessage(o.from), ['from']);
  if (o.values === undefined) return ok ? { from: from.data } : z.NEVER;
  const values = valueMapSchema.safeParse(o.values);
  if (!values.success) {
    for (const issue of values.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['values', ...issue.path] });
    return z.NEVER;
  }
  return ok ? { from: from.data, values: values.data } : z.NEVER;
});

const taskFieldName = z
  .string()
  .regex(FIELD_NAME, { error: 'expected a Task field API name such as RingSense_Sentiment__c' })
  .refine((name) => !RESERVED_TASK_FIELDS.some((r) => r.toLowerCase() === name.toLowerCase()), {
    error: (iss) => `Task.${String(iss.input)} is written by the sync itself; map the value to a field of your own (e.g. RingSense_${String(iss.input)}__c)`,
  });

export const mappingSchema = z.strictObject({
  /** RingCentral extension id -> Salesforce user. */
  users: z.record(extensionId, userRefSchema).default({}),
  /** Used when a call's owner is not mapped and no lookup finds them; without it such calls fail as `unmapped_owner`. */
  defaultOwner: userRefSchema.optional(),
  lookups: z
    .strictObject({
      /** Match an unmapped owner by the RingCentral extension's e-mail to an active Salesforce user's e-mail. */
      ownerByExtensionEmail: z.boolean().default(true),
      /** Find the external party by phone (SOSL over Contact and Lead phone fields). */
      contactByPhone: z.boolean().default(true),
      /** Then by exact name. */
      contactByName: z.boolean().default(true),
    })
    .prefault({}),
  /** External parties the admin pins by phone (any format; normalised to E.164) or by exact name. */
  contacts: z
    .strictObject({
      byPhone: z.record(z.string(), contactOverrideSchema).default({}),
      byName: z.record(z.string().min(1), contactOverrideSchema).default({}),
    })
    .prefault({}),
  /** What to do when no Contact or Lead matches the external party. */
  noMatch: z
    .strictObject({
      action: z.enum(['log_without_contact', 'create_lead', 'fail']).default('log_without_contact'),
      /** Fields of the Lead created by `create_lead`. */
      lead: z
        .strictObject({
          company: z.string().min(1).max(255).default('Unknown (from RingSense call)'),
          status: z.string().min(1).max(40).optional(),
          leadSource: z.string().min(1).max(40).default('Phone Inquiry'),
        })
        .prefault({}),
    })
    .prefault({}),
  phone: z
    .strictObject({
      /** Country assumed for numbers written without a country code (ISO 3166 alpha-2). */
      defaultCountry: z.string().regex(/^[A-Z]{2}$/, { error: 'expected a two-letter country code such as US or GB' }).default('US'),
    })
    .prefault({}),
  activity: z
    .strictObject({
      /** Put the transcript (with speaker names) at the end of the call activity's Description. */
      includeTranscript: z.boolean().default(false),
      /**
       * The whole transcript (speaker names, [mm:ss] times) as a Salesforce note (ContentNote; a text file when Notes
       * are off in the org) linked to the call activity, the contact or lead, and the opportunity: one per call, a new
       * version of it for a newer version of the insights.
       */
      transcriptFile: z.boolean().default(false),
      includeHighlights: z.boolean().default(true),
      includeNextSteps: z.boolean().default(true),
      /** Related To (WhatId): the contact's Account, also the Account's most recently modified open Opportunity, or nothing. */
      relatedTo: z.enum(['account', 'open_opportunity', 'none']).default('account'),
      /** Optional Task.Type picklist value (org-defined, e.g. "Call"). */
      type: z.string().min(1).max(40).optional(),
      subjectPrefix: z.string().max(50).default(''),
    })
    .prefault({}),
  followUps: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Due date: the call date plus this many business days (Monday to Friday). */
      dueInBusinessDays: businessDays.default(2),
      priority: z.enum(['High', 'Normal', 'Low']).default('Normal'),
      /** `speaker_or_owner`: the speaker's user when the speaker is a mapped internal user, else the call owner. */
      assignTo: z.enum(['speaker_or_owner', 'owner']).default('speaker_or_owner'),
    })
    .prefault({}),
  /** How meetings (RingEX Video, Microsoft Teams: RINGSENSE_DOMAINS rcv, ms-teams) are written. */
  meetings: z
    .strictObject({
      /** `event`: a completed Event at the meeting's time (default); `task`: a completed Task, as a call is. */
      recordAs: z.enum(['event', 'task']).default('event'),
    })
    .prefault({}),
  /** Extra fields the sync fills from the insights: Salesforce API name -> value (coerced to the field's type, as describe reports it). */
  fields: z
    .strictObject({
      task: z.record(taskFieldName, taskFieldSource).default({}),
    })
    .prefault({}),
  /** What the sync writes on the call's open Opportunity (when the call activity is related to one). */
  opportunity: z
    .strictObject({
      /**
       * Opportunity.NextStep from the call's next step: `off`; `fill_if_empty` only into an empty field;
       * `latest_call` also over what the sync wrote before, when this call started after that one (never over a
       * value a person typed).
       */
      nextStep: z.enum(['off', 'fill_if_empty', 'latest_call']).default('off'),
    })
    .prefault({}),
  salesforce: z
    .strictObject({
      /**
       * Optional admin-created Task field (Text, External ID, Unique) holding the call key. When set, writes are
       * upserts on it; when absent, the sync finds its own Tasks by the CallObject field (works with no custom fields).
       */
      externalIdField: z.string().regex(FIELD_NAME, { error: 'expected a Task field API name such as RingSense_Call_Id__c' }).optional(),
    })
    .prefault({}),
});

export type Mapping = z.infer<typeof mappingSchema>;
export type UserRef = z.infer<typeof userRefSchema>;
export type ContactOverride = z.infer<typeof contactOverrideSchema>;
