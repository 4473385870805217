import { asCall } from '../../support/fixtures.ts';
import { describe, expect, it } from 'vitest';
import type { RecordingInsights } from '../../../src/calls/recording-insights.ts';
import { sampleCalls } from '../../../src/demo/sample-calls.ts';
import { parseInsightsBody } from '../../../src/ringcentral/insights-event.schema.ts';
import { buildTranscriptFile, escapeHtml, syncTranscriptFile, TITLE_LIMIT, type CallWritten } from '../../../src/sync/transcript-file.ts';
import { speakerNamer } from '../../../src/sync/build-drafts.ts';
import { plainInsights } from '../../../src/sync/plain-insights.ts';
import { formatOffset } from '../../../src/sync/text.ts';
import type { TranscriptDocument, TranscriptFile, TranscriptFileKind, TranscriptFileStore, TranscriptWrite } from '../../../src/sync/transcript-file.port.ts';
import { FakeTranscriptFileLedger } from '../../fakes/fake-transcript-files.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';

const insightsOf = (): RecordingInsights => {
  const r = parseInsightsBody(sampleCalls()['inbound-highlights'].body, ACE_DOMAINS);
  if (!r.ok) throw new Error(r.error.message);
  return asCall(r.value);
};

/** A two-hour call: 2,000 utterances of two speakers, 3.6 s apart. */
function twoHourCall(base = insightsOf()): RecordingInsights {
  const [a, b] = base.speakerInfo;
  const Transcript = Array.from({ length: 2000 }, (_, i) => ({
    speakerId: (i % 2 === 0 ? a : b)!.speakerId, start: i * 3.6, end: i * 3.6 + 3,
    text: `Line ${i}: we reviewed the rollout plan for site ${i % 17}, the pricing for year two and the support hours.`,
  }));
  return { ...base, recordingDurationMs: 2 * 3600 * 1000, insights: { ...base.insights, Transcript } };
}

