/** Salesforce Files and Notes in the simulated org: ContentVersion, ContentDocument, ContentDocumentLink, ContentNote. */
import { beforeEach, describe, expect, it } from 'vitest';
import { sanitizeNoteHtml } from '../../../src/simulators/salesforce/content.ts';
import { createOrg, type SimOrg } from '../../../src/simulators/salesforce/org.ts';
import { sfError } from '../../support/sf-error.ts';

let org: SimOrg;
let taskId: string;
let contactId: string;
const ctx = () => ({ userId: org.integrationUserId });
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const create = (type: string, rec: Record<string, unknown>) => org.dml.create(org.dml.objectOrInvalidType(type), rec, ctx());
const query = (soql: string) => org.queries.run(soql, { includeDeleted: false, batchSize: 2000, version: '62.0' }).records;

beforeEach(() => {
  org = createOrg();
  contactId = create('Contact', { LastName: 'Rivera' });
  taskId = create('Task', { Subject: 'Call', WhoId: contactId });
});

describe('ContentVersion', () => {
  it('without ContentDocumentId creates a document, its owner link and a link to FirstPublishLocationId', () => {
    const v1 = create('ContentVersion', { Title: 'Call transcript', PathOnClient: 'Call transcript.txt', VersionData: b64('hello'), FirstPublishLocationId: taskId });
    const version = org.store.get('ContentVersion', v1)!;
    expect(version).toMatchObject({ VersionNumber: '1', IsLatest: true, FileType: 'TEXT', FileExtension: 'txt', ContentSize: 5 });
    const docs = org.store.all('ContentDocument');
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ Id: version.ContentDocumentId, LatestPublishedVersionId: v1, Title: 'Call transcript', FileType: 'TEXT' });
    const links = org.store.all('ContentDocumentLink').map((l) => [l.LinkedEntityId, l.ShareType]);
    expect(links).toEqual([[org.integrationUserId, 'I'], [taskId, 'I']]);
  });

  it('with ContentDocumentId adds the next version of the same document', () => {
    const v1 = create('ContentVersion', { Title: 'T', PathOnClient: 'T.txt', VersionData: b64('one'), FirstPublishLocationId: taskId });
    const doc = String(org.store.get('ContentVersion', v1)!.ContentDocumentId);
    const v2 = create('ContentVersion', { ContentDocumentId: doc, Title: 'T2', PathOnClient: 'T.txt', VersionData: b64('two!') });
    expect(org.store.all('ContentDocument')).toHaveLength(1);
    expect(org.store.get('ContentVersion', v2)).toMatchObject({ VersionNumber: '2', IsLatest: true, ContentDocumentId: doc });
    expect(org.store.get('ContentVersion', v1)).toMatchObject({ IsLatest: false });
    expect(org.store.get('ContentDocument', doc)).toMatchObject({ LatestPublishedVersionId: v2, Title: 'T2', ContentSize: 4 });
  });

  it.each([
    [{ PathOnClient: 'a.txt', VersionData: b64('x') }, 'REQUIRED_FIELD_MISSING'],
    [{ Title: 'a', VersionData: b64('x') }, 'REQUIRED_FIELD_MISSING'],
    [{ Title: 'a', PathOnClient: 'a.txt' }, 'REQUIRED_FIELD_MISSING'],
    [{ Title: 'a', PathOnClient: 'a.txt', VersionData: 'not base64!' }, 'JSON_PARSER_ERROR'],
  ])('refuses %j with %s', (rec, code) => {
    expect(sfError(() => create('ContentVersion', rec)).errorCode).toBe(code);
    expect(org.store.all('ContentDocument')).toHaveLength(0);
  });

  it('a ContentDocument cannot be inserted', () => {
    expect(sfError(() => create('ContentDocument', { Title: 'x' })).errorCode).toBe('INVALID_TYPE_FOR_OPERATION');
  });
});

