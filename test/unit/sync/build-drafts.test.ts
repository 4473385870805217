import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { parseInsightsNotification, type RecordingInsights } from '../../../src/ringcentral/insights-event.schema.ts';
import type { ResolvedParticipants } from '../../../src/mapping/resolve-participants.ts';
import { buildDrafts } from '../../../src/sync/build-drafts.ts';
import { DESCRIPTION_LIMIT, readVersion } from '../../../src/sync/describe-call.ts';
import { loadEventFixture, type FixtureName } from '../../support/fixtures.ts';

const OWNER = '005Dm0000000001IAA';
const MARIA = '005Dm0000000002IAA';
const CONTACT = '003Dm0000000001IAA';
const ACCOUNT = '001Dm0000000001IAA';

function insights(name: FixtureName): RecordingInsights {
  const r = parseInsightsNotification(loadEventFixture(name));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.body;
}

function options(yaml = '') {
  const m = parseMapping(yaml, 'm.yaml').mapping;
  return { activity: m.activity, followUps: m.followUps };
}

const resolved = (over: Partial<ResolvedParticipants> = {}): ResolvedParticipants => ({
  ownerUserId: OWNER,
  who: { type: 'Contact', id: CONTACT },
  whatId: ACCOUNT,
  speakerUserIds: new Map([['p-a0e7b361acc0az191bec7e275z7cae070000-1', OWNER]]),
  ...over,
});

describe('buildDrafts: the documented example', () => {
  const drafts = buildDrafts(insights('documented-example'), resolved(), options());

  it('makes one completed call activity with the call fields', () => {
    expect(drafts.call.key).toBe('ringsense:2728084995017');
    expect(drafts.call.fields).toMatchObject({
      Subject: 'Call from John Smith to Tracy Debolah',
      OwnerId: OWNER,
      WhoId: CONTACT,
      WhatId: ACCOUNT,
      ActivityDate: '2024-09-04',
      Status: 'Completed',
      TaskSubtype: 'Call',
      CallType: 'Outbound',
      CallDurationInSeconds: 126,
    });
    expect(drafts.version).toBe('2024-09-04T21:15:43.591Z');
  });

  it('writes a description a rep reads in seconds: summary, next steps, highlights, then call facts', () => {
    const d = drafts.call.fields.Description;
    expect(d).toBe(
      [
        'Summary (RingSense)',
        'The call is about discussing the tasks and timeline for completing a project.',
        '',
        'Next steps',
        '- [00:42] John Smith: Complete the test with own code for the API.',
        '- [00:56] Tracy Debolah: Write a developer guide for the API.',
        '- [01:05] Tracy Debolah: Send the draft developer guide to John by Friday for review.',
        '- [01:22] John Smith: Publish the developer guide after review and editing.',
        '',
        'Highlights',
        '- [00:28] Tracy Debolah: The developer guide is needed before the partner launch next month.',
        '- [01:05] Tracy Debolah: Tracy agreed to send the draft guide by Friday.',
        '',
        'Outbound call, 2 min 6 s, started 2024-09-04 20:44:16 UTC',
        'RingCentral recording 2728084995017',
        'RingSense insights updated 2024-09-04T21:15:43.591Z',
      ].join('\n'),
    );
    expect(d).not.toContain('Transcript');
  });

  it('records the insights version in a marker it can read back', () => {
    expect(readVersion(drafts.call.fields.Description)).toBe('2024-09-04T21:15:43.591Z');
    expect(readVersion('edited by a rep')).toBeUndefined();
  });

  it('makes one open follow-up per next step, owned by the speaking rep or else the call owner', () => {
    expect(drafts.followUps).toHaveLength(4);
    expect(drafts.followUps.map((f) => [f.fields.Subject, f.fields.OwnerId])).toEqual([
      ['Complete the test with own code for the API.', OWNER],
      ['Write a developer guide for the API.', OWNER],
      ['Send the draft developer guide to John by Friday for review.', OWNER],
      ['Publish the developer guide after review and editing.', OWNER],
    ]);
    for (const f of drafts.followUps) {
      expect(f.fields).toMatchObject({ Status: 'Not Started', TaskSubtype: 'Task', ActivityDate: '2024-09-06', WhoId: CONTACT, WhatId: ACCOUNT, Priority: 'Normal' });
    }
    expect(drafts.followUps[1]!.fields.Description).toContain('Tracy Debolah said this at 00:56 into the call.');
    expect(drafts.followUps[1]!.fields.Description).toContain('Call: Call from John Smith to Tracy Debolah (2024-09-04, RingCentral recording 2728084995017).');
    expect(new Set(drafts.followUps.map((f) => f.key)).size).toBe(4);
  });
});

