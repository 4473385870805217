import { describe, expect, it } from 'vitest';
import { formatFailedJob, formatListing, formatUtc, listingJson, oneLine } from '../../../src/cli/failed-format.ts';
import { sampleCalls } from '../../../src/demo/sample-calls.ts';
import type { FailedJob, FailedListing } from '../../../src/queue/failed-set.ts';

const AT = Date.parse('2026-11-24T06:10:42.123Z');
const unmapped: FailedJob = {
  jobId: 'call-9000000000003-1725484543591',
  sourceRecordId: '9000000000003',
  reason: 'unmapped_owner',
  message: 'RingCentral extension 62288320099 is not mapped to a Salesforce user. Add it to the mapping file, e.g.\n  users:\n    "62288320099": { email: "rep@example.com" }\nor set defaultOwner, then retry this call.',
  attemptsMade: 1,
  enqueuedAt: AT - 1000,
  failedAt: AT,
  source: 'notification',
};
const malformed: FailedJob = { ...unmapped, jobId: 'invalid-abc', sourceRecordId: undefined, reason: 'missing_source_record_id', message: 'the event has no sourceRecordId', failedAt: AT - 60_000 };
const listing: FailedListing = {
  total: 3,
  reasons: [
    { reason: 'unmapped_owner', count: 2, lastFailedAt: AT, example: unmapped.message },
    { reason: 'missing_source_record_id', count: 1, lastFailedAt: AT - 60_000, example: malformed.message },
  ],
  jobs: [unmapped, malformed],
};

describe('failed list formatting', () => {
  it('formats times in UTC to the minute (or second)', () => {
    expect(formatUtc(AT)).toBe('2026-11-24 06:10 UTC');
    expect(formatUtc(AT, { seconds: true })).toBe('2026-11-24 06:10:42 UTC');
    expect(formatUtc(undefined)).toBe('-');
  });

  it('shortens messages to one line', () => {
    expect(oneLine('a\n  b   c', 20)).toBe('a b c');
    expect(oneLine('abcdefghij', 8)).toBe('abcde...');
  });

  it('prints a line per reason, then the jobs with a dash for a missing record id, and says when rows were left out', () => {
    const text = formatListing(listing, { limit: 2 }).join('\n');
    expect(text).toContain('3 failed jobs, by reason:');
    expect(text).toMatch(/^ {2}unmapped_owner {12}2 {2}last 2026-11-24 06:10 UTC {2}e\.g\. "RingCentral extension 62288320099 is not mapped to a Salesforce user\. Add it\.\.\."$/m);
    expect(text).toMatch(/^JOB ID\s+SOURCE RECORD\s+REASON\s+ATTEMPTS\s+FAILED AT\s+MESSAGE$/m);
    expect(text).toMatch(/^call-9000000000003-1725484543591\s+9000000000003\s+unmapped_owner\s+1\s+2026-11-24 06:10 UTC\s+RingCentral extension/m);
    expect(text).toMatch(/^invalid-abc\s+-\s+missing_source_record_id\s+1\s+2026-11-24 06:09 UTC\s+the event has no sourceRecordId$/m);
    expect(text).toContain('Showing the newest 2 of 3; use --limit to see more.');
  });

  it('says so when there is nothing', () => {
    expect(formatListing({ total: 0, reasons: [], jobs: [] }, { limit: 20 })).toEqual(['No failed jobs.']);
    expect(formatListing({ total: 0, reasons: [], jobs: [] }, { limit: 20, reason: 'unmapped_owner' })).toEqual(['No failed jobs with reason unmapped_owner.']);
  });

  it('gives JSON with ISO times and null for what is unknown', () => {
    const json = listingJson(listing);
    expect(json.reasons[0]).toEqual({ reason: 'unmapped_owner', count: 2, lastFailedAt: '2026-11-24T06:10:42.123Z', example: unmapped.message });
    expect(json.jobs[1]).toMatchObject({ jobId: 'invalid-abc', sourceRecordId: null, failedAt: '2026-11-24T06:09:42.123Z', source: 'notification' });
  });
});

interface Shown {
  speakerInfo: unknown[];
  insights: { Summary: unknown[]; Transcript: unknown[] };
}

describe('failed show formatting', () => {
  const event = sampleCalls()['documented-example'];
  const speakers = event.body.speakerInfo as Array<{ speakerId: string }>;
  const data = { kind: 'notification', receivedAt: AT - 1000, event };

  it('hides titles, names, transcript, summaries and numbers but keeps the structure and the ids', () => {
    const text = formatFailedJob(unmapped, data, { processedOn: AT - 500, content: false }).join('\n');
    expect(text).toMatch(/^Message {8}RingCentral extension 62288320099 is not mapped/m);
    expect(text).toMatch(/^ {15}or set defaultOwner, then retry this call\.$/m);
    expect(text).toMatch(/^Last attempt {3}2026-11-24 06:10:41 UTC$/m);
    const shown = JSON.parse(text.slice(text.indexOf('\n{'))) as { event: { body: Shown } };
    const body = shown.event.body;
    expect(body).toMatchObject({ sourceRecordId: '2728084995017', sourceSessionId: event.body.sourceSessionId, ownerExtensionId: '62288320001', title: '[redacted]' });
    expect(body.speakerInfo[1]).toEqual({ speakerId: speakers[1]!.speakerId, name: '[redacted]', accountId: null, extensionId: null });
    expect(body.insights.Summary[0]).toEqual({ start: 0, end: 1, value: '[redacted]' });
    expect(body.insights.Transcript[0]).toMatchObject({ text: '[redacted]', speakerId: speakers[0]!.speakerId });
    for (const content of ['John Smith', 'Tracy', 'developer guide', 'timeline']) expect(text).not.toContain(content);
  });

  it('hides phone numbers, and the lines of an insight type it does not know', () => {
    const insights = { sourceRecordId: '1', from: { phoneNumber: '+14155550101' }, to: ['+12125550000'], CallNotes: [{ value: 'notes' }], Keywords: ['secret plans'] };
    const text = formatFailedJob(unmapped, { kind: 'insights', insights }, { processedOn: undefined, content: false }).join('\n');
    expect(text).toContain('"sourceRecordId": "1"');
    expect(text).not.toContain('notes"');
    expect(text).not.toContain('+1415');
    expect(text).not.toContain('+1212');
    expect(text).not.toContain('secret plans');
  });

  it('shows stored job data that does not decode as it is, with the problem (its payload redacted unless --content)', () => {
    const stored = { kind: 'notification', receivedAt: AT - 1000, encoding: 'br64', payload: 'G2Vj' };
    const opts = { processedOn: undefined, dataProblem: "the job's br64 payload does not decode: it is not valid brotli data" };
    const text = formatFailedJob(unmapped, stored, { ...opts, content: false }).join('\n');
    expect(text).toContain("The stored job data does not decode: the job's br64 payload does not decode: it is not valid brotli data.");
    expect(text).toContain('Stored job data, as it is (call content [redacted]; --content shows it):');
    expect(text).toContain('"payload": "[redacted]"');
    expect(formatFailedJob(unmapped, stored, { ...opts, content: true }).join('\n')).toContain('"payload": "G2Vj"');
  });

  it('shows the event whole with --content', () => {
    const text = formatFailedJob(unmapped, data, { processedOn: undefined, content: true }).join('\n');
    expect(text).toContain('"name": "Tracy Debolah"');
    expect(text).toContain('The call is about discussing the tasks and timeline for completing a project.');
  });
});