describe('ContentNote', () => {
  it('is a document with an SNOTE version; its HTML is kept, unsafe markup and bare line breaks stripped', () => {
    const id = create('ContentNote', { Title: 'Call notes', Content: b64('<p>Tom &amp; Ana</p>\n<script>alert(1)</script><p onclick="x()">2 &lt; 3</p>') });
    expect(id.slice(0, 3)).toBe('069');
    const doc = org.store.get('ContentDocument', id)!;
    expect(doc).toMatchObject({ Title: 'Call notes', FileType: 'SNOTE' });
    const [v] = org.store.all('ContentVersion');
    expect(v).toMatchObject({ ContentDocumentId: id, VersionNumber: '1', FileType: 'SNOTE', Id: doc.LatestPublishedVersionId });
    expect(Buffer.from(String(v!.VersionData), 'base64').toString('utf8')).toBe('<p>Tom &amp; Ana</p><p>2 &lt; 3</p>');
    expect(org.store.get('ContentNote', id)).toMatchObject({ TextPreview: 'Tom & Ana 2 < 3' });
  });

  it.each(['<p>Tom & Ana</p>', '<p>2 < 3</p>', 'a > b'])('refuses unescaped special characters: %s', (html) => {
    expect(sfError(() => create('ContentNote', { Title: 'n', Content: b64(html) })).errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(org.store.all('ContentDocument')).toHaveLength(0);
  });

  it('updating Content adds a version of the same document', () => {
    const id = create('ContentNote', { Title: 'n', Content: b64('<p>one</p>') });
    org.dml.update(org.dml.objectOrNotFound('ContentNote'), id, { Content: b64('<p>two</p>') }, ctx());
    const versions = org.store.all('ContentVersion');
    expect(versions.map((v) => [v.VersionNumber, v.IsLatest])).toEqual([['1', false], ['2', true]]);
    expect(org.store.get('ContentDocument', id)!.LatestPublishedVersionId).toBe(versions[1]!.Id);
    expect(org.store.all('ContentDocument')).toHaveLength(1);
  });

  it('notes off: ContentNote is not a known type', () => {
    org.schema.removeObject('ContentNote');
    expect(sfError(() => org.dml.objectOrInvalidType('ContentNote')).errorCode).toBe('INVALID_TYPE');
    expect(sfError(() => org.dml.objectOrNotFound('ContentNote')).errorCode).toBe('NOT_FOUND');
  });

  it('sanitizes as Salesforce does', () => {
    expect(sanitizeNoteHtml('<div><b>x</b><a href="javascript:1">y</a><a href="https://e.x/">z</a></div>')).toBe('<b>x</b><a>y</a><a href="https://e.x/">z</a>');
  });
});

describe('ContentDocumentLink', () => {
  it('links a document to a record once: a second link to the same record is DUPLICATE_VALUE', () => {
    const id = create('ContentNote', { Title: 'n', Content: b64('<p>x</p>') });
    create('ContentDocumentLink', { ContentDocumentId: id, LinkedEntityId: taskId, ShareType: 'V', Visibility: 'AllUsers' });
    create('ContentDocumentLink', { ContentDocumentId: id, LinkedEntityId: contactId, ShareType: 'V' });
    expect(sfError(() => create('ContentDocumentLink', { ContentDocumentId: id, LinkedEntityId: taskId, ShareType: 'V' })).errorCode).toBe('DUPLICATE_VALUE');
    expect(sfError(() => create('ContentDocumentLink', { ContentDocumentId: id, LinkedEntityId: contactId, ShareType: 'X' })).errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    const rows = query(`SELECT ContentDocumentId, ContentDocument.Title, ContentDocument.FileType FROM ContentDocumentLink WHERE LinkedEntityId = '${taskId}'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ContentDocumentId: id, ContentDocument: { Title: 'n', FileType: 'SNOTE' } });
    expect(query(`SELECT Id FROM ContentDocumentLink WHERE ContentDocumentId IN ('${id}')`)).toHaveLength(3);
  });

  it.each([
    'SELECT Id FROM ContentDocumentLink',
    "SELECT Id FROM ContentDocumentLink WHERE ShareType = 'V'",
    "SELECT Id FROM ContentDocumentLink WHERE LinkedEntityId != '00T000000000001AAA'",
    "SELECT Id FROM ContentDocumentLink WHERE LinkedEntityId = '00T000000000001AAA' OR ShareType = 'V'",
  ])('refuses a query without a filter by id: %s', (soql) => {
    const err = sfError(() => query(soql));
    expect(err.errorCode).toBe('MALFORMED_QUERY');
    expect(err.message).toContain('Implementation restriction: ContentDocumentLink requires a filter by a single Id');
  });
});
