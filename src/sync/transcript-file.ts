import type { RecordingInsights } from '../calls/recording-insights.ts';
import { ServiceError, type Failure } from '../lib/service-error.ts';
import { speakerNamer } from './build-drafts.ts';
import { isOpportunityId } from './opportunity-next-step.ts';
import { plainInsights } from './plain-insights.ts';
import { cutOnWord, formatOffset } from './text.ts';
import type { TranscriptFile, TranscriptFileKind, TranscriptFileLedger, TranscriptFileStore } from './transcript-file.port.ts';
import { compareVersions } from './version.ts';

/** A document's title (ContentDocument.Title, ContentNote.Title): 255 characters. */
export const TITLE_LIMIT = 255;
/**
 * The most HTML a transcript note holds (UTF-8 bytes): 4 MiB, 5.6 MB as base64, well inside the REST API's 37.5 MB
 * for a file in a JSON body. A two-hour call (about 2,000 utterances) is about 250 KB; a longer transcript is cut at
 * an utterance, with a closing line that says so. Never a reason to fail a call.
 */
export const TRANSCRIPT_FILE_LIMIT_BYTES = 4 * 1024 * 1024;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text for a note's HTML: Salesforce refuses a bare `&`, `<` or `>`. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

export const transcriptMarker = (sourceRecordId: string): string => `[RingSense ${sourceRecordId}]`;

function titleOf(insights: RecordingInsights, marker: string): string {
  const call = insights.title.trim() || `${insights.callDirection ?? 'Recorded'} call`;
  const head = 'Transcript: ';
  return `${head}${cutOnWord(call, TITLE_LIMIT - head.length - marker.length - 1)} ${marker}`;
}

/**
 * The call's transcript as a document (pure): the title after the call, a line of call facts, then one line per
 * utterance, `[mm:ss] Name: text`, in the note's HTML (`<p>` per line, every text escaped) and as plain text (made
 * only when asked: an org with Notes never needs it). All text comes through plainInsights (single lines, no
 * controls). Cut at an utterance past TRANSCRIPT_FILE_LIMIT_BYTES of HTML.
 */
export function buildTranscriptFile(received: RecordingInsights, limitBytes = TRANSCRIPT_FILE_LIMIT_BYTES): TranscriptFile & { readonly lines: number; readonly cut: boolean } {
  const insights = plainInsights(received);
  const name = speakerNamer(insights);
  const marker = transcriptMarker(insights.sourceRecordId);
  const title = titleOf(insights, marker);
  const facts = [insights.recordingStartTime, formatOffset(insights.recordingDurationMs / 1000), insights.callDirection].filter((x): x is string => !!x).join(' · ');
  const html: string[] = [`<p><b>${escapeHtml(title)}</b></p>`, `<p>${escapeHtml(facts)}</p>`];
  let bytes = html.reduce((n, l) => n + Buffer.byteLength(l), 0);
  const all = insights.insights.Transcript;
  const said = (u: (typeof all)[number]) => ({ at: `[${formatOffset(u.start)}]`, who: name(u.speakerId), text: u.text.trim() });
  let lines = 0;
  for (const u of all) {
    const { at, who, text } = said(u);
    const line = `<p>${at} <b>${escapeHtml(who)}:</b> ${escapeHtml(text)}</p>`;
    const size = Buffer.byteLength(line);
    if (bytes + size > limitBytes - 200) break; // room for the closing line
    bytes += size;
    html.push(line);
    lines++;
  }
  const cut = lines < all.length;
  const note = cut ? `Transcript cut after ${lines} of ${all.length} lines: the rest is in RingSense${insights.rsRecordUri ? ` (${insights.rsRecordUri})` : ''}.` : undefined;
  if (note) html.push(`<p><i>${escapeHtml(note)}</i></p>`);
  // Made now as a string, not later from the utterances: a document waiting for its request holds its HTML and its
  // text (some tens of KB), not the transcript's objects (about twice that).
  const text = `${[title, facts, '', ...all.slice(0, lines).map((u) => {
    const s = said(u);
    return `${s.at} ${s.who}: ${s.text}`;
  }), ...(note ? ['', note] : [])].join('\n')}\n`;
  return { title, marker, html: html.join(''), text: () => text, version: insights.lastModifiedTime, lines, cut };
}

export type TranscriptFileOutcome =
  | { readonly outcome: 'created'; readonly documentId: string; readonly kind: TranscriptFileKind; readonly cut: boolean }
  | { readonly outcome: 'versioned'; readonly documentId: string; readonly kind: TranscriptFileKind; readonly cut: boolean }
  | { readonly outcome: 'kept'; readonly reason: 'no_transcript' | 'same_version' | 'older_version' | 'found_unchanged_call'; readonly documentId?: string }
  | { readonly outcome: 'refused'; readonly failure: Failure };

