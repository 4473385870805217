/** The whole transcript as a Salesforce note (mapping activity.transcriptFile), through the simulators, jsforce and real Redis. */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DEMO_IDS, DEMO_MAPPING_YAML, demoRingCentralSeed, demoSalesforceSeed } from '../../src/demo/demo-seed.ts';
import type { SimRecording } from '../../src/simulators/ringcentral/state.ts';
import { publish, replay } from '../support/recorded-calls.ts';
import { startPipeline, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

const MAPPING = DEMO_MAPPING_YAML.replace('activity:\n', 'activity:\n  transcriptFile: true\n');
const FAST_RETRY = { backoff: { baseMs: 100, maxMs: 400 } };
const VERSION_1 = '2024-09-20T10:00:00.000Z';
const VERSION_2 = '2024-09-20T12:00:00.000Z';

/** Sean O'Brien's call with Maria (Northwind, an open opportunity) lasting two hours: 2,000 utterances. */
function twoHourCall(version = VERSION_1, lastLine = 'Thanks, talk next week & bye <3'): SimRecording {
  const [rec] = demoRingCentralSeed(['inbound-highlights']).recordings ?? [];
  if (!rec) throw new Error('no inbound-highlights sample');
  const insights = structuredClone(rec.insights) as Record<string, unknown> & { speakerInfo: Array<{ speakerId: string }>; insights: Record<string, unknown> };
  const [a, b] = insights.speakerInfo;
  const Transcript = Array.from({ length: 2000 }, (_, i) => ({
    speakerId: (i % 2 === 0 ? a : b)!.speakerId, start: i * 3.6, end: i * 3.6 + 3,
    text: i === 1999 ? lastLine : `Line ${i}: the rollout plan for site ${i % 17}, pricing for year two and the support hours.`,
  }));
  return { ...rec, insights: { ...insights, sourceRecordId: '2728085990001', sourceSessionId: 's-transcript-1', recordingDurationMs: 7_200_000, lastModifiedTime: version, insights: { ...insights.insights, Transcript } } };
}


const callTask = (pl: Pipeline) => pl.tasks().find((t) => t.CallObject === 'ringsense:2728085990001');
const links = (pl: Pipeline, doc: unknown) => pl.sims.sf.records('ContentDocumentLink').filter((l) => l.ContentDocumentId === doc).map((l) => l.LinkedEntityId).sort();
const latestContent = (pl: Pipeline, doc: unknown) => {
  const v = pl.sims.sf.records('ContentVersion').find((x) => x.ContentDocumentId === doc && x.IsLatest === true);
  return Buffer.from(String(v?.VersionData), 'base64').toString('utf8');
};

describe('transcript note (activity.transcriptFile)', () => {
  it("a two-hour call's transcript is one note linked to the Task, the contact and the opportunity; still one after a retry and replays; a newer version adds a version", async () => {
    p = await startPipeline({ mappingYaml: MAPPING, service: FAST_RETRY, sims: { seed: { ringcentral: demoRingCentralSeed([]), salesforce: demoSalesforceSeed() } } });
    // The note's creation fails once (Salesforce unavailable): the job is retried, its Task writes are idempotent.
    p.sims.sf.injectFault({ status: 503, count: 1, method: 'POST', path: /\/composite\/graph$/ });
    const v1 = twoHourCall();
    await publish(p, v1);
    const task = callTask(p);
    expect(task?.WhoId).toBe(DEMO_IDS.contactSean);
    const docs = p.sims.sf.records('ContentDocument');
    expect(docs).toHaveLength(1);
    const doc = docs[0]!;
    expect(doc).toMatchObject({ FileType: 'SNOTE', Title: expect.stringMatching(/^Transcript: .+ \[RingSense 2728085990001\]$/) });
    expect(p.sims.sf.records('ContentNote')).toHaveLength(1);
    expect(links(p, doc.Id)).toEqual([task!.Id, DEMO_IDS.contactSean, DEMO_IDS.oppNorthwind, p.sims.sf.integrationUserId].sort());
    const html = latestContent(p, doc.Id);
    expect(html.match(/<p>\[/g)).toHaveLength(2000); // the whole two hours
    expect(html).toContain('[1:59:56] <b>');
    expect(html).toContain('Thanks, talk next week &amp; bye &lt;3</p>');
    expect(p.logs.filter((l) => l.message === 'transcript_file_written')).toHaveLength(1);
    expect(p.logs.some((l) => l.message === 'call_retry_later')).toBe(true); // the attempt the fault failed
    expect(p.sims.sf.records('ContentDocumentLink').filter((l) => l.LinkedEntityId === task!.Id)).toMatchObject([{ ShareType: 'I', Visibility: 'InternalUsers' }]);
    // What the note cost: one describe of ContentNote (once per process), one links query (the retry looked first),
    // one graph request (the note and its three links) besides the one the fault refused.
    const graphRequests = () => p!.sims.sf.counters().byKind['composite.graph'] ?? 0;
    expect(graphRequests()).toBe(1);
    expect(p.sims.sf.counters().byKind.describe).toBe(1);

    // The same insights again (the event a second time, an admin's replay): nothing written.
    const before = p.sims.sf.counters().total;
    await replay(p, v1);
    expect(p.sims.sf.records('ContentDocument')).toHaveLength(1);
    expect(p.sims.sf.records('ContentVersion')).toHaveLength(1);
    // Redis lost what it knew of the note (and of the write): the replay finds the note through the Task's links.
    const redis = new Redis(inject('redisUrl'));
    const keys = [...(await redis.keys(`${p.redis.prefix}:transcript:*`)), ...(await redis.keys(`${p.redis.prefix}:ledger:*`))];
    expect(keys.length).toBeGreaterThanOrEqual(2);
    await redis.del(...keys);
    redis.disconnect();
    await replay(p, v1);
    expect(p.sims.sf.records('ContentDocument')).toHaveLength(1);
    expect(p.sims.sf.records('ContentVersion')).toHaveLength(1);
    expect(p.sims.sf.counters().total - before).toBeLessThan(12);
    expect(graphRequests()).toBe(1);

    // A newer version of the insights, its last line corrected: the same note, a second version.
    await publish(p, twoHourCall(VERSION_2, 'Thanks, talk on Monday.'));
    expect(p.sims.sf.records('ContentDocument')).toHaveLength(1);
    const versions = p.sims.sf.records('ContentVersion').filter((v) => v.ContentDocumentId === doc.Id);
    expect(versions.map((v) => [v.VersionNumber, v.IsLatest])).toEqual([['1', false], ['2', true]]);
    expect(latestContent(p, doc.Id)).toContain('Thanks, talk on Monday.</p>');
    expect(graphRequests()).toBe(2); // the new version: one request
    // The older version arriving late does not roll it back.
    await replay(p, v1);
    expect(p.sims.sf.records('ContentVersion')).toHaveLength(2);
    expect(latestContent(p, doc.Id)).toContain('Thanks, talk on Monday.</p>');
    expect(graphRequests()).toBe(2);
    // The inline transcript is untouched by the option: off by default, the Description has none.
    expect(String(callTask(p)?.Description)).not.toContain('[1:59:56]');
  });

  it('with Notes off in the org: a text file (ContentVersion) instead, linked the same, and a log says so once', async () => {
    // With the inline transcript on too: it keeps working (in the Description, cut to its 32,000 characters).
    const both = MAPPING.replace('activity:\n', 'activity:\n  includeTranscript: true\n');
    p = await startPipeline({ mappingYaml: both, sims: { seed: { ringcentral: demoRingCentralSeed([]), salesforce: { ...demoSalesforceSeed(), notesEnabled: false } } } });
    await publish(p, twoHourCall());
    const task = callTask(p);
    expect(String(task?.Description)).toContain('Line 0: the rollout plan');
    const docs = p.sims.sf.records('ContentDocument');
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ FileType: 'TEXT', FileExtension: 'txt' });
    expect(links(p, docs[0]!.Id)).toEqual([task!.Id, DEMO_IDS.contactSean, DEMO_IDS.oppNorthwind, p.sims.sf.integrationUserId].sort());
    const text = latestContent(p, docs[0]!.Id);
    expect(text.split('\n').filter((l) => l.startsWith('['))).toHaveLength(2000);
    expect(text).toContain('Thanks, talk next week & bye <3\n');
    await publish(p, twoHourCall(VERSION_2, 'Thanks, talk on Monday.'));
    expect(p.sims.sf.records('ContentDocument')).toHaveLength(1);
    expect(p.sims.sf.records('ContentVersion').map((v) => v.VersionNumber)).toEqual(['1', '2']);
    expect(p.logs.filter((l) => l.message === 'transcript_notes_unavailable')).toHaveLength(1);
  });

  it('a transcript Salesforce refuses never loses the call: written, a warning and a metric', async () => {
    p = await startPipeline({ mappingYaml: MAPPING, sims: { seed: { ringcentral: demoRingCentralSeed([]), salesforce: demoSalesforceSeed() } } });
    p.sims.sf.injectFault({ status: 400, count: 1, method: 'POST', path: /\/composite\/graph$/, body: [{ errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Notes are reviewed first' }] });
    await publish(p, twoHourCall());
    expect(callTask(p)?.Status).toBe('Completed');
    expect(p.sims.sf.records('ContentDocument')).toHaveLength(0);
    expect(p.logs.find((l) => l.message === 'transcript_file_refused')).toMatchObject({ level: 'warn', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' });
    expect((await p.service.metrics.scrape()).body).toMatch(/ringsense_transcript_files_total\{outcome="refused",reason="FIELD_CUSTOM_VALIDATION_EXCEPTION",kind=""\} 1/);
  });
});
