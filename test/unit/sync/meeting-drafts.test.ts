import { describe, expect, it } from 'vitest';
import { rcvFacts } from '../../support/meeting-facts.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';
import { completeMeeting } from '../../../src/calls/meeting.ts';
import type { MeetingFacts } from '../../../src/calls/meeting-facts.ts';
import { isMeeting, type MeetingInsights, type RecordingInsights } from '../../../src/calls/recording-insights.ts';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { MS_TEAMS_SAMPLE_MEETING_ID, msTeamsSampleMeeting, RCV_SAMPLE_MEETING_ID, rcvSampleMeeting } from '../../../src/demo/sample-meetings.ts';
import type { ResolvedParticipants } from '../../../src/mapping/resolve-participants.ts';
import { parseInsightsBody } from '../../../src/ringcentral/insights-event.schema.ts';
import { buildDrafts, speakerNamer, type ActivityDraft, type CallDrafts, type EventDraft, type EventFields, type TaskFields } from '../../../src/sync/build-drafts.ts';
import { meetingMarker } from '../../../src/sync/call-key.ts';
import { describeCall, readVersion } from '../../../src/sync/describe-call.ts';
import { diffTasks } from '../../../src/sync/diff-tasks.ts';
import { plainInsights } from '../../../src/sync/plain-insights.ts';
import type { FoundTask } from '../../../src/sync/task-store.port.ts';

const OWNER = '005Dm0000000001IAA';
const MARIA = '005Dm0000000002IAA';
const CONTACT = '003Dm0000000001IAA';
const LEAD = '00QDm0000000001IAA';
const ACCOUNT = '001Dm0000000001IAA';

function parsed(body: unknown): MeetingInsights {
  const r = parseInsightsBody(body, ACE_DOMAINS);
  if (!r.ok) throw new Error(r.error.message);
  if (!isMeeting(r.value)) throw new Error('expected a meeting');
  return r.value;
}


/** A meeting as the worker hands it to buildDrafts: completed from its insights (and facts, when given). */
function meeting(body: unknown, facts: MeetingFacts | undefined): RecordingInsights {
  const c = completeMeeting(parsed(body), facts);
  if (!c.ok) throw new Error(c.message);
  return c.call;
}

const rcv = (over: Partial<MeetingFacts> = {}) => meeting(rcvSampleMeeting().insights, rcvFacts(over));
const teams = () => meeting(msTeamsSampleMeeting().insights, undefined);

function options(yaml = '') {
  const m = parseMapping(yaml, 'm.yaml').mapping;
  return { activity: m.activity, followUps: m.followUps, meetings: m.meetings };
}

const resolved = (over: Partial<ResolvedParticipants> = {}): ResolvedParticipants => ({
  ownerUserId: OWNER,
  who: { type: 'Contact', id: CONTACT },
  whatId: ACCOUNT,
  speakerUserIds: new Map([['f130_28008', MARIA]]),
  ...over,
});

function event(d: ActivityDraft): EventDraft {
  if (d.kind !== 'meeting') throw new Error(`expected an Event, got a ${d.kind} Task`);
  return d;
}

function task(d: ActivityDraft): TaskFields {
  if (d.kind === 'meeting') throw new Error('expected a Task, got an Event');
  return d.fields;
}

const lines = (text: string) => text.split('\n');

/** As buildDrafts calls it: the payload's text through plainInsights, speakers by name. */
function describe_(call: RecordingInsights): string {
  const plain = plainInsights(call);
  return describeCall(plain, { includeHighlights: true, includeNextSteps: true, includeTranscript: false, speakerName: speakerNamer(plain) });
}

