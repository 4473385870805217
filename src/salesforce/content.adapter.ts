import type { Connection } from 'jsforce';
import { Batcher } from '../lib/batcher.ts';
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

/**
 * Content sent as base64, encoded only when its request goes: a call waiting for a shared request holds its text,
 * not a copy a third larger (200 calls waiting on notes of ~40 KB hold 8 MB less).
 */
class Base64Of {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  /** The length of its base64 form. */
  get length(): number {
    return Math.ceil(Buffer.byteLength(this.text) / 3) * 4;
  }
}

interface SubRequest {
  readonly method: string;
  readonly url: string;
  readonly referenceId: string;
  readonly body?: Readonly<Record<string, unknown>>;
}

/** The node as Salesforce takes it: content in base64. */
const encoded = (node: SubRequest): SubRequest => node.body === undefined ? node
  : { ...node, body: Object.fromEntries(Object.entries(node.body).map(([k, v]) => [k, v instanceof Base64Of ? Buffer.from(v.text, 'utf8').toString('base64') : v])) };

/** One call's write: a graph of the payload, all or nothing on its own. */
interface Graph {
  readonly nodes: readonly SubRequest[];
  /** Its size in the request body (the base64 content dominates). */
  readonly bytes: number;
}

/** One graph's outcome of a shared request (the Batcher settles a batch as a whole, so failures travel as values). */
type Settled = { ok: SubResponse[] } | { err: unknown };

/** Composite Graph's limits: graphs and nodes in one payload. */
const MAX_GRAPHS = 75;
const MAX_NODES = 500;
/**
 * The most content one shared request carries: 2 MB of JSON, far inside what Salesforce takes in a request body
 * (37.5 MB of base64 for one file). About 40 ordinary transcripts (tens of KB each) share a request; a note larger
 * than this (up to 4 MiB of HTML) goes alone. With at most two requests in flight, the worker holds little of them.
 */
const MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;
const MAX_REQUESTS_IN_FLIGHT = 2;
/** A graph's size in a request body, near enough: its string values (the base64 content) plus the JSON around them. */
const graphBytes = (nodes: readonly SubRequest[]): number =>
  nodes.reduce((n, node) => n + node.url.length + 200 + Object.values(node.body ?? {}).reduce<number>((m, v) => m + (typeof v === 'string' || v instanceof Base64Of ? v.length : 0), 0), 0);
const graphWeight = (g: Graph): number => Math.max(1, Math.ceil((g.nodes.length * MAX_GRAPHS) / MAX_NODES), Math.ceil((g.bytes * MAX_GRAPHS) / MAX_PAYLOAD_BYTES));

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
const b64 = (s: string): Base64Of => new Base64Of(s);
/** A file name from a title (PathOnClient): no path separators or characters file systems refuse. */
const fileName = (title: string): string => `${title.replace(/[\\/:*?"<>|]+/g, ' ').replace(/\s+/g, ' ').trim()}.txt`;

/**
 * The call's transcript as Salesforce Files and Notes, through jsforce. Whether the org has Notes is read once from
 * describe (`/sobjects/ContentNote/describe`: 404 when Notes are off) and said once in a log; without them the
 * transcript is a text ContentVersion. Each call's write is one graph, all or nothing, so a document never exists
 * without its link to the call activity (what findForCall looks through); the graphs of calls written at the same
 * moment share one Composite Graph request (`/composite/graph`, up to 75 graphs), as the Tasks share collections:
 * - a note: POST ContentNote + one POST ContentDocumentLink per record (`@{note.id}`);
 * - a file: POST ContentVersion with FirstPublishLocationId = the call activity, GET its ContentDocumentId, POST the
 *   other links;
 * - a new version: PATCH ContentNote.Content, or POST ContentVersion with ContentDocumentId (+ any missing links).
 * A creation is not retried here: a request that may have been applied is the job's to retry, which looks first.
 */
export class SalesforceTranscriptFiles implements TranscriptFileStore {
  readonly #conn: Connection;
  readonly #logger: Logger;
  readonly #graphs: Batcher<Graph, Settled>;
  #notes: Promise<boolean> | undefined;