describe('buildDrafts: options and edge cases', () => {
  it('assigns a step to the internal speaker who said it', () => {
    const body = insights('no-external-speaker');
    const maria = body.speakerInfo[1]!.speakerId;
    const d = buildDrafts(body, resolved({ who: undefined, whatId: undefined, speakerUserIds: new Map([[maria, MARIA]]) }), options());
    expect(d.followUps[0]!.fields.OwnerId).toBe(MARIA);
    expect(d.call.fields.CallType).toBe('Internal');
    expect(d.call.fields.WhoId).toBeUndefined();
    const ownerOnly = buildDrafts(body, resolved({ speakerUserIds: new Map([[maria, MARIA]]) }), options('followUps: { assignTo: owner }'));
    expect(ownerOnly.followUps[0]!.fields.OwnerId).toBe(OWNER);
  });

  it('never relates a Lead call to a record (Salesforce refuses WhatId with a Lead)', () => {
    const d = buildDrafts(insights('documented-example'), resolved({ who: { type: 'Lead', id: '00QDm0000000001MAA' }, whatId: ACCOUNT }), options());
    expect(d.call.fields.WhoId).toBe('00QDm0000000001MAA');
    expect(d.call.fields.WhatId).toBeUndefined();
    expect(d.followUps.every((f) => f.fields.WhatId === undefined)).toBe(true);
  });

  it('honours follow-up and activity settings', () => {
    const d = buildDrafts(
      insights('inbound-highlights'),
      resolved(),
      options('followUps: { dueInBusinessDays: 5, priority: High }\nactivity: { includeHighlights: false, type: Call, subjectPrefix: "[RS] " }'),
    );
    expect(d.call.fields.Subject).toBe("[RS] Call from Sean O'Brien to Maria Garcia");
    expect(d.call.fields.Type).toBe('Call');
    expect(d.call.fields.CallType).toBe('Inbound');
    expect(d.call.fields.Description).not.toContain('Highlights');
    expect(d.call.fields.Description).toContain('RingSense: https://ringsense.ringcentral.com/calls/');
    expect(d.followUps.map((f) => [f.fields.ActivityDate, f.fields.Priority])).toEqual([['2024-09-12', 'High'], ['2024-09-12', 'High']]);
    expect(buildDrafts(insights('inbound-highlights'), resolved(), options('followUps: { enabled: false }')).followUps).toEqual([]);
  });

  it('makes no follow-ups for a call without next steps', () => {
    expect(buildDrafts(insights('no-next-steps'), resolved(), options()).followUps).toEqual([]);
  });

  it('keeps a very long call within 32,000 characters, cutting the transcript first and saying so', () => {
    const d = buildDrafts(insights('very-long-call'), resolved(), options('activity: { includeTranscript: true }'));
    const text = d.call.fields.Description;
    expect(text.length).toBeLessThanOrEqual(DESCRIPTION_LIMIT);
    expect(text.length).toBeGreaterThan(DESCRIPTION_LIMIT - 1000);
    expect(text).toMatch(/\[\d+ of 1500 transcript lines cut to fit Salesforce's 32,000-character limit; the full call is in RingSense\]/);
    expect(text).toContain('Follow up on the onboarding item 20'); // every next step survives
    expect(text).toContain('Highlight 30:');
    expect(d.call.fields.Subject.length).toBeLessThanOrEqual(255);
    expect(d.followUps).toHaveLength(20);
  });

  it('cuts highlights and next steps only when the summary alone nearly fills the limit', () => {
    const body = insights('very-long-call');
    const huge = { ...body, insights: { ...body.insights, Summary: [{ value: 'Budget. '.repeat(3900) }] } };
    const text = buildDrafts(huge, resolved(), options()).call.fields.Description;
    expect(text.length).toBeLessThanOrEqual(DESCRIPTION_LIMIT);
    expect(text).toMatch(/highlights cut to fit/);
    expect(text.startsWith('Summary (RingSense)\nBudget.')).toBe(true);
  });

  it('cuts a subject over 255 characters on a word boundary', () => {
    const body = { ...insights('documented-example'), title: 'Quarterly review '.repeat(30) };
    const subject = buildDrafts(body, resolved(), options()).call.fields.Subject;
    expect(subject.length).toBeLessThanOrEqual(255);
    expect(subject).toMatch(/^Quarterly review( Quarterly review)* Quarterly…$/);
  });

  it('writes a step said twice as one follow-up', () => {
    const body = insights('documented-example');
    const twice = { ...body, insights: { ...body.insights, NextSteps: [...body.insights.NextSteps, { ...body.insights.NextSteps[0]!, value: 'complete the test with own code for the API' }] } };
    expect(buildDrafts(twice, resolved(), options()).followUps).toHaveLength(4);
  });
});
