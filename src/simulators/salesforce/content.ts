/**
 * Salesforce Files and Notes, as the platform's own rules have them (the simulated org's "triggers" on the Content*
 * objects):
 * - ContentVersion insert needs Title, PathOnClient and VersionData (base64). Without ContentDocumentId it creates a
 *   ContentDocument (LatestPublishedVersionId -> this version), a link to the owner (ShareType I) and, with
 *   FirstPublishLocationId, a link to that record (ShareType I, InternalUsers); with ContentDocumentId it is the document's next version
 *   (VersionNumber + 1, IsLatest moves, the document's LatestPublishedVersionId and Title follow).
 * - ContentDocument cannot be inserted through the API.
 * - ContentNote is a view of a ContentDocument with the same id whose versions are SNOTE files. Its Content is base64
 *   of HTML: unsafe markup is stripped (script, style, event handlers, unknown tags), so are bare line breaks; an
 *   unescaped `&`, `<` or `>` in the text is refused. Updating Content adds a version.
 * - ContentDocumentLink: one link per document and record (a second is DUPLICATE_VALUE).
 * Not modelled: libraries (ContentWorkspace), sharing, deleting a document's versions and links with it.
 */
import { createHash } from 'node:crypto';
import type { Dml, DmlContext, DmlRules } from './dml.ts';
import { SfApiError } from './errors.ts';
import type { ObjectDef } from './schema.ts';
import type { Condition } from './soql-parser.ts';
import type { SfRecord } from './store.ts';

/** Salesforce's limit for a file's base64 in a JSON body (REST API: "37.5 MB"); larger uploads need multipart. */
export const MAX_BASE64_JSON = 37.5 * 1024 * 1024;

