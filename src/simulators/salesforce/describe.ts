/** Describe payloads: `/sobjects`, `/sobjects/{Type}` and `/sobjects/{Type}/describe`. */
import type { FieldDef, ObjectDef, Schema } from './schema.ts';

const SOAP_TYPE: Record<FieldDef['type'], string> = {
  id: 'tns:ID', reference: 'tns:ID', string: 'xsd:string', textarea: 'xsd:string', picklist: 'xsd:string',
  combobox: 'xsd:string', email: 'xsd:string', phone: 'xsd:string', url: 'xsd:string', boolean: 'xsd:boolean',
  date: 'xsd:date', datetime: 'xsd:dateTime', int: 'xsd:int', double: 'xsd:double', currency: 'xsd:double', percent: 'xsd:double',
  base64: 'xsd:base64Binary',
};

function describeField(f: FieldDef): Record<string, unknown> {
  const isText = ['string', 'textarea', 'picklist', 'combobox', 'email', 'phone', 'url', 'id', 'reference'].includes(f.type);
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    soapType: SOAP_TYPE[f.type],
    length: isText ? f.length : 0,
    byteLength: isText ? f.length * 3 : 0,
    digits: f.type === 'int' ? (f.precision ?? 9) : 0,
    precision: ['double', 'currency', 'percent'].includes(f.type) ? (f.precision ?? 18) : 0,
    scale: ['double', 'currency', 'percent'].includes(f.type) ? (f.scale ?? 2) : 0,
    createable: f.createable,
    updateable: f.updateable,
    nillable: f.nillable,
    defaultedOnCreate: f.defaultValue !== undefined || f.calculated === true || f.name === 'OwnerId',
    defaultValue: f.defaultValue ?? null,
    calculated: false,
    custom: f.custom === true,
    externalId: f.externalId === true,
    unique: f.unique === true,
    caseSensitive: false,
    idLookup: f.name === 'Id' || f.externalId === true || f.name === 'Username',
    nameField: f.nameField === true,
    filterable: !(f.type === 'textarea' && f.length > 255),
    sortable: !(f.type === 'textarea' && f.length > 255),
    groupable: f.type !== 'textarea' && f.type !== 'double',
    restrictedPicklist: f.restrictedPicklist === true,
    picklistValues: (f.picklistValues ?? []).map((v) => ({ active: true, defaultValue: v === f.defaultValue, label: v, validFor: null, value: v })),
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    polymorphicForeignKey: (f.referenceTo ?? []).length > 1,
    htmlFormatted: false,
    inlineHelpText: null,
  };
}

function urls(version: string, obj: ObjectDef): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${obj.name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function objectSummary(version: string, obj: ObjectDef): Record<string, unknown> {
  return {
    name: obj.name, label: obj.label, labelPlural: obj.labelPlural, keyPrefix: obj.keyPrefix, custom: false,
    createable: true, updateable: true, deletable: true, queryable: true, searchable: obj.name !== 'User',
    retrieveable: true, layoutable: true, replicateable: true, triggerable: true, undeletable: obj.name !== 'User',
    urls: urls(version, obj),
  };
}

export function describeGlobal(schema: Schema, version: string): Record<string, unknown> {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: schema.objectNames().map((n) => {
      const obj = schema.object(n);
      return obj === undefined ? {} : objectSummary(version, obj);
    }),
  };
}

export function sobjectInfo(obj: ObjectDef, version: string): Record<string, unknown> {
  return { objectDescribe: objectSummary(version, obj), recentItems: [] };
}

export function describeSObject(obj: ObjectDef, version: string): Record<string, unknown> {
  return {
    ...objectSummary(version, obj),
    fields: obj.fields.map(describeField),
    childRelationships: [],
    recordTypeInfos: [],
    supportedScopes: [{ label: 'All', name: 'everything' }, { label: 'My', name: 'mine' }],
  };
}