describe('buildTranscriptFile', () => {
  it('titles it after the call with the marker, and writes one <p> per utterance with [mm:ss] and the speaker', () => {
    const ins = insightsOf();
    const f = buildTranscriptFile(ins);
    expect(f.title).toBe(`Transcript: ${ins.title} [RingSense ${ins.sourceRecordId}]`);
    expect(f.marker).toBe(`[RingSense ${ins.sourceRecordId}]`);
    const u = ins.insights.Transcript[0]!;
    const speaker = ins.speakerInfo.find((s) => s.speakerId === u.speakerId)!.name!;
    expect(f.html).toContain(`<p>[00:${String(Math.floor(u.start)).padStart(2, '0')}] <b>${escapeHtml(speaker)}:</b> ${escapeHtml(u.text.trim())}</p>`);
    expect(f.html).not.toMatch(/\n/);
    expect(f.text().split('\n')).toContain(`[00:${String(Math.floor(u.start)).padStart(2, '0')}] ${speaker}: ${u.text.trim()}`);
    expect(f.lines).toBe(ins.insights.Transcript.length);
    expect(f.version).toBe(ins.lastModifiedTime);
  });

  it('escapes every text (names, utterances, title) and keeps payload line breaks out', () => {
    const ins = insightsOf();
    const [s0] = ins.speakerInfo;
    const f = buildTranscriptFile({
      ...ins, title: 'Q&A <b>pricing</b>',
      speakerInfo: [{ ...s0!, name: 'Ana "A&B" <script>' }, ...ins.speakerInfo.slice(1)],
      insights: { ...ins.insights, Transcript: [{ speakerId: s0!.speakerId, start: 3725, end: 3730, text: 'x < y & z > w\nINJECTED' }] },
    });
    expect(f.html).toContain('<p><b>Transcript: Q&amp;A &lt;b&gt;pricing&lt;/b&gt;');
    expect(f.html).toContain('<p>[1:02:05] <b>Ana &quot;A&amp;B&quot; &lt;script&gt;:</b> x &lt; y &amp; z &gt; w INJECTED</p>');
    // Only the markup the builder wrote: no text outside tags holds < > or a bare &.
    const text = f.html.replace(/<\/?(p|b|i)>/g, '');
    expect(text).not.toMatch(/[<>]/);
    expect(text.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
  });

  it('holds a two-hour call whole (2,000 utterances, about 250 KB) with a title within 255 characters', () => {
    const f = buildTranscriptFile({ ...twoHourCall(), title: 'x'.repeat(400) });
    expect(f.lines).toBe(2000);
    expect(f.cut).toBe(false);
    expect(Buffer.byteLength(f.html)).toBeGreaterThan(200_000);
    expect(Buffer.byteLength(f.html)).toBeLessThan(400_000);
    expect(f.html).toContain('[1:59:56]');
    expect(f.title.length).toBeLessThanOrEqual(TITLE_LIMIT);
    expect(f.title.endsWith(f.marker)).toBe(true);
  });

  it('cuts at an utterance past the size limit and says so', () => {
    const f = buildTranscriptFile(twoHourCall(), 20_000);
    expect(f.cut).toBe(true);
    expect(Buffer.byteLength(f.html)).toBeLessThanOrEqual(20_000);
    expect(f.html).toMatch(/Transcript cut after \d+ of 2000 lines/);
  });
  it('the text file (Notes off) has the same lines as the note: title, facts, one per utterance, the cut', () => {
    // The text as made from the utterances themselves.
    const expected = (received: RecordingInsights, f: ReturnType<typeof buildTranscriptFile>): string => {
      const ins = plainInsights(received);
      const name = speakerNamer(ins);
      const facts = [ins.recordingStartTime, formatOffset(ins.recordingDurationMs / 1000), ins.callDirection].filter(Boolean).join(' · ');
      const lines = ins.insights.Transcript.slice(0, f.lines).map((u) => `[${formatOffset(u.start)}] ${name(u.speakerId)}: ${u.text.trim()}`);
      const note = f.cut ? ['', `Transcript cut after ${f.lines} of ${ins.insights.Transcript.length} lines: the rest is in RingSense${ins.rsRecordUri ? ` (${ins.rsRecordUri})` : ''}.`] : [];
      return `${[f.title, facts, '', ...lines, ...note].join('\n')}\n`;
    };
    const ins = insightsOf();
    const [s0, s1] = ins.speakerInfo;
    const tricky: RecordingInsights = {
      ...ins, title: 'Q&A <b>pricing</b> &amp; "terms"',
      speakerInfo: [{ ...s0!, name: 'Ana "A&B" <b>x:</b> </p><p>' }, { ...s1!, name: '' }, ...ins.speakerInfo.slice(2)],
      insights: { ...ins.insights, Transcript: [
        { speakerId: s0!.speakerId, start: 3725, end: 3730, text: ' x < y & z > w\nINJECTED :</b> </p><p><i>it&#39;s ' },
        { speakerId: s1!.speakerId, start: 1, end: 2, text: '' },
        { speakerId: 'nobody', start: 2, end: 3, text: 'Zoë “quoted” 😀 &lt;' },
      ] },
    };
    for (const [received, limit] of [[insightsOf(), undefined], [tricky, undefined], [twoHourCall(), 20_000], [{ ...twoHourCall(), rsRecordUri: 'https://ringsense.example/r/1?a=1&b=<2>' }, 5_000]] as const) {
      const f = buildTranscriptFile(received, limit);
      expect(f.text()).toBe(expected(received, f));
    }
  });
});

/** A TranscriptFileStore in memory: documents with versions and links. */
class FakeFiles implements TranscriptFileStore {
  readonly docs = new Map<string, { kind: TranscriptFileKind; title: string; versions: string[]; links: string[] }>();
  finds = 0;
  refuse = false;
  findForCall(callTaskId: string, marker: string): Promise<TranscriptDocument | undefined> {
    this.finds++;
    for (const [id, d] of this.docs) if (d.links.includes(callTaskId) && d.title.includes(marker)) return Promise.resolve({ documentId: id, kind: d.kind, linkedIds: d.links });
    return Promise.resolve(undefined);
  }
  create(file: TranscriptFile, linkTo: readonly string[]): Promise<TranscriptWrite> {
    if (this.refuse) return Promise.resolve({ ok: false, failure: { kind: 'permanent', code: 'FIELD_INTEGRITY_EXCEPTION', message: 'no' } });
    const id = `069${String(this.docs.size).padStart(15, '0')}`;
    this.docs.set(id, { kind: 'note', title: file.title, versions: [file.version], links: [...linkTo] });
    return Promise.resolve({ ok: true, documentId: id, kind: 'note' });
  }
  addVersion(doc: { documentId: string }, file: TranscriptFile, linkTo: readonly string[]): Promise<TranscriptWrite> {
    const d = this.docs.get(doc.documentId)!;
    d.versions.push(file.version);
    d.links.push(...linkTo);
    return Promise.resolve({ ok: true, documentId: doc.documentId, kind: d.kind });
  }
}

describe('syncTranscriptFile', () => {
  const TASK = '00T000000000001AAA';
  const WHO = '003000000000001AAA';
  const OPP = '006000000000001AAA';
  const v1 = { ...insightsOf(), lastModifiedTime: '2024-09-20T10:00:00.000Z' };
  const v2 = { ...v1, lastModifiedTime: '2024-09-20T12:00:00.000Z' };
  const written = (call: CallWritten['call']): CallWritten => ({ callTaskId: TASK, call, whoId: WHO, whatId: OPP });

  it('creates one document linked to the Task, the contact and the opportunity; a replay writes nothing; a newer version adds a version', async () => {
    const files = new FakeFiles();
    const ledger = new FakeTranscriptFileLedger();
    expect(await syncTranscriptFile(v1, written('created'), { files, ledger })).toMatchObject({ outcome: 'created', kind: 'note' });
    expect(files.finds).toBe(0); // a Task created just now has no files
    expect([...files.docs.values()][0]!.links).toEqual([TASK, WHO, OPP]);
    expect(await syncTranscriptFile(v1, written('unchanged'), { files, ledger })).toMatchObject({ outcome: 'kept', reason: 'same_version' });
    expect(await syncTranscriptFile(v2, written('updated'), { files, ledger })).toMatchObject({ outcome: 'versioned' });
    expect(await syncTranscriptFile(v1, written('unchanged'), { files, ledger })).toMatchObject({ outcome: 'kept', reason: 'older_version' });
    expect(files.docs.size).toBe(1);
    expect([...files.docs.values()][0]!.versions).toEqual([v1.lastModifiedTime, v2.lastModifiedTime]);
  });

  it('without the ledger (Redis lost, a crash before the record) finds the document through the Task: never a second one', async () => {
    const files = new FakeFiles();
    await syncTranscriptFile(v1, written('created'), { files, ledger: new FakeTranscriptFileLedger() });
    // The same version again: found, left alone.
    expect(await syncTranscriptFile(v1, written('unchanged'), { files, ledger: new FakeTranscriptFileLedger() })).toMatchObject({ outcome: 'kept', reason: 'found_unchanged_call' });
    // A newer version the Task took now: found, a version added, and the missing link too.
    files.docs.values().next().value!.links.splice(1); // only the Task link left
    const ledger = new FakeTranscriptFileLedger();
    expect(await syncTranscriptFile(v2, written('updated'), { files, ledger })).toMatchObject({ outcome: 'versioned' });
    expect(files.docs.size).toBe(1);
    expect([...files.docs.values()][0]!.links).toEqual([TASK, WHO, OPP]);
    expect(ledger.entries.get(v2.sourceRecordId)?.version).toBe(v2.lastModifiedTime);
  });

  it('a lead and no opportunity: links the Task and the lead; a refusal is an outcome; no transcript writes nothing', async () => {
    const files = new FakeFiles();
    const ledger = new FakeTranscriptFileLedger();
    await syncTranscriptFile(v1, { callTaskId: TASK, call: 'created', whoId: '00Q000000000001AAA', whatId: '001000000000001AAA' }, { files, ledger });
    expect([...files.docs.values()][0]!.links).toEqual([TASK, '00Q000000000001AAA']);
    const refusing = new FakeFiles();
    refusing.refuse = true;
    expect(await syncTranscriptFile(v1, written('created'), { files: refusing, ledger: new FakeTranscriptFileLedger() })).toMatchObject({ outcome: 'refused', failure: { code: 'FIELD_INTEGRITY_EXCEPTION' } });
    expect(await syncTranscriptFile({ ...v1, insights: { ...v1.insights, Transcript: [] } }, written('created'), { files, ledger })).toEqual({ outcome: 'kept', reason: 'no_transcript' });
  });
});
