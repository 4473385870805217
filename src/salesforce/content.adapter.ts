import type { Connection } from 'jsforce';
import type { Logger } from '../lib/logger.ts';
import type { Failure } from '../lib/service-error.ts';
import type { TranscriptDocument, TranscriptFile, TranscriptFileKind, TranscriptFileStore, TranscriptWrite } from '../sync/transcript-file.port.ts';
import { classifyCode, crmMessage, CrmError } from './classify-error.ts';
import { soqlQuery, withRetry } from './rest.ts';
import { assertSalesforceId, soqlString } from './soql.ts';

interface SubResponse {
  body: unknown;
  httpStatusCode: number;
  referenceId: string;
}

interface LinkRow {
  ContentDocumentId: string;
  LinkedEntityId?: string;
  ContentDocument?: { Title?: string | null; FileType?: string | null } | null;
}

const NO_TRANSPORT_RETRY = { retry: { maxRetries: 0 } };
/**
 * A link from the transcript to a record: access inferred from the record's (ShareType I, as a file attached in the
 * UI), and only for the org's own users (a call transcript is not for Experience Cloud users who can see a contact).
 */
const LINK = { ShareType: 'I', Visibility: 'InternalUsers' } as const;
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
/** A file name from a title (PathOnClient): no path separators or characters file systems refuse. */
const fileName = (title: string): string => `${title.replace(/[\\/:*?"<>|]+/g, ' ').replace(/\s+/g, ' ').trim()}.txt`;

/**
 * The call's transcript as Salesforce Files and Notes, through jsforce. Whether the org has Notes is read once from
 * describe (`/sobjects/ContentNote/describe`: 404 when Notes are off) and said once in a log; without them the
 * transcript is a text ContentVersion. Each write is one composite request, all or nothing, so a document never
 * exists without its link to the call activity (what findForCall looks through):
 * - a note: POST ContentNote + one POST ContentDocumentLink per record (`@{note.id}`);
 * - a file: POST ContentVersion with FirstPublishLocationId = the call activity, GET its ContentDocumentId, POST the
 *   other links;
 * - a new version: PATCH ContentNote.Content, or POST ContentVersion with ContentDocumentId (+ any missing links).
 * A creation is not retried here: a request that may have been applied is the job's to retry, which looks first.
 */
export class SalesforceTranscriptFiles implements TranscriptFileStore {
  readonly #conn: Connection;
  readonly #logger: Logger;
  #notes: Promise<boolean> | undefined;

  constructor(conn: Connection, logger: Logger) {
    this.#conn = conn;
    this.#logger = logger;
  }

  /** Whether the org has Notes (ContentNote), asked once per process. */
  notesEnabled(): Promise<boolean> {
    this.#notes ??= withRetry(() => Promise.resolve(this.#conn.request({ method: 'GET', url: '/sobjects/ContentNote/describe' }, NO_TRANSPORT_RETRY)))
      .then(() => true)
      .catch((e: unknown) => {
        if (!(e instanceof CrmError) || !['NOT_FOUND', 'INVALID_TYPE', 'ERROR_HTTP_404'].includes(e.failure.code)) {
          this.#notes = undefined; // asked again next time
          throw e;
        }
        this.#logger.warn('transcript_notes_unavailable', { hint: 'Notes (ContentNote) are off in this Salesforce org: call transcripts are attached as text files (ContentVersion) instead. Turn on Notes in Setup to get them as notes.' });
        return false;
      });
    return this.#notes;
  }

