/**
 * The shapes of object and field metadata, and the helpers that build standard fields (system fields, Id, owner),
 * shared by schema.ts and the per-feature object definitions (event-schema.ts).
 */
export type FieldType =
  | 'id' | 'string' | 'textarea' | 'picklist' | 'combobox' | 'reference' | 'boolean'
  | 'date' | 'datetime' | 'int' | 'double' | 'currency' | 'percent' | 'email' | 'phone' | 'url' | 'base64';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  length: number;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  /** Must have a value after defaults are applied (nillable false, not derived). */
  required: boolean;
  picklistValues?: string[];
  restrictedPicklist?: boolean;
  defaultValue?: string | boolean;
  referenceTo?: string[];
  relationshipName?: string;
  externalId?: boolean;
  unique?: boolean;
  /** Computed by the simulator (formula/derived/system field). */
  calculated?: boolean;
  nameField?: boolean;
  custom?: boolean;
  /** Number fields: total digits and digits after the decimal point (describe's precision and scale). */
  precision?: number;
  scale?: number;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldDef[];
}

export type FieldOpts = Partial<Omit<FieldDef, 'name' | 'type'>>;

const TEXT_LENGTH: Partial<Record<FieldType, number>> = { id: 18, reference: 18, email: 80, phone: 40, url: 255, picklist: 255, combobox: 255 };

export function f(name: string, type: FieldType, opts: FieldOpts = {}): FieldDef {
  const system = opts.calculated === true;
  return {
    name,
    label: opts.label ?? name.replace(/Id$/, ' ID').replace(/([a-z])([A-Z])/g, '$1 $2'),
    type,
    length: opts.length ?? TEXT_LENGTH[type] ?? 0,
    createable: opts.createable ?? !system,
    updateable: opts.updateable ?? !system,
    nillable: opts.nillable ?? !(opts.required ?? false),
    required: opts.required ?? false,
    ...opts,
  };
}

export const ro: FieldOpts = { createable: false, updateable: false, calculated: true };

export function systemFields(): FieldDef[] {
  return [
    f('CreatedDate', 'datetime', { ...ro, label: 'Created Date', nillable: false }),
    f('CreatedById', 'reference', { ...ro, label: 'Created By ID', referenceTo: ['User'], relationshipName: 'CreatedBy', nillable: false }),
    f('LastModifiedDate', 'datetime', { ...ro, label: 'Last Modified Date', nillable: false }),
    f('LastModifiedById', 'reference', { ...ro, label: 'Last Modified By ID', referenceTo: ['User'], relationshipName: 'LastModifiedBy', nillable: false }),
    f('SystemModstamp', 'datetime', { ...ro, label: 'System Modstamp', nillable: false }),
  ];
}

export const idField = (): FieldDef => f('Id', 'id', { ...ro, label: 'Record ID', nillable: false });
export const isDeleted = (): FieldDef => f('IsDeleted', 'boolean', { ...ro, label: 'Deleted', nillable: false });
export const owner = (label = 'Owner ID'): FieldDef =>
  f('OwnerId', 'reference', { label, referenceTo: ['User'], relationshipName: 'Owner', nillable: false });