describe('buildDrafts: a meeting recorded as an Event', () => {
  const drafts = buildDrafts(rcv(), resolved(), options('activity:\n  subjectPrefix: "[RS] "\n'));
  const call = event(drafts.call);

  it('makes one completed Event at the meeting\'s time', () => {
    expect(call.key).toBe(`ringsense:${RCV_SAMPLE_MEETING_ID}`);
    expect(call.fields).toEqual({
      Subject: '[RS] Northwind rollout planning',
      Description: call.fields.Description,
      OwnerId: OWNER,
      StartDateTime: '2024-09-17T15:00:00.000Z',
      DurationInMinutes: 21,
      EventSubtype: 'Event',
      WhoId: CONTACT,
      WhatId: ACCOUNT,
    } satisfies EventFields);
    expect(drafts.version).toBe('2024-09-17T15:28:35.036Z');
    expect(drafts.sourceRecordId).toBe(RCV_SAMPLE_MEETING_ID);
  });

  it('carries none of a Task\'s fields', () => {
    for (const f of ['ActivityDate', 'Status', 'Priority', 'TaskSubtype', 'CallType', 'CallDurationInSeconds']) expect(call.fields).not.toHaveProperty(f);
  });

  it('its marker is the meeting\'s, and a line of its Description', () => {
    expect(call.marker).toBe(meetingMarker(RCV_SAMPLE_MEETING_ID));
    expect(call.marker).toBe(`RingCentral meeting ${RCV_SAMPLE_MEETING_ID}`);
    expect(lines(call.fields.Description)).toContain(call.marker);
    expect(readVersion(call.fields.Description)).toBe(drafts.version);
  });

  it('the mapping\'s Type goes on the Event too', () => {
    const d = buildDrafts(rcv(), resolved(), options('activity:\n  type: Meeting\n'));
    expect(event(d.call).fields.Type).toBe('Meeting');
  });

  it('StartDateTime in UTC whatever offset the start came with', () => {
    const d = buildDrafts(rcv({ startTime: '2024-09-17T17:00:00+02:00' }), resolved(), options());
    expect(event(d.call).fields.StartDateTime).toBe('2024-09-17T15:00:00.000Z');
  });

  it('DurationInMinutes: whole minutes, rounded, and at least one', () => {
    const minutes = (seconds: number) => event(buildDrafts(rcv({ durationSeconds: seconds }), resolved(), options()).call).fields.DurationInMinutes;
    expect(minutes(0)).toBe(1);
    expect(minutes(29)).toBe(1);
    expect(minutes(89)).toBe(1);
    expect(minutes(90)).toBe(2);
    expect(minutes(1260)).toBe(21);
    expect(minutes(1289)).toBe(21);
    expect(minutes(1290)).toBe(22);
    expect(minutes(4 * 3600)).toBe(240);
  });

  it('a Lead: WhoId without WhatId, as for a call', () => {
    const d = buildDrafts(rcv(), resolved({ who: { type: 'Lead', id: LEAD }, whatId: ACCOUNT }), options());
    expect(d.call.fields.WhoId).toBe(LEAD);
    expect(d.call.fields).not.toHaveProperty('WhatId');
    for (const f of d.followUps) {
      expect(f.fields.WhoId).toBe(LEAD);
      expect(f.fields).not.toHaveProperty('WhatId');
    }
  });

  it('nobody matched: neither WhoId nor WhatId', () => {
    const d = buildDrafts(rcv(), resolved({ who: undefined, whatId: undefined }), options());
    expect(d.call.fields).not.toHaveProperty('WhoId');
    expect(d.call.fields).not.toHaveProperty('WhatId');
  });

  it('a meeting without a title: "Meeting" after the prefix', () => {
    const d = buildDrafts(meeting({ ...rcvSampleMeeting().insights, title: '  ' }, rcvFacts({ title: undefined })), resolved(), options('activity:\n  subjectPrefix: "RS: "\n'));
    expect(d.call.fields.Subject).toBe('RS: Meeting');
  });
});

