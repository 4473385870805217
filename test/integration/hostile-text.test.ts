/**
 * Hostile text in an event, through the whole product (the RingCentral simulator's raw publish, the service, real
 * Redis, jsforce against the Salesforce simulator): what Salesforce ends up holding.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_MAPPING_YAML } from '../../src/demo/demo-seed.ts';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { startPipeline, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

type Unit = Record<string, unknown> & { value: string };
type Body = Record<string, unknown> & {
  title: string;
  speakerInfo: Array<Record<string, unknown> & { name: string; extensionId: string | null }>;
  insights: { Transcript: Array<Record<string, unknown> & { text: string }>; Summary: Unit[]; HighLights: Unit[]; NextSteps: Unit[] };
};
const doc = (): Body => structuredClone(sampleCalls()['documented-example'].body) as unknown as Body;
const calls = (p: Pipeline) => p.tasks().filter((t) => t.TaskSubtype === 'Call');

describe('hostile text in an event', () => {
  it('a 15,000-character speaker name: the lookup by name answers and the call is written', async () => {
    p = await startPipeline();
    const body = doc();
    // A recording the call log does not know: no number, so the external party is looked for by name.
    body.sourceRecordId = '900000000000150';
    body.sourceSessionId = 's-hostile-long-name';
    const long = `Tracy ${'Debolah '.repeat(1875)}`.trim();
    body.speakerInfo.find((s) => s.extensionId === null)!.name = long;
    p.sims.sf.resetCounters();
    p.sims.rc.publishRaw(body);
    expect(await p.settled(1, 60_000)).toEqual({ completed: 1, failed: 0 });
    expect(p.sims.sf.counters().byKind.search ?? 0).toBeGreaterThan(0); // the name was searched for
    const [call] = calls(p);
    expect(call?.Subject).toBe('Call from John Smith to Tracy Debolah');
    const description = String(call?.Description);
    expect(description).toMatch(/^- \[00:56\] Tracy( Debolah)+…: Write a developer guide for the API\.$/m);
    expect(description).not.toContain('cut to fit');
  });

  it('NUL, BEL, an ANSI escape, U+202E and a CRLF line in names, title, transcript and insights: none reaches a Task', async () => {
    p = await startPipeline({ mappingYaml: DEMO_MAPPING_YAML.replace('activity:\n', 'activity:\n  includeTranscript: true\n') });
    const hostile = (text: string) => `${text}\r\nINJECTED: x\u0000\u0007 \u001b[31mred\u001b[0m \u202eevil`;
    const cleaned = (text: string) => `${text} INJECTED: x red evil`;
    const body = doc();
    body.title = hostile(body.title);
    for (const s of body.speakerInfo) s.name = hostile(s.name);
    for (const u of body.insights.Transcript) u.text = hostile(u.text);
    for (const list of [body.insights.Summary, body.insights.HighLights, body.insights.NextSteps]) for (const u of list) u.value = hostile(u.value);
    p.sims.rc.publishRaw(body);
    expect(await p.settled(1, 60_000)).toEqual({ completed: 1, failed: 0 });

    const tasks = p.tasks();
    expect(tasks).toHaveLength(5); // the call activity and its four follow-ups
    for (const t of tasks) {
      const subject = String(t.Subject);
      const description = String(t.Description);
      // eslint-disable-next-line no-control-regex
      expect(subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      // eslint-disable-next-line no-control-regex
      expect(description).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(description.split('\n').filter((l) => l.startsWith('INJECTED'))).toEqual([]);
    }
    const [call] = calls(p);
    expect(call?.Subject).toBe(cleaned('Call from John Smith to Tracy Debolah'));
    const lines = String(call?.Description).split('\n');
    const john = cleaned('John Smith');
    const tracy = cleaned('Tracy Debolah');
    expect(lines).toContain(cleaned('The call is about discussing the tasks and timeline for completing a project.'));
    expect(lines).toContain(`- [00:56] ${tracy}: ${cleaned('Write a developer guide for the API.')}`);
    expect(lines).toContain(`[00:02] ${john}: ${cleaned('Okay, I record this meeting so we will have the RingSense meeting insights.')}`);
    const followUps = tasks.filter((t) => t.TaskSubtype === 'Task').map((t) => String(t.Subject)).sort();
    expect(followUps).toEqual(doc().insights.NextSteps.map((n) => cleaned(n.value)).sort());
  });
});
