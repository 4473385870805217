/** ContentDocument, ContentVersion, ContentDocumentLink and ContentNote metadata (rules in content.ts). */
import { type FieldDef, f, idField, isDeleted, type ObjectDef, owner, ro, systemFields } from './field-defs.ts';
import { KEY_PREFIXES } from './ids.ts';

/** Salesforce Files and Notes (rules in content.ts): a document, its versions, its links to records, and the note view. */
export function contentDefs(): ObjectDef[] {
  const fileFacts = (): FieldDef[] => [
    f('FileType', 'string', { ...ro, length: 20, label: 'File Type' }),
    f('FileExtension', 'string', { ...ro, length: 40, label: 'File Extension' }),
    f('ContentSize', 'int', { ...ro, label: 'Size' }),
  ];
  // Files attach to activities, Events as Tasks (the Files related list of an event) [INF, as Task].
  const linkable = ['Account', 'Contact', 'Event', 'Lead', 'Opportunity', 'Task', 'User'];
  return [
    { name: 'ContentDocument', label: 'Content Document', labelPlural: 'Content Documents', keyPrefix: KEY_PREFIXES.ContentDocument ?? '069', fields: [
      idField(), isDeleted(),
      f('Title', 'string', { length: 255, nameField: true }),
      f('Description', 'textarea', { length: 1000 }),
      f('LatestPublishedVersionId', 'reference', { ...ro, referenceTo: ['ContentVersion'], relationshipName: 'LatestPublishedVersion' }),
      ...fileFacts(),
      owner(),
      ...systemFields(),
    ] },
    { name: 'ContentVersion', label: 'Content Version', labelPlural: 'Content Versions', keyPrefix: KEY_PREFIXES.ContentVersion ?? '068', fields: [
      idField(), isDeleted(),
      f('ContentDocumentId', 'reference', { updateable: false, referenceTo: ['ContentDocument'], relationshipName: 'ContentDocument' }),
      f('Title', 'string', { length: 255, required: true, nameField: true }),
      f('Description', 'textarea', { length: 1000 }),
      f('PathOnClient', 'string', { length: 500, updateable: false, required: true }),
      f('VersionData', 'base64', { updateable: false, required: true }),
      f('ReasonForChange', 'string', { length: 1000, updateable: false }),
      f('FirstPublishLocationId', 'reference', { updateable: false, referenceTo: linkable }),
      f('ContentLocation', 'picklist', { updateable: false, picklistValues: ['S', 'E', 'L'], restrictedPicklist: true, defaultValue: 'S' }),
      f('VersionNumber', 'string', { ...ro, length: 20 }),
      f('IsLatest', 'boolean', { ...ro, nillable: false }),
      f('Checksum', 'string', { ...ro, length: 50 }),
      ...fileFacts(),
      owner(),
      ...systemFields(),
    ] },
    { name: 'ContentDocumentLink', label: 'Content Document Link', labelPlural: 'Content Document Links', keyPrefix: KEY_PREFIXES.ContentDocumentLink ?? '06A', fields: [
      idField(), isDeleted(),
      f('ContentDocumentId', 'reference', { updateable: false, required: true, referenceTo: ['ContentDocument'], relationshipName: 'ContentDocument' }),
      f('LinkedEntityId', 'reference', { updateable: false, required: true, referenceTo: linkable, relationshipName: 'LinkedEntity' }),
      f('ShareType', 'picklist', { picklistValues: ['V', 'C', 'I'], restrictedPicklist: true, required: true }),
      f('Visibility', 'picklist', { picklistValues: ['AllUsers', 'InternalUsers', 'SharedUsers'], restrictedPicklist: true, defaultValue: 'AllUsers' }),
      ...systemFields(),
    ] },
    // ContentNote is a view of a ContentDocument (same id, key prefix 069) whose versions are SNOTE files.
    { name: 'ContentNote', label: 'Note', labelPlural: 'Notes', keyPrefix: KEY_PREFIXES.ContentDocument ?? '069', fields: [
      idField(), isDeleted(),
      f('Title', 'string', { length: 255, required: true, nameField: true }),
      f('Content', 'base64', {}),
      f('TextPreview', 'string', { ...ro, length: 255 }),
      f('LatestPublishedVersionId', 'reference', { ...ro, referenceTo: ['ContentVersion'], relationshipName: 'LatestPublishedVersion' }),
      ...fileFacts(),
      owner(),
      ...systemFields(),
    ] },
  ];
}