describe('buildDrafts: a meeting\'s follow-ups', () => {
  const drafts = buildDrafts(rcv(), resolved(), options('activity:\n  subjectPrefix: "[RS] "\n'));

  it('one open Task per next step, saying where in the meeting it came up and which meeting', () => {
    expect(drafts.followUps).toHaveLength(3);
    const [first] = drafts.followUps;
    expect(first?.fields).toMatchObject({
      Subject: 'Send Northwind the revised quote with the training package by Thursday.',
      OwnerId: MARIA,
      ActivityDate: '2024-09-19',
      Status: 'Not Started',
      TaskSubtype: 'Task',
      WhoId: CONTACT,
      WhatId: ACCOUNT,
    });
    expect(first?.fields.Description).toBe(
      [
        'Send Northwind the revised quote with the training package by Thursday.',
        '',
        'Maria Garcia said this at 00:42 into the recording.',
        `Meeting: Northwind rollout planning (2024-09-17, RingCentral meeting ${RCV_SAMPLE_MEETING_ID}).`,
        'Next step captured by RingSense for Sales.',
      ].join('\n'),
    );
  });

  it('never says "call"', () => {
    for (const f of drafts.followUps) {
      expect(f.fields.Description).toContain('into the recording.');
      expect(f.fields.Description).not.toMatch(/into the call|Call:|RingCentral recording/);
      expect(lines(f.fields.Description)).toContain(`Meeting: Northwind rollout planning (2024-09-17, ${meetingMarker(RCV_SAMPLE_MEETING_ID)}).`);
    }
  });

  it('an untitled meeting is named "Meeting" in its follow-ups', () => {
    const d = buildDrafts(meeting({ ...rcvSampleMeeting().insights, title: '' }, rcvFacts({ title: undefined })), resolved(), options());
    expect(d.followUps[0]?.fields.Description).toContain(`\nMeeting: Meeting (2024-09-17, RingCentral meeting ${RCV_SAMPLE_MEETING_ID}).\n`);
  });

  it('the date is the owner\'s day', () => {
    const d = buildDrafts(rcv({ startTime: '2024-09-17T02:00:00.000Z' }), resolved({ ownerTimeZone: 'America/Los_Angeles' }), options());
    expect(d.followUps[0]?.fields.Description).toContain(`(2024-09-16, RingCentral meeting ${RCV_SAMPLE_MEETING_ID})`);
    expect(d.followUps[0]?.fields.ActivityDate).toBe('2024-09-18');
  });
});

describe('buildDrafts: a meeting recorded as a Task (meetings.recordAs: task)', () => {
  const drafts = buildDrafts(rcv(), resolved(), options('meetings:\n  recordAs: task\n'));

  it('a completed Task, not a phone call: no CallType, no CallDurationInSeconds', () => {
    expect(drafts.call.kind).toBe('call');
    expect(drafts.call).not.toHaveProperty('marker');
    const f = task(drafts.call);
    expect(f).toEqual({
      Subject: 'Northwind rollout planning',
      Description: f.Description,
      OwnerId: OWNER,
      ActivityDate: '2024-09-17',
      Status: 'Completed',
      Priority: 'Normal',
      TaskSubtype: 'Task',
      WhoId: CONTACT,
      WhatId: ACCOUNT,
    } satisfies TaskFields);
  });

  it('its Description still describes a meeting', () => {
    const d = drafts.call.fields.Description;
    expect(lines(d)).toContain(meetingMarker(RCV_SAMPLE_MEETING_ID));
    expect(d).toContain('RingCentral Video meeting, 21 min, started 2024-09-17 15:00:00 UTC');
  });

  it('an ms-teams meeting as a Task too', () => {
    const d = buildDrafts(teams(), resolved(), options('meetings:\n  recordAs: task\n'));
    expect(task(d.call)).toMatchObject({ TaskSubtype: 'Task', ActivityDate: '2024-09-18' });
    expect(d.call.fields).not.toHaveProperty('CallType');
  });

  it('the default (and recordAs: event) is an Event', () => {
    expect(buildDrafts(rcv(), resolved(), options()).call.kind).toBe('meeting');
    expect(buildDrafts(rcv(), resolved(), options('meetings:\n  recordAs: event\n')).call.kind).toBe('meeting');
    expect(buildDrafts(rcv(), resolved(), { ...options(), meetings: undefined }).call.kind).toBe('meeting');
  });
});

