import { describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, loadEventFixture } from '../../support/fixtures.ts';
import { MAX_EVENT_DEPTH, parseInsightsBody, parseInsightsNotification, RECORD_ID } from '../../../src/ringcentral/insights-event.schema.ts';

function rejected(raw: unknown) {
  const r = parseInsightsNotification(raw);
  if (r.ok) throw new Error('expected a rejection');
  return r.error;
}

describe('RingSense insights notification schema', () => {
  it.each(FIXTURE_NAMES)('accepts the %s fixture', (name) => {
    const r = parseInsightsNotification(loadEventFixture(name));
    expect(r.ok).toBe(true);
  });

  it('parses the documented example into typed fields', () => {
    const r = parseInsightsNotification(loadEventFixture('documented-example'));
    if (!r.ok) throw new Error(r.error.message);
    const b = r.value.body;
    expect(r.value.event).toBe('/ai/ringsense/v1/public/accounts/809646016/domains/pbx/insights');
    expect(b.sourceRecordId).toBe('2728084995017');
    expect(b.callDirection).toBe('Outbound');
    expect(b.speakerInfo.filter((s) => !s.extensionId).map((s) => s.name)).toEqual(['Tracy Debolah']);
    expect(b.insights.NextSteps).toHaveLength(4);
    expect(b.insights.Summary[0]?.value).toMatch(/tasks and timeline/);
  });

  it('accepts both the HighLights (docs) and Highlights (API spec) spellings into one list', () => {
    const docs = parseInsightsNotification(loadEventFixture('documented-example'));
    const spec = parseInsightsNotification(loadEventFixture('inbound-highlights'));
    if (!docs.ok || !spec.ok) throw new Error('fixtures should parse');
    expect(docs.value.body.insights.Highlights).toHaveLength(2);
    expect(spec.value.body.insights.Highlights).toHaveLength(1);
    expect('HighLights' in docs.value.body.insights).toBe(false);
  });

  it('keeps other insight types, known and unknown', () => {
    const e = loadEventFixture('inbound-highlights');
    (e.body.insights as Record<string, unknown>).FutureInsight = [{ value: 'x' }];
    const r = parseInsightsNotification(e);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.body.insights.Sentiment).toEqual([{ value: 'Positive' }]);
    expect(r.value.body.insights.AIScore).toEqual([{ value: '8' }]);
    expect(r.value.body.insights.BulletedSummary).toHaveLength(2);
    expect((r.value.body.insights as Record<string, unknown>).FutureInsight).toEqual([{ value: 'x' }]);
  });

  it('is idempotent: a parsed event parses again to the same value (job data is re-validated)', () => {
    const first = parseInsightsNotification(loadEventFixture('documented-example'));
    if (!first.ok) throw new Error('fixture should parse');
    const second = parseInsightsNotification(JSON.parse(JSON.stringify(first.value)));
    expect(second).toEqual(first);
  });

  it('refuses a missing sourceRecordId specifically', () => {
    const e = loadEventFixture('documented-example');
    delete e.body.sourceRecordId;
    expect(rejected(e)).toMatchObject({ reason: 'missing_source_record_id' });
  });

  it('refuses domains other than pbx, in the body or the event path', () => {
    const e = loadEventFixture('documented-example');
    e.body.domain = 'rcv';
    expect(rejected(e)).toMatchObject({ reason: 'unsupported_domain', sourceRecordId: '2728084995017' });
    const f = loadEventFixture('documented-example');
    f.event = '/ai/ringsense/v1/public/accounts/809646016/domains/rcv/insights';
    expect(rejected(f).reason).toBe('unsupported_domain');
  });

  it('names each wrong type by its path', () => {
    const e = loadEventFixture('documented-example');
    e.body.recordingDurationMs = '125963';
    e.body.callDirection = 'Sideways';
    (e.body.insights as { Transcript: Array<Record<string, unknown>> }).Transcript[2]!.start = 'soon';
    const r = rejected(e);
    expect(r.reason).toBe('invalid_event');
    expect(r.sourceRecordId).toBe('2728084995017');
    expect(r.details.join('\n')).toContain('body.recordingDurationMs');
    expect(r.details.join('\n')).toContain('body.callDirection: expected Inbound or Outbound');
    expect(r.details.join('\n')).toContain('body.insights.Transcript[2].start');
  });

  it('refuses speaker ids that no speakerInfo entry names', () => {
    const e = loadEventFixture('documented-example');
    (e.body.insights as { NextSteps: Array<Record<string, unknown>> }).NextSteps[1]!.speakerId = 'p-ghost-9';
    const r = rejected(e);
    expect(r.reason).toBe('unknown_speaker');
    expect(r.details).toEqual(['body.insights.NextSteps[1].speakerId: speaker "p-ghost-9" is not in speakerInfo']);
  });

  it('refuses non-objects, foreign events and a malformed envelope', () => {
    expect(rejected('hello').reason).toBe('not_an_object');
    expect(rejected(null).reason).toBe('not_an_object');
    const e = loadEventFixture('documented-example');
    e.event = '/restapi/v1.0/account/~/extension/~/presence';
    expect(rejected(e).reason).toBe('invalid_event');
    const f = loadEventFixture('documented-example');
    delete f.uuid;
    expect(rejected(f)).toMatchObject({ reason: 'invalid_event', message: 'the notification envelope is malformed' });
  });

  it('validates a REST insights body on its own (catch-up and replay)', () => {
    const body = loadEventFixture('inbound-highlights').body;
    const r = parseInsightsBody(body);
    expect(r.ok && r.value.rsRecordUri).toBe('https://ringsense.ringcentral.com/calls/7d3c1f9e-51a2-4c55-8c1b-0b9a2f6e4d11');
  });
});

describe('record ids and nesting', () => {
  const body = () => structuredClone(loadEventFixture('documented-example').body);
  it('accepts the ids of every ACE domain and refuses unbounded or strange ones', () => {
    for (const id of ['2728084995017', 'p-v-3f2a9c1e-1717000000000-b4d2', '93af2df8-0c4e-4b7a-9d2e-f24bc6b100d5!us-15-cmh06@us-15']) {
      expect(RECORD_ID.test(id), id).toBe(true);
    }
    for (const id of ['', `9${'7'.repeat(200)}`, 'a b', 'id\nINJECTED', '../x']) expect(RECORD_ID.test(id), id).toBe(false);
    const r = parseInsightsBody({ ...body(), sourceRecordId: `9${'7'.repeat(5000)}` });
    expect(r.ok ? undefined : r.error).toMatchObject({ reason: 'invalid_event' });
    expect(r.ok ? undefined : r.error.sourceRecordId).toBeUndefined(); // not carried on as an id
  });
  it('refuses an event nesting deeper than the limit, without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const r = parseInsightsNotification({ uuid: 'u', event: '/ai/ringsense/v1/public/accounts/~/domains/pbx/insights', body: { ...body(), extra: deep } });
    expect(r.ok ? undefined : r.error).toMatchObject({ reason: 'invalid_event', message: `the event nests more than ${MAX_EVENT_DEPTH} levels deep`, sourceRecordId: '2728084995017' });
  });
  it('quotes a payload value in a refusal short and escaped', () => {
    const r = parseInsightsBody({ ...body(), domain: `rcv\n${'x'.repeat(500)}` });
    // 40 characters of it (the line break escaped), then an ellipsis.
    expect(r.ok ? undefined : r.error.message).toBe(`domain ${JSON.stringify(`rcv\n${'x'.repeat(36)}...`)} is not supported: only RingEX voice calls ("pbx") are synced`);
  });
});