export interface TranscriptFileDeps {
  readonly files: TranscriptFileStore;
  readonly ledger: TranscriptFileLedger;
}

export interface CallWritten {
  readonly callTaskId: string;
  /** What writeCall did to the call activity this time. */
  readonly call: 'created' | 'updated' | 'unchanged';
  /** The contact or lead (WhoId), and WhatId: linked when it is an opportunity. */
  readonly whoId?: string | undefined;
  readonly whatId?: string | undefined;
}

/**
 * The call's transcript document after its activity is written: exactly one per call, a new version for a newer
 * insights version, never an older one over a newer.
 * - The ledger knows the document: a newer version adds a version; the same or an older one writes nothing.
 * - No entry (first time, a lost Redis, a crash between the write and the record): a call activity created just now
 *   has no files; otherwise the document is looked for through the activity's links (Salesforce is the truth), and
 *   created only when none is found. Found, it gets this version when the activity took this version now; when the
 *   activity already had it (or a newer one) the document is left as it is.
 * A refusal is an outcome (the call stays written); a failed request throws (the job retries; the Task writes are
 * idempotent and the document is then found).
 */
export function syncTranscriptFile(insights: RecordingInsights, written: CallWritten, deps: TranscriptFileDeps): Promise<TranscriptFileOutcome> {
  // The document is made before anything waits, and the insights are not held after that: a call waiting for the
  // ledger or for its shared request holds its note's HTML, not its transcript (about twice that as objects).
  let file: ReturnType<typeof buildTranscriptFile> | undefined;
  try {
    file = insights.insights.Transcript.length === 0 ? undefined : buildTranscriptFile(insights);
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  return refusalAsOutcome(file ? writeTranscriptFile(insights.sourceRecordId, file, written, deps) : Promise.resolve({ outcome: 'kept', reason: 'no_transcript' }));
}

async function refusalAsOutcome(writing: Promise<TranscriptFileOutcome>): Promise<TranscriptFileOutcome> {
  try {
    return await writing;
  } catch (e) {
    // A request Salesforce refused as a whole (not a passing failure): the call stays written, the refusal is a warning.
    if (e instanceof ServiceError && (e.failure.kind === 'permanent' || e.failure.kind === 'stale_reference')) return { outcome: 'refused', failure: e.failure };
    throw e;
  }
}

async function writeTranscriptFile(id: string, file: ReturnType<typeof buildTranscriptFile>, written: CallWritten, deps: TranscriptFileDeps): Promise<TranscriptFileOutcome> {
  const links = [...new Set([written.callTaskId, written.whoId, isOpportunityId(written.whatId) ? written.whatId : undefined].filter((x): x is string => !!x))];
  const entry = await deps.ledger.read(id);
  if (entry) {
    const order = compareVersions(file.version, entry.version);
    if (order <= 0) return { outcome: 'kept', reason: order === 0 ? 'same_version' : 'older_version', documentId: entry.documentId };
    const r = await deps.files.addVersion(entry, file, []);
    if (!r.ok) return { outcome: 'refused', failure: r.failure };
    await deps.ledger.record(id, { documentId: r.documentId, kind: r.kind, version: file.version });
    return { outcome: 'versioned', documentId: r.documentId, kind: r.kind, cut: file.cut };
  }
  const found = written.call === 'created' ? undefined : await deps.files.findForCall(written.callTaskId, file.marker);
  if (!found) {
    const r = await deps.files.create(file, links);
    if (!r.ok) return { outcome: 'refused', failure: r.failure };
    await deps.ledger.record(id, { documentId: r.documentId, kind: r.kind, version: file.version });
    return { outcome: 'created', documentId: r.documentId, kind: r.kind, cut: file.cut };
  }
  // Not recorded: the version the document holds is not known (the next newer version looks again).
  if (written.call === 'unchanged') return { outcome: 'kept', reason: 'found_unchanged_call', documentId: found.documentId };
  const linked = new Set(found.linkedIds.map((x) => x.slice(0, 15)));
  const r = await deps.files.addVersion(found, file, links.filter((x) => !linked.has(x.slice(0, 15))));
  if (!r.ok) return { outcome: 'refused', failure: r.failure };
  await deps.ledger.record(id, { documentId: r.documentId, kind: r.kind, version: file.version });
  return { outcome: 'versioned', documentId: r.documentId, kind: r.kind, cut: file.cut };
}