describe('describeCall: a meeting\'s facts', () => {
  it('an rcv meeting with its facts: platform, length, start, attendees, the marker, the version', () => {
    const d = describe_(rcv());
    const facts = d.split('\n\n').at(-1);
    expect(facts).toBe(
      [
        'RingCentral Video meeting, 21 min, started 2024-09-17 15:00:00 UTC',
        "Attendees: Maria Garcia, Sean O'Brien, Tracy Debolah",
        `RingCentral meeting ${RCV_SAMPLE_MEETING_ID}`,
        'RingSense insights updated 2024-09-17T15:28:35.036Z',
      ].join('\n'),
    );
    expect(d).not.toContain('estimated');
    expect(d).not.toMatch(/RingCentral recording|session /);
  });

  it('an ms-teams meeting: its time said to be estimated', () => {
    const d = describe_(teams());
    expect(d.split('\n\n').at(-1)).toBe(
      [
        'Microsoft Teams meeting, 47 s, started 2024-09-18 09:40:25 UTC (estimated from the insights)',
        'Attendees: Maria Garcia, Priya Natarajan, Lukas Becker',
        `RingCentral meeting ${MS_TEAMS_SAMPLE_MEETING_ID}`,
        'RingSense insights updated 2024-09-18T09:41:12.205Z',
      ].join('\n'),
    );
  });

  it('not estimated when the payload gave the start', () => {
    const d = describe_(meeting({ ...msTeamsSampleMeeting().insights, recordingStartTime: '2024-09-18T09:30:00.000Z', recordingDurationMs: 600_000 }, undefined));
    expect(d).toContain('Microsoft Teams meeting, 10 min, started 2024-09-18 09:30:00 UTC\n');
    expect(d).not.toContain('estimated');
  });

  it('at most 50 attendees by name, then how many more', () => {
    const names = Array.from({ length: 63 }, (_, i) => `Person ${i + 1}`);
    const d = describe_(rcv({ participants: names.map((name) => ({ name, extensionId: undefined, callerId: undefined })) }));
    const line = lines(d).find((l) => l.startsWith('Attendees: '));
    expect(line).toBe(`Attendees: ${names.slice(0, 50).join(', ')} and 13 more`);
  });

  it('exactly 50 attendees: no "more"', () => {
    const names = Array.from({ length: 50 }, (_, i) => `Person ${i + 1}`);
    const d = describe_(rcv({ participants: names.map((name) => ({ name, extensionId: undefined, callerId: undefined })) }));
    expect(lines(d).find((l) => l.startsWith('Attendees: '))).toBe(`Attendees: ${names.join(', ')}`);
  });

  it('a very long attendee name is cut', () => {
    const long = `Dr ${'Bartholomew '.repeat(30)}Smith`;
    const d = describe_(rcv({ participants: [{ name: 'Maria Garcia', extensionId: '62288320002', callerId: undefined }, { name: long, extensionId: undefined, callerId: undefined }] }));
    const line = lines(d).find((l) => l.startsWith('Attendees: '))!;
    expect(line.length).toBeLessThan('Attendees: Maria Garcia, '.length + 125);
    expect(line).toMatch(/^Attendees: Maria Garcia, Dr Bartholomew .*…$/);
  });

  it('no attendees by name: no attendees line', () => {
    const d = describe_(rcv({ participants: [{ name: undefined, extensionId: undefined, callerId: '+15550000000' }] }));
    expect(d).not.toContain('Attendees:');
    expect(lines(d)).toContain(meetingMarker(RCV_SAMPLE_MEETING_ID));
  });

  it('a hostile attendee name comes out on one line, through buildDrafts', () => {
    const hostile = 'Eve\r\nINJECTED: evil\u0007\u001b[31m red\u202e\u0000';
    const call = rcv({
      participants: [
        { name: 'Maria Garcia', extensionId: '62288320002', callerId: undefined },
        { name: hostile, extensionId: undefined, callerId: undefined },
        { name: '\u0007\u001b[0m', extensionId: undefined, callerId: undefined },
      ],
    });
    const d = buildDrafts(call, resolved(), options()).call.fields.Description;
    expect(lines(d).filter((l) => l.startsWith('INJECTED'))).toEqual([]);
    expect(lines(d)).toContain('Attendees: Maria Garcia, Eve INJECTED: evil red');
    // eslint-disable-next-line no-control-regex
    expect(d).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });
});

