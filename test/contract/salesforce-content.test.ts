/** The transcript adapter (Files and Notes) over jsforce against the Salesforce simulator: all or nothing, found again, versions. */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.ts';
import { SalesforceTranscriptFiles } from '../../src/salesforce/content.adapter.ts';
import { to18 } from '../../src/simulators/salesforce/ids.ts';
import { CrmError } from '../../src/salesforce/classify-error.ts';
import type { TranscriptFile } from '../../src/sync/transcript-file.port.ts';
import { connectedSalesforce } from '../support/salesforce-sim.ts';

const file = (version: string, line: string): TranscriptFile => ({
  title: 'Transcript: Pricing call [RingSense 42]', marker: '[RingSense 42]', version,
  html: `<p><b>Pricing call</b></p><p>[00:01] <b>Ana:</b> ${line}</p>`, text: () => `Pricing call\n[00:01] Ana: ${line}\n`,
});
const logger = () => createLogger({ level: 'error', format: 'json' });

async function world(notesEnabled = true) {
  const { sim, conn } = await connectedSalesforce({
    seed: { notesEnabled, records: { Contact: [{ Id: '003Dm0000000009', LastName: 'Rivera' }], Task: [{ Id: '00TDm0000000009', Subject: 'Call', Status: 'Completed', Priority: 'Normal' }] } },
  });
  const [contact] = sim.records('Contact');
  const [task] = sim.records('Task');
  return { sim, files: new SalesforceTranscriptFiles(conn, logger()), contact: String(contact!.Id), task: String(task!.Id) };
}

describe('SalesforceTranscriptFiles', () => {
  it('a note with its links in one request, found again through the Task, then a new version', async () => {
    const { sim, files, contact, task } = await world();
    sim.resetCounters();
    const r = await files.create(file('v1', 'one &amp; two'), [task, contact]);
    expect(r).toMatchObject({ ok: true, kind: 'note' });
    expect(sim.counters().byKind).toEqual({ describe: 1, 'composite.graph': 1 });
    const found = await files.findForCall(task, '[RingSense 42]');
    expect(found).toMatchObject({ kind: 'note', documentId: r.ok ? r.documentId : '' });
    expect([...found!.linkedIds].sort()).toEqual([task, contact, sim.integrationUserId].sort());
    expect(await files.findForCall(task, '[RingSense 43]')).toBeUndefined();
    expect(await files.addVersion(found!, file('v2', 'three'), [])).toMatchObject({ ok: true });
    expect(sim.records('ContentVersion').map((v) => [v.VersionNumber, v.IsLatest])).toEqual([['1', false], ['2', true]]);
  });

  it('all or nothing: a refused link leaves no document behind (a refusal, not a retry)', async () => {
    const { sim, files, task } = await world();
    const r = await files.create(file('v1', 'x'), [task, to18('003Dm0000000777')]);
    expect(r).toMatchObject({ ok: false, failure: { code: 'INVALID_CROSS_REFERENCE_KEY' } });
    expect(sim.records('ContentDocument')).toHaveLength(0);
    expect(sim.records('ContentNote')).toHaveLength(0);
  });

  it('HTML Salesforce refuses (an unescaped &) is a refusal', async () => {
    const { files, task } = await world();
    expect(await files.create({ ...file('v1', 'x'), html: '<p>Tom & Ana</p>' }, [task])).toMatchObject({ ok: false, failure: { code: 'FIELD_INTEGRITY_EXCEPTION' } });
  });

  it('Notes off: a text file published on the Task, linked to the contact, versioned with ContentDocumentId', async () => {
    const { sim, files, contact, task } = await world(false);
    expect(await files.notesEnabled()).toBe(false);
    const r = await files.create(file('v1', 'one & two'), [task, contact]);
    expect(r).toMatchObject({ ok: true, kind: 'file' });
    const [v] = sim.records('ContentVersion');
    expect(v).toMatchObject({ PathOnClient: 'Transcript Pricing call [RingSense 42].txt', FileType: 'TEXT', FirstPublishLocationId: task });
    expect(Buffer.from(String(v!.VersionData), 'base64').toString('utf8')).toContain('Ana: one & two');
    const found = await files.findForCall(task, '[RingSense 42]');
    expect(found).toMatchObject({ kind: 'file' });
    expect(await files.addVersion(found!, file('v2', 'three'), [])).toMatchObject({ ok: true, kind: 'file' });
    expect(sim.records('ContentDocument')).toHaveLength(1);
    expect(sim.records('ContentVersion').map((x) => x.VersionNumber)).toEqual(['1', '2']);
  });

  it('calls written at the same moment share one graph request, and one refused graph touches no other', async () => {
    const { sim, files, contact, task } = await world();
    await files.notesEnabled();
    sim.resetCounters();
    const ghost = to18('003Dm0000000777');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => files.create(file('v1', `call ${i}`), i === 7 ? [task, ghost] : [task, contact])));
    expect(results.filter((r) => r.ok)).toHaveLength(19);
    expect(results[7]).toMatchObject({ ok: false, failure: { code: 'INVALID_CROSS_REFERENCE_KEY' } });
    expect(sim.records('ContentNote')).toHaveLength(19);
    // All twenty arrive within the first graph's moment of waiting for company: one request.
    expect(sim.counters().byKind).toEqual({ 'composite.graph': 1 });
  });

  it('a graph the payload halted (more than 14 others failed) is retried, not refused', async () => {
    const { sim, files, contact, task } = await world();
    await files.notesEnabled();
    const ghost = to18('003Dm0000000777');
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => files.create(file('v1', `call ${i}`), i === 0 || i === 19 ? [task, contact] : [task, ghost])));
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    // One request: graphs 1-15 are refused (more than 14 failures), so the four after them are never run.
    expect(results.slice(1, 16).every((r) => r.status === 'fulfilled' && !r.value.ok)).toBe(true);
    for (const r of results.slice(16)) expect(r).toMatchObject({ status: 'rejected', reason: { failure: { kind: 'transient', code: 'PROCESSING_HALTED' } } });
    expect(sim.records('ContentNote')).toHaveLength(1);
  });

  it('a request that fails as a whole throws for the job to retry', async () => {
    const { sim, files, task } = await world();
    await files.notesEnabled();
    sim.injectFault({ status: 503, count: 1, method: 'POST', path: /\/composite\/graph$/ });
    await expect(files.create(file('v1', 'x'), [task])).rejects.toBeInstanceOf(CrmError);
    expect(sim.records('ContentDocument')).toHaveLength(0);
  });
});