  async findForCall(callTaskId: string, marker: string): Promise<TranscriptDocument | undefined> {
    const task = assertSalesforceId(callTaskId);
    const rows = (await withRetry(() => soqlQuery<LinkRow>(this.#conn, `SELECT ContentDocumentId, ContentDocument.Title, ContentDocument.FileType FROM ContentDocumentLink WHERE LinkedEntityId = ${soqlString(task)}`))).records;
    const hit = rows.find((r) => (r.ContentDocument?.Title ?? '').includes(marker));
    if (!hit) return undefined;
    const doc = assertSalesforceId(hit.ContentDocumentId);
    const links = (await withRetry(() => soqlQuery<LinkRow>(this.#conn, `SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = ${soqlString(doc)}`))).records;
    const kind: TranscriptFileKind = hit.ContentDocument?.FileType === 'SNOTE' ? 'note' : 'file';
    return { documentId: doc, kind, linkedIds: links.map((l) => l.LinkedEntityId ?? '').filter((x) => x !== '') };
  }

  async create(file: TranscriptFile, linkTo: readonly string[]): Promise<TranscriptWrite> {
    const [first, ...others] = linkTo.map(assertSalesforceId);
    if (!first) throw new Error('a transcript is linked to its call activity at least');
    if (await this.notesEnabled()) {
      const subs = [
        { method: 'POST', url: this.#url('/sobjects/ContentNote'), referenceId: 'note', body: { Title: file.title, Content: b64(file.html) } },
        ...[first, ...others].map((id, i) => this.#link(`link${i}`, '@{note.id}', id)),
      ];
      const res = await this.#composite(subs);
      return this.#outcome(res, () => String((res[0]?.body as { id?: unknown } | undefined)?.id), 'note');
    }
    const subs = [
      { method: 'POST', url: this.#url('/sobjects/ContentVersion'), referenceId: 'file', body: { Title: file.title, PathOnClient: fileName(file.title), VersionData: b64(file.text), FirstPublishLocationId: first, ReasonForChange: `RingSense insights ${file.version}` } },
      { method: 'GET', url: this.#url('/sobjects/ContentVersion/@{file.id}?fields=ContentDocumentId'), referenceId: 'doc' },
      ...others.map((id, i) => this.#link(`link${i}`, '@{doc.ContentDocumentId}', id)),
    ];
    const res = await this.#composite(subs);
    return this.#outcome(res, () => String((res[1]?.body as { ContentDocumentId?: unknown } | undefined)?.ContentDocumentId), 'file');
  }

  async addVersion(doc: { readonly documentId: string; readonly kind: TranscriptFileKind }, file: TranscriptFile, linkTo: readonly string[]): Promise<TranscriptWrite> {
    const id = assertSalesforceId(doc.documentId);
    const version = doc.kind === 'note'
      ? { method: 'PATCH', url: this.#url(`/sobjects/ContentNote/${id}`), referenceId: 'version', body: { Content: b64(file.html) } }
      : { method: 'POST', url: this.#url('/sobjects/ContentVersion'), referenceId: 'version', body: { ContentDocumentId: id, Title: file.title, PathOnClient: fileName(file.title), VersionData: b64(file.text), ReasonForChange: `RingSense insights ${file.version}` } };
    const res = await this.#composite([version, ...linkTo.map(assertSalesforceId).map((x, i) => this.#link(`link${i}`, id, x))]);
    return this.#outcome(res, () => id, doc.kind);
  }

  #url(path: string): string {
    return `/services/data/v${this.#conn.version}${path}`;
  }

  #link(referenceId: string, documentId: string, entityId: string) {
    return { method: 'POST', url: this.#url('/sobjects/ContentDocumentLink'), referenceId, body: { ContentDocumentId: documentId, LinkedEntityId: entityId, ...LINK } };
  }

  async #composite(compositeRequest: unknown[]): Promise<SubResponse[]> {
    try {
      const res = await this.#conn.requestPost<{ compositeResponse?: SubResponse[] }>('/composite', { allOrNone: true, compositeRequest }, NO_TRANSPORT_RETRY);
      return res.compositeResponse ?? [];
    } catch (e) {
      throw CrmError.from(e);
    }
  }

  /** The write's result: the failing subrequest's error (not the PROCESSING_HALTED of the others) decides retry or refusal. */
  #outcome(res: SubResponse[], documentId: () => string, kind: TranscriptFileKind): TranscriptWrite {
    const failed = res.filter((r) => r.httpStatusCode >= 400);
    if (failed.length === 0 && res.length > 0) return { ok: true, documentId: documentId(), kind };
    const errors = failed.flatMap((r) => (Array.isArray(r.body) ? (r.body as Array<{ errorCode?: string; message?: string; fields?: string[] }>) : []));
    const e = errors.find((x) => x.errorCode !== 'PROCESSING_HALTED') ?? errors[0];
    const code = e?.errorCode ?? 'NO_RESULT';
    const message = crmMessage(e?.message ?? 'Salesforce returned no result for the transcript');
    const failure: Failure = { kind: classifyCode(code, message), code, message, ...(e?.fields?.length ? { fields: e.fields } : {}) };
    if (failure.kind === 'transient' || failure.kind === 'rate_limited' || failure.kind === 'auth') throw new CrmError(failure);
    return { ok: false, failure };
  }
}