describe('found while testing, fixed', () => {
  // The facts line gives the start in UTC: a start with an offset (the meeting history's startTime and a payload's
  // recordingStartTime are both accepted with one) is the Event's StartDateTime's instant.
  it('the facts line gives the start in UTC when it came with an offset', () => {
    const d = buildDrafts(rcv({ startTime: '2024-09-17T17:00:00.000+02:00' }), resolved(), options()).call.fields.Description;
    expect(d).toContain('RingCentral Video meeting, 21 min, started 2024-09-17 15:00:00 UTC\n');
  });

  // Attendees are de-duplicated as plain text: two names that differ only by a character plain text drops (a bidi
  // mark, a control) are one.
  it('each attendee once, also when names differ only by what plain text drops', () => {
    const call = rcv({
      participants: [
        { name: 'Maria Garcia', extensionId: '62288320002', callerId: undefined },
        { name: 'Sean OBrien\u200e', extensionId: undefined, callerId: undefined },
        { name: 'Sean OBrien', extensionId: undefined, callerId: undefined },
      ],
    });
    const d = buildDrafts(call, resolved(), options()).call.fields.Description;
    expect(lines(d)).toContain('Attendees: Maria Garcia, Sean OBrien');
  });
});

describe('diffTasks: a meeting\'s Event', () => {
  const drafts: CallDrafts = buildDrafts(rcv(), resolved(), options());
  const call = event(drafts.call);
  const described = (version: string) => `Summary (RingSense)\nThe meeting.\n\n${call.marker}\nRingSense insights updated ${version}`;
  const found = (entries: Array<[string, string, string | undefined]>): Map<string, FoundTask> => new Map(entries.map(([key, id, d]) => [key, { id, description: d }]));

  it('an older version there: updates only Subject and Description, on the Event', () => {
    const [a] = drafts.followUps;
    const existing = found([[call.key, '00U1', described('2024-09-17T15:00:00Z')], [a!.key, '00T2', 'step']]);
    expect(diffTasks(drafts, existing)).toEqual({
      kind: 'write',
      create: drafts.followUps.slice(1),
      callTaskId: '00U1',
      update: { id: '00U1', sobject: 'Event', fields: { Subject: call.fields.Subject, Description: call.fields.Description } },
    });
  });

  it('the same version there: no update', () => {
    const diff = diffTasks(drafts, found([[call.key, '00U1', described(drafts.version)]]));
    expect(diff).toEqual({ kind: 'write', create: drafts.followUps, callTaskId: '00U1' });
  });

  it('a newer version there: nothing', () => {
    expect(diffTasks(drafts, found([[call.key, '00U1', described('2024-09-18T00:00:00Z')]]))).toEqual({ kind: 'older', callTaskId: '00U1', followUpsPresent: 0 });
  });

  it('a meeting recorded as a Task updates the Task, with no call fields', () => {
    const asTask = buildDrafts(rcv(), resolved(), options('meetings:\n  recordAs: task\n'));
    const diff = diffTasks(asTask, found([[asTask.call.key, '00T1', described('2024-09-17T15:00:00Z')]]));
    expect(diff).toMatchObject({ kind: 'write', update: { id: '00T1', sobject: 'Task', fields: { Subject: asTask.call.fields.Subject, Description: asTask.call.fields.Description, ActivityDate: '2024-09-17' } } });
    if (diff.kind !== 'write') return;
    expect(Object.keys(diff.update?.fields ?? {}).sort()).toEqual(['ActivityDate', 'Description', 'Subject']);
  });
});
