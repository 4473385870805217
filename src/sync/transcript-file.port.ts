import type { Failure } from '../lib/service-error.ts';

/** How the org keeps the transcript: a note (ContentNote) or, with Notes off, a text file (ContentVersion). */
export type TranscriptFileKind = 'note' | 'file';

/** One version of a call's transcript document, in both shapes: the store picks the one the org takes. */
export interface TranscriptFile {
  /** The document's title: after the call, ending in `marker`. */
  readonly title: string;
  /** What finds the document again among the call activity's files: `[RingSense <sourceRecordId>]`. */
  readonly marker: string;
  /** The note's content: HTML, every text escaped, one `<p>` per line. */
  readonly html: string;
  /** The text file's content (Notes off): one line per utterance. A function: the store asks for it only with Notes off. */
  readonly text: () => string;
  /** The insights version (lastModifiedTime) this transcript comes from. */
  readonly version: string;
}

/** A call's transcript document as Salesforce has it. */
export interface TranscriptDocument {
  readonly documentId: string;
  readonly kind: TranscriptFileKind;
  /** The records it is linked to (ContentDocumentLink.LinkedEntityId), 18-character ids. */
  readonly linkedIds: readonly string[];
}

export type TranscriptWrite = { readonly ok: true; readonly documentId: string; readonly kind: TranscriptFileKind } | { readonly ok: false; readonly failure: Failure };

/**
 * Salesforce Files and Notes, for the call's transcript: what the core (sync/transcript-file.ts) needs and nothing it
 * decides. A document and its links are written all or nothing, so a document of a call is always linked to its call
 * activity. Throws ServiceError when a request fails as a whole (the job retries); a refusal is an outcome.
 * Deliberately not here: when to write and which version (the core's), SOQL, composite, jsforce (the adapter's).
 */
export interface TranscriptFileStore {
  /** The call's transcript: a document linked to the call activity whose title holds `marker`. */
  findForCall(callTaskId: string, marker: string): Promise<TranscriptDocument | undefined>;
  /** A new document (a note, or a text file when Notes are off in the org), linked to every id of `linkTo`. */
  create(file: TranscriptFile, linkTo: readonly string[]): Promise<TranscriptWrite>;
  /** The next version of the document, and links to `linkTo` (ids it is not linked to yet). */
  addVersion(doc: { readonly documentId: string; readonly kind: TranscriptFileKind }, file: TranscriptFile, linkTo: readonly string[]): Promise<TranscriptWrite>;
}

/** What the sync wrote for a call: its document and the insights version the latest version holds. */
export interface TranscriptFileEntry {
  readonly documentId: string;
  readonly kind: TranscriptFileKind;
  readonly version: string;
}

/**
 * Where the sync remembers each call's transcript document (saves looking it up). Salesforce stays the truth: with
 * no entry the document is looked for through the call activity's links before one is created.
 */
export interface TranscriptFileLedger {
  read(sourceRecordId: string): Promise<TranscriptFileEntry | undefined>;
  record(sourceRecordId: string, entry: TranscriptFileEntry): Promise<void>;
}