  constructor(conn: Connection, logger: Logger, opts: { readonly maxInFlight?: number; readonly lingerMs?: number } = {}) {
    this.#conn = conn;
    this.#logger = logger;
    this.#graphs = new Batcher((graphs: Graph[]) => this.#send(graphs), {
      maxWeight: MAX_GRAPHS, weight: graphWeight, maxInFlight: opts.maxInFlight ?? 1, maxFullInFlight: MAX_REQUESTS_IN_FLIGHT, lingerMs: opts.lingerMs ?? 2,
    });
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
      const res = await this.#write(subs);
      return this.#outcome(res, () => String((res[0]?.body as { id?: unknown } | undefined)?.id), 'note');
    }
    const subs = [
      { method: 'POST', url: this.#url('/sobjects/ContentVersion'), referenceId: 'file', body: { Title: file.title, PathOnClient: fileName(file.title), VersionData: b64(file.text()), FirstPublishLocationId: first, ReasonForChange: `RingSense insights ${file.version}` } },
      { method: 'GET', url: this.#url('/sobjects/ContentVersion/@{file.id}?fields=ContentDocumentId'), referenceId: 'doc' },
      ...others.map((id, i) => this.#link(`link${i}`, '@{doc.ContentDocumentId}', id)),
    ];
    const res = await this.#write(subs);
    return this.#outcome(res, () => String((res[1]?.body as { ContentDocumentId?: unknown } | undefined)?.ContentDocumentId), 'file');
  }

  async addVersion(doc: { readonly documentId: string; readonly kind: TranscriptFileKind }, file: TranscriptFile, linkTo: readonly string[]): Promise<TranscriptWrite> {
    const id = assertSalesforceId(doc.documentId);
    const version = doc.kind === 'note'
      ? { method: 'PATCH', url: this.#url(`/sobjects/ContentNote/${id}`), referenceId: 'version', body: { Content: b64(file.html) } }
      : { method: 'POST', url: this.#url('/sobjects/ContentVersion'), referenceId: 'version', body: { ContentDocumentId: id, Title: file.title, PathOnClient: fileName(file.title), VersionData: b64(file.text()), ReasonForChange: `RingSense insights ${file.version}` } };
    const res = await this.#write([version, ...linkTo.map(assertSalesforceId).map((x, i) => this.#link(`link${i}`, id, x))]);
    return this.#outcome(res, () => id, doc.kind);
  }

  #url(path: string): string {
    return `/services/data/v${this.#conn.version}${path}`;
  }

  #link(referenceId: string, documentId: string, entityId: string): SubRequest {
    return { method: 'POST', url: this.#url('/sobjects/ContentDocumentLink'), referenceId, body: { ContentDocumentId: documentId, LinkedEntityId: entityId, ...LINK } };
  }

  /** One call's nodes as a graph of the next shared request; its responses, in order. */
  async #write(nodes: SubRequest[]): Promise<SubResponse[]> {
    const settled = await this.#graphs.submit({ nodes, bytes: graphBytes(nodes) });
    if ('err' in settled) throw settled.err;
    return settled.ok;
  }

  async #send(graphs: Graph[]): Promise<Settled[]> {
    const body = { graphs: graphs.map((g, i) => ({ graphId: `g${i}`, compositeRequest: g.nodes.map(encoded) })) };
    let res: { graphs?: Array<{ graphId?: string; graphResponse?: { compositeResponse?: SubResponse[] } }> };
    try {
      res = await this.#conn.requestPost('/composite/graph', body, NO_TRANSPORT_RETRY);
    } catch (e) {
      // The request failed as a whole: every call in it retries (its job looks for the document first).
      const err = CrmError.from(e);
      return graphs.map(() => ({ err }));
    }
    const byId = new Map((res.graphs ?? []).map((g) => [g.graphId, g.graphResponse?.compositeResponse ?? []]));
    return graphs.map((_g, i) => ({ ok: byId.get(`g${i}`) ?? [] }));
  }

  /** The write's result: the failing subrequest's error (not the PROCESSING_HALTED of the others) decides retry or refusal. */
  #outcome(res: SubResponse[], documentId: () => string, kind: TranscriptFileKind): TranscriptWrite {
    const failed = res.filter((r) => r.httpStatusCode >= 400);
    if (failed.length === 0 && res.length > 0) return { ok: true, documentId: documentId(), kind };
    const errors = failed.flatMap((r) => (Array.isArray(r.body) ? (r.body as Array<{ errorCode?: string; message?: string; fields?: string[] }>) : []));
    const e = errors.find((x) => x.errorCode !== 'PROCESSING_HALTED') ?? errors[0];
    const code = e?.errorCode ?? 'NO_RESULT';
    const message = crmMessage(e?.message ?? 'Salesforce returned no result for the transcript');
    // Nothing of this call's own refused (a graph halted because others in the payload failed, or no answer for
    // it): not a refusal of the transcript, so the job retries it.
    const own = e !== undefined && code !== 'PROCESSING_HALTED';
    const failure: Failure = { kind: own ? classifyCode(code, message) : 'transient', code, message, ...(e?.fields?.length ? { fields: e.fields } : {}) };
    if (failure.kind === 'transient' || failure.kind === 'rate_limited' || failure.kind === 'auth') throw new CrmError(failure);
    return { ok: false, failure };
  }
}
