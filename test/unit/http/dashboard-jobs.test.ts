import { describe, expect, it } from 'vitest';
import { sampleCalls } from '../../../src/demo/sample-calls.ts';
import { dashboardJobData, JOB_DATA_BYTES, MAX_DECODED_BYTES } from '../../../src/http/dashboard-jobs.ts';
import { boundJson, MORE } from '../../../src/lib/bounded-json.ts';
import { encodeCallJob, encodePayload } from '../../../src/queue/job-payload.ts';
import type { CallJob } from '../../../src/queue/jobs.ts';

const calls = sampleCalls();
const longCall: CallJob = { kind: 'notification', receivedAt: 1_725_484_600_000, event: calls['very-long-call'] };
const insights: CallJob = { kind: 'insights', receivedAt: 1_725_484_600_001, source: 'backfill', insights: calls['documented-example'].body };
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
/** Words of the very long call's content (names, title, transcript): none may show in the redacted shape. */
const longBody = calls['very-long-call'].body as { speakerInfo: Array<{ name: string }>; insights: { Transcript: Array<{ text: string }> } };
const names = longBody.speakerInfo.map((s) => s.name);
const firstLine = longBody.insights.Transcript[0]!.text;

describe('the dashboard view of a job (bull-board data formatter)', () => {
  it('is the redacted shape by default: ids, kind, sizes; no title, names, summary or transcript; a few KB', () => {
    const shown = dashboardJobData(encodeCallJob(longCall));
    const text = JSON.stringify(shown);
    expect(shown).toMatchObject({
      kind: 'notification',
      receivedAt: longCall.receivedAt,
      sizeBytes: bytes(longCall.event),
      transcript: expect.stringMatching(/^stored compressed apart \(\d+ bytes\), not decoded here$/),
      event: { body: { sourceRecordId: calls['very-long-call'].body.sourceRecordId, title: '[redacted]' } },
    });
    expect(bytes(longCall.event)).toBeGreaterThan(300_000);
    expect(bytes(shown)).toBeLessThanOrEqual(JOB_DATA_BYTES.redacted + 512);
    for (const content of [...names, calls['very-long-call'].body.title, firstLine]) expect(text).not.toContain(content);
  });

  it('does not inflate the transcript for the redacted shape: a transcript that does not even decode changes nothing', () => {
    const data = encodeCallJob(longCall);
    // Garbage of the stored transcript's length: the note names the size, so only the content differs.
    const garbage = 'A'.repeat(String((data as { transcript?: string }).transcript).length);
    const { transcript: _t, ...withGarbage } = dashboardJobData({ ...data, transcript: garbage }) as Record<string, unknown>;
    const { transcript: _u, ...intact } = dashboardJobData(data) as Record<string, unknown>;
    expect(withGarbage).toEqual(intact);
    expect(intact).toHaveProperty('event');
  });

  it('shows the content when asked (ADMIN_SHOW_CALL_CONTENT), cut to its first lines per job', () => {
    const shown = dashboardJobData(encodeCallJob(longCall), { content: true });
    const text = JSON.stringify(shown);
    expect(text).toContain(names[0]!);
    expect(text).toContain(calls['very-long-call'].body.title);
    expect(text).toMatch(/"…":"\d+ more items"/); // the transcript, cut
    expect(bytes(shown)).toBeLessThanOrEqual(JOB_DATA_BYTES.content + 2048);
    const small = dashboardJobData(encodeCallJob(insights), { content: true });
    expect(small).toMatchObject({ kind: 'insights', source: 'backfill', insights: { title: calls['documented-example'].body.title } });
  });

  it('never inflates a payload past its bound: a huge event is described by its plain fields, not decoded', () => {
    const huge = { ...encodeCallJob(insights), bytes: 90 * 1024 * 1024, payload: 'AAAA' }; // does not decode at all: not even tried
    expect(dashboardJobData(huge, { content: true })).toEqual({
      kind: 'insights',
      receivedAt: insights.receivedAt,
      source: 'backfill',
      sizeBytes: 90 * 1024 * 1024,
      shown: expect.stringMatching(/^not decoded: the insights is 94371840 bytes, over the 1048576 shown here/),
    });
    // A payload that inflates past the bound stops there (a hostile one, or older job data without a size).
    const bomb = encodePayload(JSON.stringify({ body: { title: 'x'.repeat(MAX_DECODED_BYTES * 2) } }));
    const redacted = dashboardJobData({ ...encodeCallJob(insights), payload: bomb });
    expect(redacted).toMatchObject({ shown: `not decoded: the payload it inflates to more than ${MAX_DECODED_BYTES} bytes` });
    expect(dashboardJobData({ kind: 'notification', receivedAt: 1, encoding: 'br64', payload: bomb })).toMatchObject({ shown: expect.stringContaining('inflates to more than') });
  });

  it('bounds and redacts job data that is not a call job, or inline (the first versions), however large', () => {
    const inline = { kind: 'notification', receivedAt: 1, event: { body: { sourceRecordId: '123', title: 'Secret deal', notes: Array.from({ length: 200_000 }, (_, i) => `line ${i}`) } } };
    const shown = dashboardJobData(inline);
    expect(bytes(shown)).toBeLessThanOrEqual(JOB_DATA_BYTES.redacted + 512);
    expect(JSON.stringify(shown)).not.toMatch(/Secret deal|line 0/);
    expect(shown).toMatchObject({ event: { body: { sourceRecordId: '123' } } });
    // What is kept of an oversized event: its ids; its first bytes are content.
    const oversized = { kind: 'oversized', receivedAt: 1, source: 'notification', bytes: 9e7, head: '{"body":{"title":"Secret deal"', ids: { sourceRecordId: '123' } };
    expect(dashboardJobData(oversized)).toEqual({ ...oversized, head: "[redacted] (30 characters)" });
    expect(dashboardJobData(oversized, { content: true })).toEqual(oversized);
  });
});

describe('boundJson', () => {
  it('keeps small values as they are, and cuts big ones, saying what was cut', () => {
    const small = { a: [1, 'two', null, true], b: { c: 'd' } };
    expect(boundJson(small, { maxBytes: 1000 })).toEqual(small);
    const cut = boundJson({ list: Array.from({ length: 1000 }, (_, i) => i), text: 'y'.repeat(5000) }, { maxBytes: 400, maxString: 100 }) as { list: unknown[] };
    expect(cut.list.at(-1)).toEqual({ [MORE]: expect.stringMatching(/^\d+ more items$/) });
    expect(bytes(cut)).toBeLessThan(700);
    expect(boundJson({ text: 'z'.repeat(5000) }, { maxBytes: 1000, maxString: 100 })).toEqual({ text: `${'z'.repeat(100)}${MORE} (5000 characters)` });
    const wide = boundJson(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])), { maxBytes: 200 }) as Record<string, unknown>;
    expect(wide[MORE]).toMatch(/^\d+ more keys$/);
    expect(boundJson({ a: { b: { c: 1 } } }, { maxBytes: 1000, maxDepth: 2 })).toEqual({ a: { b: '[deeper levels not shown]' } });
  });

  it('does not overshoot on strings of control characters (6 bytes each in JSON), and keeps a __proto__ key its own', () => {
    expect(bytes(boundJson(['\u0001'.repeat(10_000)], { maxBytes: 600 }))).toBeLessThan(700);
    const parsed = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    expect(JSON.stringify(boundJson(parsed, { maxBytes: 100 }))).toBe('{"__proto__":{"x":1}}');
  });
});
