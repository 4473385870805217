/**
 * Typed field mapping (mapping `fields.task`) through the whole product: simulators with the org's custom fields
 * (a restricted picklist, a number, a URL), real Redis, listener, worker, jsforce. Typed values are written; a
 * picklist value missing from the org is reported by `config check --online` before anything is written, and at
 * write time the call is still written without the field, the refusal logged, counted and listed by the CLI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_MAPPING_YAML, demoSeed } from '../../src/demo/demo-seed.ts';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import type { CustomFieldSpec } from '../../src/simulators/salesforce/schema.ts';
import { runCli } from '../support/cli.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

const SENTIMENT: CustomFieldSpec = { name: 'RingSense_Sentiment__c', label: 'Sentiment', type: 'picklist', picklistValues: ['Positive', 'Neutral', 'Negative'], restrictedPicklist: true };
const SCORE: CustomFieldSpec = { name: 'RingSense_Score__c', label: 'AI Score', type: 'double', precision: 3, scale: 0 };
const LINK: CustomFieldSpec = { name: 'RingSense_Link__c', label: 'RingSense Link', type: 'url' };
const MAPPING = `${DEMO_MAPPING_YAML}
fields:
  task:
    RingSense_Sentiment__c: sentiment
    RingSense_Score__c: aiScore
    RingSense_Link__c: rsRecordUri
`;
const LINK_URL = 'https://ringsense.ringcentral.com/calls/cfddf168-4749-4926-baf0-c2a2054eb36c';

type Body = Record<string, unknown> & { insights: Record<string, unknown> };
const DOC = sampleCalls()['documented-example'].body;
/** The documented example as a call with a sentiment, a score and a link, under its own record id. */
const call = (id: string, sentiment: string, score: string, lastModifiedTime?: string): Body => {
  const b = structuredClone(DOC) as Body;
  b.sourceRecordId = id;
  b.sourceSessionId = `s-${id}`;
  b.rsRecordUri = LINK_URL;
  b.insights = { ...b.insights, Sentiment: [{ value: sentiment }], AIScore: [{ value: score }] };
  if (lastModifiedTime) b.lastModifiedTime = lastModifiedTime;
  return b;
};
const seed = (fields: CustomFieldSpec[]) => {
  const s = demoSeed();
  return { ...s, salesforce: { ...s.salesforce, fields: { Task: fields } } };
};
const callTask = (p: Pipeline, id: string) => p.tasks().find((t) => t.CallObject === `ringsense:${id}`);

