import { isMeeting } from '../../../src/calls/recording-insights.ts';
import { rcvSampleMeeting, RCV_SAMPLE_MEETING_ID } from '../../../src/demo/sample-meetings.ts';
import { describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, loadEventFixture } from '../../support/fixtures.ts';
import { unknownInsightTypes } from '../../../src/calls/recording-insights.ts';
import { MAX_EVENT_DEPTH, parseInsightsBody, parseInsightsNotification, RECORD_ID } from '../../../src/ringcentral/insights-event.schema.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';

function rejected(raw: unknown) {
  const r = parseInsightsNotification(raw, ACE_DOMAINS);
  if (r.ok) throw new Error('expected a rejection');
  return r.error;
}

describe('RingSense insights notification schema', () => {
  it.each(FIXTURE_NAMES)('accepts the %s fixture', (name) => {
    const r = parseInsightsNotification(loadEventFixture(name), ACE_DOMAINS);
    expect(r.ok).toBe(true);
  });

  it('parses the documented example into typed fields', () => {
    const r = parseInsightsNotification(loadEventFixture('documented-example'), ACE_DOMAINS);
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
    const docs = parseInsightsNotification(loadEventFixture('documented-example'), ACE_DOMAINS);
    const spec = parseInsightsNotification(loadEventFixture('inbound-highlights'), ACE_DOMAINS);
    if (!docs.ok || !spec.ok) throw new Error('fixtures should parse');
    expect(docs.value.body.insights.Highlights).toHaveLength(2);
    expect(spec.value.body.insights.Highlights).toHaveLength(1);
    expect('HighLights' in docs.value.body.insights).toBe(false);
  });

  it('keeps other insight types, known and unknown', () => {
    const e = loadEventFixture('inbound-highlights');
    (e.body.insights as Record<string, unknown>).FutureInsight = [{ value: 'x' }];
    const r = parseInsightsNotification(e, ACE_DOMAINS);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.body.insights.Sentiment).toEqual([{ value: 'Positive' }]);
    expect(r.value.body.insights.AIScore).toEqual([{ value: '8' }]);
    expect(r.value.body.insights.BulletedSummary).toHaveLength(3);
    expect((r.value.body.insights as unknown as Record<string, unknown>).FutureInsight).toEqual([{ value: 'x' }]);
  });

  it('types every ACE insight type and the newer fields: eventType, rsRecordUri, speakerInfo[].phoneNumber, QnA', () => {
    const r = parseInsightsNotification(loadEventFixture('inbound-highlights'), ACE_DOMAINS);
    if (!r.ok) throw new Error(r.error.message);
    const b = r.value.body;
    expect(b.eventType).toBe('Create');
    expect(b.rsRecordUri).toMatch(/^https:\/\/ringsense\.ringcentral\.com\/calls\//);
    expect(b.speakerInfo.map((s) => s.phoneNumber)).toEqual(['+13125550177', '+14155550102']);
    expect(b.insights.QnA).toEqual([{ speakerId: b.speakerInfo[1]!.speakerId, value: 'How many sites are you looking to automate?', start: 12, end: 15.9 }]);
    expect(b.insights.CallNotes).toHaveLength(1);
    expect(b.insights.BulletedSummary?.map((u) => u.section)).toEqual(['Overview', 'Overview', 'Timeline']);
    expect(unknownInsightTypes(b.insights)).toEqual([]);
  });

  it("reads the RingCX sample's insights as documented (ringcentral-api-docs code-samples/events/ace-rcx-event.json)", () => {
    const e = loadEventFixture('documented-example');
    const agent = 'p-a0e7b361acc0az191bec7e275z7cae070000-1';
    Object.assign(e.body.insights as Record<string, unknown>, {
      AIScore: [{ value: '7' }],
      Sentiment: [{ value: 'Neutral' }],
      QnA: [{ start: 123.64, end: 127.24, value: 'Hey, I found the issue. Are you still there?', speakerId: agent }],
      BulletedSummary: [{ value: 'A customer inquired about accessing insights.' }, { value: 'The agent identified a license assignment issue.' }],
    });
    (e.body.speakerInfo as Array<Record<string, unknown>>)[1]!.phoneNumber = '+16502220000';
    e.body.eventType = 'Create';
    const r = parseInsightsNotification(e, ACE_DOMAINS);
    if (!r.ok) throw new Error(r.error.details.join('\n'));
    expect(r.value.body.insights.QnA?.[0]).toEqual({ start: 123.64, end: 127.24, value: 'Hey, I found the issue. Are you still there?', speakerId: agent });
    expect(r.value.body.insights.BulletedSummary?.every((u) => u.section === undefined)).toBe(true);
    expect(r.value.body.speakerInfo[1]!.phoneNumber).toBe('+16502220000');
  });

  it('holds QnA to the same rules as the other spoken insights', () => {
    const e = loadEventFixture('inbound-highlights');
    (e.body.insights as { QnA: Array<Record<string, unknown>> }).QnA[0]!.speakerId = 'p-ghost-1';
    expect(rejected(e)).toMatchObject({ reason: 'unknown_speaker', details: ['body.insights.QnA[0].speakerId: speaker "p-ghost-1" is not in speakerInfo'] });
    const f = loadEventFixture('inbound-highlights');
    (f.body.insights as { QnA: unknown }).QnA = [{ question: 'no value' }];
    expect(rejected(f).details.join('\n')).toContain('body.insights.QnA[0].value');
  });

  it('names the insight types it does not know (keys only) and keeps them; never fails an event for one', () => {
    const e = loadEventFixture('documented-example');
    Object.assign(e.body.insights as Record<string, unknown>, { TalkRatio: { agent: 0.6 }, Keywords: ['pricing'], [`X${'y'.repeat(500)}`]: 1 });
    const r = parseInsightsNotification(e, ACE_DOMAINS);
    if (!r.ok) throw new Error(r.error.message);
    expect(unknownInsightTypes(r.value.body.insights)).toEqual(['TalkRatio', 'Keywords', `X${'y'.repeat(63)}`]);
    expect((r.value.body.insights as unknown as Record<string, unknown>).TalkRatio).toEqual({ agent: 0.6 });
  });

  it('is idempotent: a parsed event parses again to the same value (job data is re-validated)', () => {
    const first = parseInsightsNotification(loadEventFixture('documented-example'), ACE_DOMAINS);
    if (!first.ok) throw new Error('fixture should parse');
    const second = parseInsightsNotification(JSON.parse(JSON.stringify(first.value)), ACE_DOMAINS);
    expect(second).toEqual(first);
  });

  it('refuses a missing sourceRecordId specifically', () => {
    const e = loadEventFixture('documented-example');
    delete e.body.sourceRecordId;
    expect(rejected(e)).toMatchObject({ reason: 'missing_source_record_id' });
  });

  it('takes the enabled domains, and refuses the others with a reason of their own, in the body or the event path', () => {
    const as = (domain: string) => {
      const e = loadEventFixture('documented-example');
      e.body.domain = domain;
      e.event = `/ai/ringsense/v1/public/accounts/809646016/domains/${domain}/insights`;
      return e;
    };
    expect(parseInsightsNotification(as('rcx'), ['pbx', 'rcx']).ok).toBe(true);
    // Known and synced, not enabled: the admin can enable it and replay.
    expect(parseInsightsNotification(as('rcx'), ['pbx'])).toMatchObject({ ok: false, error: { reason: 'domain_not_enabled', sourceRecordId: '2728084995017', message: 'domain "rcx" (RingCX contact center calls) is not enabled: add it to RINGSENSE_DOMAINS, then replay the call' } });
    // A meeting's domain is refused until enabled, like any other; a domain ACE does not have is unknown.
    expect(parseInsightsNotification(as('rcv'), ['pbx'])).toMatchObject({ ok: false, error: { reason: 'domain_not_enabled', message: 'domain "rcv" (RingEX Video meetings) is not enabled: add it to RINGSENSE_DOMAINS, then replay the call' } });
    expect(rejected(as('zoom'))).toMatchObject({ reason: 'unsupported_domain', message: expect.stringContaining('is not an ACE domain this version knows') });
    // The event path and the body are each checked: a pbx body under an rcx path is refused too.
    const f = loadEventFixture('documented-example');
    f.event = '/ai/ringsense/v1/public/accounts/809646016/domains/rcx/insights';
    expect(parseInsightsNotification(f, ['pbx'])).toMatchObject({ ok: false, error: { reason: 'domain_not_enabled' } });
  });

  it("reads a meeting's insights by what a meeting sends: no owner, start, length or direction needed, marked as a meeting", () => {
    const { insights } = rcvSampleMeeting();
    const r = parseInsightsBody(structuredClone(insights), ['pbx', 'rcv']);
    if (!r.ok) throw new Error(r.error.message);
    expect(isMeeting(r.value)).toBe(true);
    expect(r.value).toMatchObject({ meetingDomain: 'rcv', sourceRecordId: RCV_SAMPLE_MEETING_ID });
    expect(r.value.ownerExtensionId).toBeUndefined();
    // The same body under a call's domain is refused for what a call must have.
    const asCall = parseInsightsBody({ ...structuredClone(insights), domain: 'pbx' }, ['pbx']);
    expect(asCall).toMatchObject({ ok: false, error: { reason: 'invalid_event' } });
    if (!asCall.ok) expect(asCall.error.details).toEqual(expect.arrayContaining([expect.stringMatching(/^ownerExtensionId/), expect.stringMatching(/^recordingStartTime/)]));
    // A meeting's speakers are checked as a call's are.
    const bad = structuredClone(insights) as unknown as { insights: { NextSteps: Array<{ speakerId: string }> } };
    bad.insights.NextSteps[0]!.speakerId = 'nobody';
    expect(parseInsightsBody(bad, ['rcv'])).toMatchObject({ ok: false, error: { reason: 'unknown_speaker' } });
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
    const r = parseInsightsBody(body, ACE_DOMAINS);
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
    const r = parseInsightsBody({ ...body(), sourceRecordId: `9${'7'.repeat(5000)}` }, ACE_DOMAINS);
    expect(r.ok ? undefined : r.error).toMatchObject({ reason: 'invalid_event' });
    expect(r.ok ? undefined : r.error.sourceRecordId).toBeUndefined(); // not carried on as an id
  });
  it('refuses an event nesting deeper than the limit, without overflowing the stack', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const r = parseInsightsNotification({ uuid: 'u', event: '/ai/ringsense/v1/public/accounts/~/domains/pbx/insights', body: { ...body(), extra: deep } }, ACE_DOMAINS);
    expect(r.ok ? undefined : r.error).toMatchObject({ reason: 'invalid_event', message: `the event nests more than ${MAX_EVENT_DEPTH} levels deep`, sourceRecordId: '2728084995017' });
  });
  it('quotes a payload value in a refusal short and escaped', () => {
    const r = parseInsightsBody({ ...body(), domain: `rcv\n${'x'.repeat(500)}` }, ACE_DOMAINS);
    // 40 characters of it (the line break escaped), then an ellipsis.
    expect(r.ok ? undefined : r.error.message).toBe(`domain ${JSON.stringify(`rcv\n${'x'.repeat(36)}...`)} is not an ACE domain this version knows (pbx, rcv, ms-teams, rcx, nice-incontact)`);
  });
});
