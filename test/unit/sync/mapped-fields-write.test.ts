/** Mapped fields through the write: written with the call activity, updated by a newer version, and never losing a call. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { parseInsightsNotification, type RecordingInsights } from '../../../src/ringcentral/insights-event.schema.ts';
import type { CallDrafts, TaskDraft } from '../../../src/sync/build-drafts.ts';
import type { FieldRefusalEvent } from '../../../src/sync/field-refusals.ts';
import { withMappedFields, type CallWrite } from '../../../src/sync/mapped-fields.ts';
import { processCall } from '../../../src/sync/process-call.ts';
import type { FieldCatalog, TaskFieldInfo, ActivityWrite } from '../../../src/sync/task-store.port.ts';
import { writeCall } from '../../../src/sync/write-call.ts';
import { FakePeople, FakeTelephony } from '../../fakes/fake-directory.ts';
import { FakeTaskStore } from '../../fakes/fake-task-store.ts';
import { loadEventFixture, asCall } from '../../support/fixtures.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';

const field = (name: string, type: string, over: Partial<TaskFieldInfo> = {}): TaskFieldInfo => ({
  name, label: name.replace(/^RingSense_|__c$/g, ''), type, length: type === 'double' ? 0 : 255, precision: type === 'double' ? 18 : 0, scale: 0,
  createable: true, updateable: true, restrictedPicklist: false, picklistValues: [], ...over,
});
const SENTIMENT = field('RingSense_Sentiment__c', 'picklist', { restrictedPicklist: true, picklistValues: ['Positive', 'Neutral', 'Negative'] });
const SCORE = field('RingSense_Score__c', 'double');
const catalogOf = (...fields: TaskFieldInfo[]): FieldCatalog => new Map(fields.map((f) => [f.name.toLowerCase(), f]));

const V1 = '2024-09-04T21:15:43.591Z';
const draft = (key: string, kind: TaskDraft['kind'], version = V1): TaskDraft => ({
  key,
  kind,
  fields: { Subject: `S ${key}`, Description: `D\nRingSense insights updated ${version}`, OwnerId: '005000000000001AAA', ActivityDate: '2024-09-04', Status: kind === 'call' ? 'Completed' : 'Not Started', Priority: 'Normal', TaskSubtype: kind === 'call' ? 'Call' : 'Task' },
});
const call = (mapped: Record<string, string | number>, version = V1): CallWrite => {
  const drafts: CallDrafts = { sourceRecordId: '1', version, call: draft('ringsense:1', 'call', version), followUps: [draft('ringsense:1:step:a', 'follow_up', version)] };
  return withMappedFields(drafts, { values: mapped, createOnly: [], skipped: [] });
};

describe('writeCall with mapped fields', () => {
  it('writes them on the call activity, in the same request', async () => {
    const store = new FakeTaskStore({ catalog: catalogOf(SENTIMENT, SCORE) });
    const r = await writeCall(store, call({ RingSense_Sentiment__c: 'Positive', RingSense_Score__c: 7 }), 'create');
    expect(r.fieldRefusals).toBeUndefined();
    expect(store.tasks[0]!.mapped).toEqual({ RingSense_Sentiment__c: 'Positive', RingSense_Score__c: 7 });
    expect(store.tasks[1]!.mapped).toEqual({});
    expect(store.ops.map((o) => o.op)).toEqual(['create']);
  });

  it('a field Salesforce refuses: the call activity is created again without it, the others kept, the refusal reported', async () => {
    const store = new FakeTaskStore({ catalog: catalogOf({ ...SENTIMENT, picklistValues: ['Positive'] }, SCORE) });
    for (const mode of ['create', 'look_first'] as const) {
      store.tasks.length = 0;
      const r = await writeCall(store, call({ RingSense_Sentiment__c: 'Neutral', RingSense_Score__c: 7 }), mode);
      expect(r).toMatchObject({ call: 'created', followUpsCreated: 1 });
      expect(r.fieldRefusals).toEqual([{ field: 'RingSense_Sentiment__c', code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: 'Sentiment: bad value for restricted picklist field' }]);
      expect(store.tasks.map((t) => t.key).sort()).toEqual(['ringsense:1', 'ringsense:1:step:a']);
      expect(store.tasks.find((t) => t.key === 'ringsense:1')!.mapped).toEqual({ RingSense_Score__c: 7 });
    }
  });

  it('a refusal naming no field: tried once without every mapped field; if that fails too, the first refusal stands', async () => {
    const rule = { kind: 'permanent' as const, code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Score must be under 5' };
    const store = new FakeTaskStore({ catalog: catalogOf(SENTIMENT, SCORE), refuse: (d: ActivityWrite) => (d.mapped?.RingSense_Score__c !== undefined ? rule : undefined) });
    const r = await writeCall(store, call({ RingSense_Sentiment__c: 'Positive', RingSense_Score__c: 7 }), 'create');
    expect(r.fieldRefusals?.map((f) => [f.field, f.code])).toEqual([['RingSense_Sentiment__c', 'FIELD_CUSTOM_VALIDATION_EXCEPTION'], ['RingSense_Score__c', 'FIELD_CUSTOM_VALIDATION_EXCEPTION']]);
    expect(store.tasks.find((t) => t.key === 'ringsense:1')?.mapped).toEqual({});
    // Not the mapped fields' doing: the call fails as it did before mapped fields, with no field blamed.
    const owner = new FakeTaskStore({ catalog: catalogOf(SENTIMENT), refuse: (d) => (d.kind === 'call' ? rule : undefined) });
    await expect(writeCall(owner, call({ RingSense_Sentiment__c: 'Positive' }), 'look_first')).rejects.toMatchObject({ failure: rule });
    expect(owner.ops.filter((o) => o.op === 'create')).toHaveLength(2);
  });

  it('a newer version updates the mapped fields (leaving out one refused, and those set on create only)', async () => {
    const store = new FakeTaskStore({ catalog: catalogOf(SENTIMENT, SCORE) });
    await writeCall(store, call({ RingSense_Sentiment__c: 'Positive', RingSense_Score__c: 7 }), 'create');
    const newer = '2024-09-05T08:00:00.000Z';
    const r = await writeCall(store, call({ RingSense_Sentiment__c: 'Negative', RingSense_Score__c: 4 }, newer), 'look_first');
    expect(r.call).toBe('updated');
    expect(store.tasks[0]!.mapped).toEqual({ RingSense_Sentiment__c: 'Negative', RingSense_Score__c: 4 });
    store.catalog = catalogOf({ ...SENTIMENT, picklistValues: ['Positive'] }, SCORE);
    const later = '2024-09-06T08:00:00.000Z';
    const refused = await writeCall(store, call({ RingSense_Sentiment__c: 'Neutral', RingSense_Score__c: 9 }, later), 'look_first');
    expect(refused.fieldRefusals?.map((f) => f.field)).toEqual(['RingSense_Sentiment__c']);
    expect(store.tasks[0]!.mapped).toEqual({ RingSense_Sentiment__c: 'Negative', RingSense_Score__c: 9 });
    expect(store.tasks[0]!.fields.Description).toContain(later);
    const createOnly: CallWrite = { ...call({ RingSense_Score__c: 1 }, '2024-09-07T08:00:00.000Z'), mappedCreateOnly: ['RingSense_Score__c'] };
    await writeCall(store, createOnly, 'look_first');
    expect(store.tasks[0]!.mapped.RingSense_Score__c).toBe(9);
  });
});

describe('processCall with mapped fields', () => {
  const JOHN = '005Dm0000000001IAA';
  const insights = (): RecordingInsights => {
    const r = parseInsightsNotification(loadEventFixture('documented-example'), ACE_DOMAINS);
    if (!r.ok) throw new Error(r.error.message);
    const call = asCall(r.value.body);
    return { ...call, insights: { ...call.insights, Sentiment: [{ value: 'Neutral' }], AIScore: [{ value: '8' }] } };
  };
  const setup = (yaml: string, catalog: FieldCatalog) => {
    const store = new FakeTaskStore({ catalog });
    const people = new FakePeople();
    people.users = [{ id: JOHN, isActive: true }];
    const telephony = new FakeTelephony();
    const snap = parseMapping(`users:\n  "62288320001": { salesforceUserId: "${JOHN}" }\n${yaml}`, 'm.yaml');
    const sink = new PassThrough();
    const logs: Array<Record<string, unknown>> = [];
    sink.on('data', (d: Buffer) => d.toString().split('\n').filter(Boolean).forEach((l) => logs.push(JSON.parse(l) as Record<string, unknown>)));
    const recorded: FieldRefusalEvent[] = [];
    const deps = {
      mapping: () => snap, people, telephony, tasks: store, logger: createLogger({ level: 'info', format: 'json', stream: sink }),
      fieldRefusals: {
        record: (r: FieldRefusalEvent) => {
          recorded.push(r);
          return Promise.resolve();
        },
      },
    };
    return { store, deps, logs, recorded };
  };
  const YAML = 'fields:\n  task:\n    RingSense_Sentiment__c: sentiment\n    RingSense_Score__c: aiScore\n';

  it('writes typed values, describing Task through the store (cached there, asked per call of the fake)', async () => {
    const { store, deps, recorded } = setup(YAML, catalogOf(SENTIMENT, SCORE));
    await processCall(insights(), deps);
    expect(store.tasks.find((t) => 'TaskSubtype' in t.fields && t.fields.TaskSubtype === 'Call')!.mapped).toEqual({ RingSense_Sentiment__c: 'Neutral', RingSense_Score__c: 8 });
    expect(recorded).toEqual([]);
  });

  it('a value the org cannot hold: the call is written without it, logged at warn (no call content) and recorded', async () => {
    const { store, deps, logs, recorded } = setup(YAML, catalogOf({ ...SENTIMENT, picklistValues: ['Positive', 'Negative'] }, SCORE));
    const ins = insights();
    const r = await processCall(ins, deps);
    expect(r.report.call).toBe('created');
    expect(store.tasks.find((t) => 'TaskSubtype' in t.fields && t.fields.TaskSubtype === 'Call')!.mapped).toEqual({ RingSense_Score__c: 8 });
    await new Promise((resolve) => setImmediate(resolve));
    const warn = logs.find((l) => l.message === 'mapped_field_refused');
    expect(warn).toMatchObject({ level: 'warn', field: 'RingSense_Sentiment__c', code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
    expect(JSON.stringify(warn)).not.toContain(ins.insights.Summary[0]!.value.slice(0, 20));
    expect(recorded).toEqual([expect.objectContaining({ field: 'RingSense_Sentiment__c', code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', sourceRecordId: ins.sourceRecordId })]);
  });

  it('without mapped fields, Task is not described', async () => {
    const { store, deps } = setup('', catalogOf());
    await processCall(insights(), deps);
    expect(store.ops.some((o) => o.op === 'describe')).toBe(false);
  });
});