/** Tags a note keeps (the rich text editor's); anything else is dropped, its text kept. */
const NOTE_TAGS = new Set(['p', 'br', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'ul', 'ol', 'li', 'a', 'span', 'blockquote', 'pre', 'code', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Tags dropped with their content. */
const DROPPED_WITH_CONTENT = /<(script|style|iframe|object|embed)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b([^<>]*)>/g;
const ENTITY = /&(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#x[0-9a-fA-F]+);/g;

export const NOTE_REFUSED = "Note can't be saved because it contains HTML tags or unescaped characters that are not allowed in a Note.";

function decodeBase64(field: string, value: unknown): Buffer {
  const s = typeof value === 'string' ? value.replace(/\s/g, '') : '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) {
    throw new SfApiError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of base64 from VALUE_STRING value: ${field} is not valid base64`);
  }
  if (s.length > MAX_BASE64_JSON) throw new SfApiError(400, 'STRING_TOO_LONG', `${field}: data value too large (max ${MAX_BASE64_JSON} base64 characters in JSON)`, [field]);
  return Buffer.from(s, 'base64');
}

/** Keeps only safe attributes: href on links (not javascript:), nothing else. */
function safeAttributes(tag: string, attrs: string): string {
  if (tag !== 'a') return '';
  const href = /\bhref\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attrs);
  const url = href?.[2] ?? href?.[3];
  return url !== undefined && /^(https?:|mailto:)/i.test(url.trim()) ? ` href="${url}"` : '';
}

/** A note's HTML as Salesforce stores it, or NOTE_REFUSED for unescaped special characters in the text. */
export function sanitizeNoteHtml(html: string): string {
  const noBreaks = html.replace(/\r\n|\r|\n/g, '').replace(DROPPED_WITH_CONTENT, '');
  let out = '';
  let last = 0;
  const text = (t: string): string => {
    if (/[<>]/.test(t) || /&/.test(t.replace(ENTITY, ''))) throw new SfApiError(400, 'FIELD_INTEGRITY_EXCEPTION', NOTE_REFUSED, ['Content']);
    return t;
  };
  for (const m of noBreaks.matchAll(TAG)) {
    out += text(noBreaks.slice(last, m.index));
    last = m.index + m[0].length;
    const tag = (m[2] ?? '').toLowerCase();
    if (!NOTE_TAGS.has(tag)) continue;
    out += m[1] === '/' ? `</${tag}>` : `<${tag}${safeAttributes(tag, m[3] ?? '')}>`;
  }
  return out + text(noBreaks.slice(last));
}

function textPreview(html: string): string {
  const t = html.replace(/<\/(p|li|h\d)>|<br>/g, ' ').replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  return t.replace(/\s+/g, ' ').trim().slice(0, 255);
}

function fileTypeOf(ext: string): string {
  const e = ext.toLowerCase();
  return ({ txt: 'TEXT', snote: 'SNOTE', pdf: 'PDF', csv: 'CSV', html: 'HTML', htm: 'HTML', png: 'PNG', jpg: 'JPG', json: 'JSON' } as Record<string, string>)[e] ?? (e === '' ? 'UNKNOWN' : e.toUpperCase());
}

function fileFacts(data: Buffer, pathOnClient: string): SfRecord {
  const dot = pathOnClient.lastIndexOf('.');
  const ext = dot >= 0 ? pathOnClient.slice(dot + 1) : '';
  return { FileExtension: ext === '' ? null : ext.toLowerCase(), FileType: fileTypeOf(ext), ContentSize: data.length, Checksum: createHash('md5').update(data).digest('hex') };
}

/** The Content* rules of one org. */
export class ContentRules implements DmlRules {
  readonly #dml: Dml;

  constructor(dml: Dml) {
    this.#dml = dml;
  }

  #obj(name: string): ObjectDef {
    const o = this.#dml.schema.object(name);
    if (o === undefined) throw new Error(`content: no ${name} object`);
    return o;
  }

  #versionsOf(documentId: string): SfRecord[] {
    const cv = this.#obj('ContentVersion');
    const field = this.#dml.schema.field('ContentVersion', 'ContentDocumentId');
    return field === undefined ? [] : this.#dml.store.lookup(cv.name, field, [documentId]);
  }

  #links(documentId: string): SfRecord[] {
    const field = this.#dml.schema.field('ContentDocumentLink', 'ContentDocumentId');
    return field === undefined ? [] : this.#dml.store.lookup('ContentDocumentLink', field, [documentId]);
  }

  /** A link the platform makes itself (the owner's, FirstPublishLocationId's); an existing one is left alone. */
  #systemLink(documentId: string, entityId: string, shareType: 'I' | 'V', userId: string, visibility = 'AllUsers'): void {
    if (this.#links(documentId).some((l) => l.LinkedEntityId === entityId)) return;
    this.#dml.seed(this.#obj('ContentDocumentLink'), { ContentDocumentId: documentId, LinkedEntityId: entityId, ShareType: shareType, Visibility: visibility }, userId);
  }

  /** Marks `versionId` the document's latest: the other versions lose IsLatest, the document (and its note view) follow. */
  #publish(documentId: string, version: SfRecord): void {
    const { store } = this.#dml;
    for (const v of this.#versionsOf(documentId)) {
      if (v.Id !== version.Id && v.IsLatest === true) {
        store.willChange('ContentVersion', v);
        v.IsLatest = false;
        store.put('ContentVersion', v);
      }
    }
    const facts = { LatestPublishedVersionId: version.Id, Title: version.Title, FileType: version.FileType, FileExtension: version.FileExtension, ContentSize: version.ContentSize };
    for (const type of ['ContentDocument', 'ContentNote']) {
      const rec = this.#dml.schema.object(type) === undefined ? undefined : store.get(type, documentId);
      if (rec === undefined) continue;
      store.willChange(type, rec);
      Object.assign(rec, type === 'ContentNote' ? { ...facts, Content: version.VersionData, TextPreview: textPreview(decodeBase64('VersionData', version.VersionData).toString('utf8')) } : facts);
      store.put(type, rec);
    }
  }

  #newDocument(title: unknown, ownerId: unknown, ctx: DmlContext): string {
    return this.#dml.seed(this.#obj('ContentDocument'), { Title: title, OwnerId: typeof ownerId === 'string' ? ownerId : ctx.userId }, ctx.userId);
  }

  beforeInsert(obj: ObjectDef, values: SfRecord, ctx: DmlContext): string | undefined {
    switch (obj.name) {
      case 'ContentDocument':
        throw new SfApiError(400, 'INVALID_TYPE_FOR_OPERATION', 'entity type ContentDocument does not support insert');
      case 'ContentDocumentLink': {
        const dup = this.#links(String(values.ContentDocumentId)).find((l) => l.LinkedEntityId === values.LinkedEntityId);
        if (dup !== undefined) throw new SfApiError(400, 'DUPLICATE_VALUE', `duplicate value found: <unknown> duplicates value on record with id: ${String(dup.Id)}`);
        return undefined;
      }
      case 'ContentVersion': {
        const data = decodeBase64('VersionData', values.VersionData);
        Object.assign(values, fileFacts(data, String(values.PathOnClient)), { IsLatest: true, ContentLocation: values.ContentLocation ?? 'S' });
        if (typeof values.ContentDocumentId === 'string') {
          if (typeof values.FirstPublishLocationId === 'string') {
            throw new SfApiError(400, 'FIELD_INTEGRITY_EXCEPTION', 'FirstPublishLocationId can be set only on the first version of a document', ['FirstPublishLocationId']);
          }
          values.VersionNumber = String(this.#versionsOf(values.ContentDocumentId).length + 1);
        } else {
          values.VersionNumber = '1';
        }
        return undefined;
      }
      case 'ContentNote': {
        const html = sanitizeNoteHtml(values.Content === null || values.Content === undefined ? '' : decodeBase64('Content', values.Content).toString('utf8'));
        values.Content = Buffer.from(html, 'utf8').toString('base64');
        return this.#newDocument(values.Title, values.OwnerId, ctx);
      }
      default:
        return undefined;
    }
  }

  afterInsert(obj: ObjectDef, rec: SfRecord, ctx: DmlContext): void {
    if (obj.name === 'ContentVersion') {
      let documentId = typeof rec.ContentDocumentId === 'string' ? rec.ContentDocumentId : undefined;
      if (documentId === undefined) {
        documentId = this.#newDocument(rec.Title, rec.OwnerId, ctx);
        this.#dml.store.willChange('ContentVersion', rec);
        rec.ContentDocumentId = documentId;
        this.#dml.store.put('ContentVersion', rec);
        this.#systemLink(documentId, String(rec.OwnerId), 'I', ctx.userId);
        if (typeof rec.FirstPublishLocationId === 'string') this.#systemLink(documentId, rec.FirstPublishLocationId, 'I', ctx.userId, 'InternalUsers');
      }
      this.#publish(documentId, rec);
      return;
    }
    if (obj.name === 'ContentNote') {
      const documentId = String(rec.Id);
      this.#addNoteVersion(documentId, rec, '1', ctx);
      this.#systemLink(documentId, String(rec.OwnerId), 'I', ctx.userId);
    }
  }

  #addNoteVersion(documentId: string, note: SfRecord, number: string, ctx: DmlContext): void {
    const data = decodeBase64('Content', note.Content ?? '');
    const version = this.#dml.seed(this.#obj('ContentVersion'), {
      ContentDocumentId: documentId, Title: note.Title, PathOnClient: `${String(note.Title)}.snote`, VersionData: note.Content ?? '',
      ContentLocation: 'S', VersionNumber: number, IsLatest: true, OwnerId: note.OwnerId, ...fileFacts(data, 'note.snote'),
    }, ctx.userId);
    const rec = this.#dml.store.get('ContentVersion', version);
    if (rec !== undefined) this.#publish(documentId, rec);
  }

  beforeUpdate(obj: ObjectDef, _rec: SfRecord, changes: SfRecord): void {
    if (obj.name === 'ContentNote' && changes.Content !== undefined && changes.Content !== null) {
      changes.Content = Buffer.from(sanitizeNoteHtml(decodeBase64('Content', changes.Content).toString('utf8')), 'utf8').toString('base64');
    }
  }

  afterUpdate(obj: ObjectDef, rec: SfRecord, changes: SfRecord, ctx: DmlContext): void {
    if (obj.name !== 'ContentNote') return;
    const documentId = String(rec.Id);
    if (changes.Content !== undefined) {
      this.#addNoteVersion(documentId, rec, String(this.#versionsOf(documentId).length + 1), ctx);
    } else if (changes.Title !== undefined) {
      const doc = this.#dml.store.get('ContentDocument', documentId);
      if (doc !== undefined) {
        this.#dml.store.willChange('ContentDocument', doc);
        doc.Title = rec.Title;
        this.#dml.store.put('ContentDocument', doc);
      }
    }
  }
}

const LINK_FILTER = "Implementation restriction: ContentDocumentLink requires a filter by a single Id on ContentDocumentId or LinkedEntityId using the equals operator or multiple Id's using the IN operator.";

/** Salesforce refuses a ContentDocumentLink query without `ContentDocumentId` / `LinkedEntityId` `=` or `IN` at the top of its WHERE. */
export function checkContentDocumentLinkFilter(where: Condition | undefined): void {
  const idField = (path: string[]): boolean => path.length === 1 && ['contentdocumentid', 'linkedentityid'].includes((path[0] ?? '').toLowerCase());
  const byId = (c: Condition | undefined): boolean => {
    if (c === undefined) return false;
    switch (c.kind) {
      case 'and': return c.items.some(byId);
      case 'compare': return c.op === '=' && idField(c.field.path);
      case 'in': return !c.negate && idField(c.field.path);
      case 'or':
      case 'not':
      case 'includes':
        return false;
    }
  };
  if (!byId(where)) throw new SfApiError(400, 'MALFORMED_QUERY', LINK_FILTER);
}