let p: Pipeline | undefined;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'field-mapping-'));
});
afterEach(async () => {
  await p?.stop();
  p = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('typed field mapping through the pipeline', () => {
  it('writes sentiment to a restricted picklist, aiScore to a number and rsRecordUri to a URL; a newer version updates them; Task described once', async () => {
    p = await startPipeline({ mappingYaml: MAPPING, sims: { seed: seed([SENTIMENT, SCORE, LINK]) } });
    p.sims.rc.publishInsights(call('7100000000001', 'Positive', '8'));
    p.sims.rc.publishInsights(call('7100000000002', 'Negative', '3'));
    expect(await p.settled(2)).toEqual({ completed: 2, failed: 0 });
    expect(callTask(p, '7100000000001')).toMatchObject({ RingSense_Sentiment__c: 'Positive', RingSense_Score__c: 8, RingSense_Link__c: LINK_URL, OwnerId: DEMO_IDS.userJohn });
    expect(callTask(p, '7100000000002')).toMatchObject({ RingSense_Sentiment__c: 'Negative', RingSense_Score__c: 3 });
    // The follow-ups carry none of them.
    expect(p.tasks().filter((t) => t.TaskSubtype === 'Task').every((t) => t.RingSense_Sentiment__c === undefined || t.RingSense_Sentiment__c === null)).toBe(true);
    p.sims.rc.publishInsights(call('7100000000001', 'Neutral', '9', '2024-09-05T10:00:00.000Z'));
    await p.settled(3);
    await waitFor(() => callTask(p!, '7100000000001')?.RingSense_Sentiment__c === 'Neutral', 10_000, 'the newer version');
    expect(callTask(p, '7100000000001')).toMatchObject({ RingSense_Score__c: 9 });
    expect(p.sims.sf.counters().byKind.describe).toBe(1);
    expect(p.logs.filter((l) => l.message === 'mapped_field_refused')).toEqual([]);
  });

  it('a picklist value missing from the org: `config check --online` says so before anything is written; at write time the call is written without it, and the refusal is logged, counted and listed', async () => {
    p = await startPipeline({ mappingYaml: MAPPING, sims: { seed: seed([{ ...SENTIMENT, picklistValues: ['Positive', 'Negative'] }, SCORE, LINK]) } });
    const file = join(dir, 'mapping.yaml');
    writeFileSync(file, MAPPING);
    const checked = await runCli(['config', 'check', '--online', '--file', file], { env: { ...p.sims.env } });
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/Task field\s+fields\.task\.RingSense_Sentiment__c\s+Task\.RingSense_Sentiment__c is a restricted picklist without "Neutral": add it to its values, or map sentiment to values it has/);
    expect(checked.stdout).toContain('3 mapped Task field(s)');
    expect(checked.stdout).toContain('Calls are written without these fields (listed by `ringsense-sync fields refusals`)');
    expect(p.tasks()).toEqual([]);

    p.sims.rc.publishInsights(call('7100000000003', 'Neutral', '6'));
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
    const written = callTask(p, '7100000000003');
    expect(written).toMatchObject({ RingSense_Score__c: 6, RingSense_Link__c: LINK_URL, RingSense_Sentiment__c: null, TaskSubtype: 'Call' });
    const refused = p.logs.filter((l) => l.message === 'mapped_field_refused');
    expect(refused).toEqual([expect.objectContaining({ level: 'warn', field: 'RingSense_Sentiment__c', code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', sourceRecordId: '7100000000003' })]);
    expect((await p.service.metrics.scrape()).body).toContain('ringsense_mapped_field_refusals_total{field="RingSense_Sentiment__c",code="INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"} 1');

    // The admin's list: the field, the code, the calls, the last call.
    const env = { REDIS_URL: p.redis.url, QUEUE_PREFIX: p.redis.prefix };
    const listed = await runCli(['fields', 'refusals'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/RingSense_Sentiment__c\s+INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST\s+1\s+\S+ \S+\s+7100000000003\s+Sentiment: the restricted picklist has no value "Neutral"/);
    const json = JSON.parse((await runCli(['fields', 'refusals', '--json'], { env })).stdout) as { refusals: Array<Record<string, unknown>> };
    expect(json.refusals).toEqual([expect.objectContaining({ field: 'RingSense_Sentiment__c', count: 1, lastSourceRecordId: '7100000000003' })]);
  });

  it('a field Salesforce refuses that describe allowed (the admin changed it since): the call is written without it, the refusal listed', async () => {
    p = await startPipeline({ mappingYaml: MAPPING, sims: { seed: seed([SENTIMENT, SCORE, LINK]) } });
    p.sims.rc.publishInsights(call('7100000000004', 'Positive', '5'));
    await p.settled(1);
    // The service has described Task (cached); now the admin removes Neutral from the picklist.
    p.sims.sf.defineFields('Task', [{ ...SENTIMENT, picklistValues: ['Positive', 'Negative'] }]);
    p.sims.rc.publishInsights(call('7100000000005', 'Neutral', '4'));
    expect(await p.settled(2)).toEqual({ completed: 2, failed: 0 });
    expect(callTask(p, '7100000000005')).toMatchObject({ RingSense_Score__c: 4, RingSense_Sentiment__c: null, TaskSubtype: 'Call' });
    const refused = p.logs.filter((l) => l.message === 'mapped_field_refused');
    expect(refused).toEqual([expect.objectContaining({ field: 'RingSense_Sentiment__c', code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', reason: 'Sentiment: bad value for restricted picklist field' })]);
    // No call content in the logs.
    expect(JSON.stringify(p.logs)).not.toContain('developer guide');
    const listed = await runCli(['fields', 'refusals'], { env: { REDIS_URL: p.redis.url, QUEUE_PREFIX: p.redis.prefix } });
    expect(listed.stdout).toMatch(/RingSense_Sentiment__c\s+INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST\s+1/);
  });
});
