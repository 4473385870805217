import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { parseInsightsNotification, type RecordingInsights } from '../../../src/ringcentral/insights-event.schema.ts';
import type { ResolvedParticipants } from '../../../src/mapping/resolve-participants.ts';
import { buildDrafts, type ActivityDraft, type TaskFields } from '../../../src/sync/build-drafts.ts';
import { DESCRIPTION_LIMIT, readVersion } from '../../../src/sync/describe-call.ts';
import { loadEventFixture, type FixtureName, asCall } from '../../support/fixtures.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';

/** A call activity's fields, which must be a Task's. */
function taskFields(d: ActivityDraft): TaskFields {
  if (d.kind === 'meeting') throw new Error('expected a Task, got an Event');
  return d.fields;
}

const OWNER = '005Dm0000000001IAA';
const MARIA = '005Dm0000000002IAA';
const CONTACT = '003Dm0000000001IAA';
const ACCOUNT = '001Dm0000000001IAA';

function insights(name: FixtureName): RecordingInsights {
  const r = parseInsightsNotification(loadEventFixture(name), ACE_DOMAINS);
  if (!r.ok) throw new Error(r.error.message);
  return asCall(r.value.body);
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
        'RingCentral recording 2728084995017, session s-a0e7b361acc0az191bec7e275z7cae070000',
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
    expect(taskFields(d.call).CallType).toBe('Internal');
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
    expect(taskFields(d.call).CallType).toBe('Inbound');
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

describe('buildDrafts: control and bidirectional characters in the payload', () => {
  /** What must never reach Salesforce: C0 controls (LF aside, in a Description), DEL, C1, ESC sequences, bidi controls. */
  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
  // eslint-disable-next-line no-control-regex
  const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
  /** A hostile variant of `text`: a forged line (CRLF), NUL, BEL, an ANSI colour and a right-to-left override in it. */
  const hostile = (text: string) => `${text}\r\nINJECTED: x\u0000\u0007 \u001b[31mred\u001b[0m \u202eevil`;
  const cleaned = (text: string) => `${text} INJECTED: x red evil`;
  const withTranscript = () => options('activity: { includeTranscript: true, subjectPrefix: "RS\\u0007\\t" }');

  const body = insights('documented-example');
  const hostileBody: RecordingInsights = {
    ...body,
    title: hostile(body.title),
    speakerInfo: body.speakerInfo.map((s) => ({ ...s, name: hostile(s.name ?? '') })),
    insights: {
      ...body.insights,
      Transcript: body.insights.Transcript.map((u) => ({ ...u, text: hostile(u.text) })),
      Summary: body.insights.Summary.map((s) => ({ ...s, value: hostile(s.value) })),
      Highlights: body.insights.Highlights.map((h) => ({ ...h, value: hostile(h.value) })),
      NextSteps: body.insights.NextSteps.map((n) => ({ ...n, value: hostile(n.value) })),
    },
  };
  const clean = buildDrafts(body, resolved(), withTranscript());
  const drafts = buildDrafts(hostileBody, resolved(), withTranscript());
  const all = [drafts.call, ...drafts.followUps];

  it('writes no control, escape or bidi character in any Subject or Description, and no line break in a Subject', () => {
    for (const d of all) {
      expect(d.fields.Subject).not.toMatch(CONTROL_OR_BREAK);
      expect(d.fields.Description).not.toMatch(CONTROL);
    }
    expect(drafts.call.fields.Subject).toBe(`RS ${cleaned(body.title)}`);
    expect(drafts.followUps.map((f) => f.fields.Subject)).toEqual(body.insights.NextSteps.map((n) => cleaned(n.value)));
  });

  it('keeps the product\'s lines: a payload line break starts no line of its own', () => {
    for (const d of all) {
      const lines = d.fields.Description.split('\n');
      expect(lines.filter((l) => l.startsWith('INJECTED'))).toEqual([]);
    }
    expect(drafts.call.fields.Description.split('\n')).toHaveLength(clean.call.fields.Description.split('\n').length);
    expect(drafts.followUps.map((f) => f.fields.Description.split('\n').length)).toEqual(clean.followUps.map((f) => f.fields.Description.split('\n').length));
    expect(drafts.call.fields.Description).toContain(`- [00:56] ${cleaned('Tracy Debolah')}: ${cleaned('Write a developer guide for the API.')}`);
  });

  it('knows a step again by its wording whatever control characters it came with', () => {
    const noisy = { ...body, insights: { ...body.insights, NextSteps: body.insights.NextSteps.map((n) => ({ ...n, value: `\u202e${n.value.replace(/ /g, ' \u0000')}\u0007` })) } };
    expect(buildDrafts(noisy, resolved(), options()).followUps.map((f) => f.key)).toEqual(buildDrafts(body, resolved(), options()).followUps.map((f) => f.key));
  });

  it('leaves ordinary text as it was (accents, other scripts, emoji)', () => {
    const text = 'Zoë and 山田 agreed 👍🏽: مرحبا';
    const d = buildDrafts({ ...body, title: text, insights: { ...body.insights, NextSteps: [{ value: text, speakerId: body.speakerInfo[1]!.speakerId }] } }, resolved(), options());
    expect(d.call.fields.Subject).toBe(text);
    expect(d.followUps[0]!.fields.Subject).toBe(text);
  });
});

describe('buildDrafts: a speaker name longer than any Name', () => {
  it('labels the speaker with at most 121 characters, cut on a word, so the lines keep their content', () => {
    const body = insights('documented-example');
    const long = `Tracy ${'Debolah '.repeat(1875)}`.trim();
    const d = buildDrafts({ ...body, speakerInfo: body.speakerInfo.map((s, i) => (i === 1 ? { ...s, name: long } : s)) }, resolved(), options());
    const line = d.call.fields.Description.split('\n').find((l) => l.startsWith('- [00:56] '))!;
    const label = line.slice('- [00:56] '.length, line.indexOf(': Write'));
    expect(label.length).toBeLessThanOrEqual(121);
    expect(label).toMatch(/^Tracy( Debolah)+…$/);
    expect(d.call.fields.Description).not.toMatch(/cut to fit/);
    expect(d.followUps[1]!.fields.Description).toContain(`${label} said this at 00:56 into the call.`);
  });
});

describe("buildDrafts: dates in the rep's day", () => {
  const lateEvening = { ...insights('documented-example'), recordingStartTime: '2024-09-05T02:30:00Z' }; // Wed 4th, 7:30 pm PDT

  it("dates a late-evening call on the rep's own day and its follow-ups two business days after it, in that zone", () => {
    const d = buildDrafts(lateEvening, resolved({ ownerTimeZone: 'America/Los_Angeles' }), options());
    expect(taskFields(d.call).ActivityDate).toBe('2024-09-04');
    expect(d.followUps.map((f) => f.fields.ActivityDate)).toEqual(['2024-09-06', '2024-09-06', '2024-09-06', '2024-09-06']); // Friday
    expect(d.followUps[0]!.fields.Description).toContain('(2024-09-04, RingCentral recording 2728084995017)');
  });

  it('uses the same instant in another zone: the next day in Tokyo, and UTC when no zone is given', () => {
    const tokyo = buildDrafts(lateEvening, resolved({ ownerTimeZone: 'Asia/Tokyo' }), options());
    expect([taskFields(tokyo.call).ActivityDate, tokyo.followUps[0]!.fields.ActivityDate]).toEqual(['2024-09-05', '2024-09-09']); // Thu -> Mon
    const utc = buildDrafts(lateEvening, resolved(), options());
    expect([taskFields(utc.call).ActivityDate, utc.followUps[0]!.fields.ActivityDate]).toEqual(['2024-09-05', '2024-09-09']);
  });

  it('counts business days from Friday for a call at 02:30 UTC on a Saturday (Friday evening in Los Angeles)', () => {
    const saturday = { ...lateEvening, recordingStartTime: '2024-09-07T02:30:00Z' };
    const sameDay = buildDrafts(saturday, resolved({ ownerTimeZone: 'America/Los_Angeles' }), options('followUps: { dueInBusinessDays: 0 }'));
    expect([taskFields(sameDay.call).ActivityDate, sameDay.followUps[0]!.fields.ActivityDate]).toEqual(['2024-09-06', '2024-09-06']);
    const twoDays = buildDrafts(saturday, resolved({ ownerTimeZone: 'America/Los_Angeles' }), options());
    expect(twoDays.followUps[0]!.fields.ActivityDate).toBe('2024-09-10'); // Tuesday
  });

  it("dates a follow-up another rep said in the call owner's day too", () => {
    const body = { ...insights('no-external-speaker'), recordingStartTime: '2024-09-05T02:30:00Z' };
    const maria = body.speakerInfo[1]!.speakerId;
    const d = buildDrafts(body, resolved({ ownerTimeZone: 'America/Los_Angeles', who: undefined, whatId: undefined, speakerUserIds: new Map([[maria, MARIA]]) }), options());
    expect(d.followUps[0]!.fields).toMatchObject({ OwnerId: MARIA, ActivityDate: '2024-09-06' });
  });
});
