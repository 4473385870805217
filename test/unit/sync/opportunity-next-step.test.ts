import { asCall } from '../../support/fixtures.ts';
import { describe, expect, it } from 'vitest';
import type { RecordingInsights } from '../../../src/calls/recording-insights.ts';
import { sampleCalls } from '../../../src/demo/sample-calls.ts';
import { parseInsightsBody } from '../../../src/ringcentral/insights-event.schema.ts';
import { compareCalls, decideNextStep, OpportunityNextSteps, pickNextStep, planTurn, type NextStepDecision, type NextStepPolicy } from '../../../src/sync/opportunity-next-step.ts';
import type { NextStepWrite } from '../../../src/sync/opportunity-store.port.ts';
import { FakeNextStepLedger, FakeOpportunities } from '../../fakes/fake-opportunities.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';

const OPP = '006Dm0000000001IAA';
const insightsOf = (name: 'inbound-highlights' | 'documented-example'): RecordingInsights => {
  const r = parseInsightsBody(sampleCalls()[name].body, ACE_DOMAINS);
  if (!r.ok) throw new Error(r.error.message);
  return asCall(r.value);
};

const SYNC_VALUE = 'Send the quote.';
const PERSON_VALUE = 'Rep: call Sean on Monday';
const NEW_VALUE = 'Share the floor plans.';
const last: NextStepWrite = { startedAt: '2024-09-05T14:00:00.000Z', sourceRecordId: '200', version: '2024-09-05T15:00:00.000Z', value: SYNC_VALUE };
const later = { startedAt: '2024-09-06T09:00:00.000Z', sourceRecordId: '100', version: '2024-09-06T10:00:00.000Z' };
const earlier = { startedAt: '2024-09-04T09:00:00.000Z', sourceRecordId: '300', version: '2024-09-07T10:00:00.000Z' };

/** `ledger` null: the sync remembers no write into this opportunity. */
const decide = (policy: NextStepPolicy, field: string | undefined, call: typeof later, ledger: NextStepWrite | null = last): NextStepDecision =>
  decideNextStep({ policy, value: NEW_VALUE, call, opportunity: { nextStep: field, isClosed: false }, last: ledger ?? undefined });

const write: NextStepDecision = { action: 'write', value: NEW_VALUE };
const keep = (reason: string) => ({ action: 'keep', reason });

describe('decideNextStep: policy x field (empty, the sync\'s value, a person\'s) x call (earlier, later)', () => {
  it.each([
    ['off', undefined, 'later', keep('off')],
    ['off', SYNC_VALUE, 'later', keep('off')],
    ['off', PERSON_VALUE, 'earlier', keep('off')],
    ['fill_if_empty', undefined, 'later', write],
    ['fill_if_empty', undefined, 'earlier', keep('older_call')],
    ['fill_if_empty', SYNC_VALUE, 'later', keep('not_empty')],
    ['fill_if_empty', SYNC_VALUE, 'earlier', keep('not_empty')],
    ['fill_if_empty', PERSON_VALUE, 'later', keep('not_empty')],
    ['fill_if_empty', PERSON_VALUE, 'earlier', keep('not_empty')],
    ['latest_call', undefined, 'later', write],
    ['latest_call', undefined, 'earlier', keep('older_call')],
    ['latest_call', SYNC_VALUE, 'later', write],
    ['latest_call', SYNC_VALUE, 'earlier', keep('older_call')],
    ['latest_call', PERSON_VALUE, 'later', keep('person_edit')],
    ['latest_call', PERSON_VALUE, 'earlier', keep('person_edit')],
  ] as const)('%s, field %s, %s call', (policy, field, when, expected) => {
    expect(decide(policy, field, when === 'later' ? later : earlier)).toEqual(expected);
  });

  it('writes into an empty field when the sync remembers nothing, and keeps any value it did not write', () => {
    for (const policy of ['fill_if_empty', 'latest_call'] as const) {
      expect(decide(policy, undefined, earlier, null)).toEqual(write);
      expect(decide(policy, SYNC_VALUE, later, null)).toEqual(keep(policy === 'latest_call' ? 'person_edit' : 'not_empty'));
    }
  });

  it('a replay (the same call and version) never writes again, even into a field a rep cleared', () => {
    const same = { startedAt: last.startedAt, sourceRecordId: last.sourceRecordId, version: last.version };
    expect(decide('latest_call', SYNC_VALUE, same)).toEqual(keep('same_call'));
    expect(decide('latest_call', undefined, same)).toEqual(keep('same_call'));
    expect(decide('fill_if_empty', undefined, same)).toEqual(keep('same_call'));
  });

  it('orders calls by start, then sourceRecordId, then version: a newer version of the same call comes after, an older one before', () => {
    const same = { startedAt: last.startedAt, sourceRecordId: last.sourceRecordId };
    expect(decide('latest_call', SYNC_VALUE, { ...same, version: '2024-09-05T16:00:00.000Z' })).toEqual(write);
    expect(decide('latest_call', SYNC_VALUE, { ...same, version: '2024-09-05T14:30:00.000Z' })).toEqual(keep('older_call'));
    expect(decide('latest_call', SYNC_VALUE, { ...same, sourceRecordId: '201', version: '2020-01-01T00:00:00.000Z' })).toEqual(write); // a tie on start: by id
    expect(compareCalls({ ...same, version: 'x' }, { startedAt: '2024-09-05T16:00:00+02:00', sourceRecordId: '0', version: 'x' })).toBeGreaterThan(0); // offsets compared as instants
  });

  it('records without writing when the field already holds this call\'s value (its write went through, its record did not)', () => {
    expect(decideNextStep({ policy: 'latest_call', value: NEW_VALUE, call: later, opportunity: { nextStep: NEW_VALUE, isClosed: false }, last })).toEqual({ action: 'record', value: NEW_VALUE });
  });

  it('never touches a closed, missing or call without a next step', () => {
    const base = { policy: 'latest_call' as const, call: later, last };
    expect(decideNextStep({ ...base, value: NEW_VALUE, opportunity: { nextStep: undefined, isClosed: true } })).toEqual(keep('closed'));
    expect(decideNextStep({ ...base, value: NEW_VALUE, opportunity: undefined })).toEqual(keep('not_found'));
    expect(decideNextStep({ ...base, value: undefined, opportunity: { nextStep: undefined, isClosed: false } })).toEqual(keep('no_next_step'));
  });
});

describe('pickNextStep', () => {
  it("picks the owner's first next step (Maria's, not the customer's first words)", () => {
    expect(pickNextStep(insightsOf('inbound-highlights'))).toBe('Send Northwind a quote for 40 units and a pilot plan.');
  });

  it("else a colleague's, else the first; cut on a word to 255 characters; none without next steps", () => {
    const ins = insightsOf('documented-example');
    expect(pickNextStep(ins)).toBe('Complete the test with own code for the API.'); // John, the owner
    const customerFirst = { ...ins, ownerExtensionId: '999', insights: { ...ins.insights, NextSteps: [ins.insights.NextSteps[1]!, ins.insights.NextSteps[3]!] } };
    expect(pickNextStep(customerFirst)).toBe('Publish the developer guide after review and editing.'); // John is a colleague now
    const noInternal = { ...customerFirst, insights: { ...ins.insights, NextSteps: [{ value: `  ${'word '.repeat(80)}\u0007end`, speakerId: 'nobody' }] } };
    const cut = pickNextStep(noInternal)!;
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(cut).toMatch(/^word word .*…$/);
    expect(pickNextStep({ ...ins, insights: { ...ins.insights, NextSteps: [{ value: '   ' }] } })).toBeUndefined();
  });
});

describe('OpportunityNextSteps', () => {
  const ins = insightsOf('inbound-highlights');
  const setup = () => {
    const opportunities = new FakeOpportunities();
    opportunities.rows.set(OPP, {});
    const ledger = new FakeNextStepLedger();
    const writer = new OpportunityNextSteps({ opportunities, ledger });
    return { opportunities, ledger, sync: (i: typeof ins, policy: NextStepPolicy) => writer.sync(i, OPP, policy) };
  };

  it('writes and remembers the exact value and the call; the same call again writes nothing', async () => {
    const deps = setup();
    expect(await deps.sync(ins, 'latest_call')).toEqual({ outcome: 'written', opportunityId: OPP });
    expect(await deps.ledger.read(OPP)).toEqual({ startedAt: ins.recordingStartTime, sourceRecordId: ins.sourceRecordId, version: ins.lastModifiedTime, value: 'Send Northwind a quote for 40 units and a pilot plan.' });
    expect(await deps.sync(ins, 'latest_call')).toEqual({ outcome: 'kept', opportunityId: OPP, reason: 'same_call' });
    expect(deps.opportunities.writes).toHaveLength(1);
  });

  it('a refused update (validation rule, locked record) is an outcome, not a failure, and is not remembered', async () => {
    const deps = setup();
    const failure = { kind: 'permanent' as const, code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Next Step needs a date' };
    deps.opportunities.script.push({ refuse: failure });
    expect(await deps.sync(ins, 'latest_call')).toEqual({ outcome: 'refused', opportunityId: OPP, failure });
    expect(await deps.ledger.read(OPP)).toBeUndefined();
  });

  it('a transient failure throws for the job to retry; the retry writes once', async () => {
    const deps = setup();
    deps.opportunities.script.push({ throw: { kind: 'transient', code: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access' } });
    await expect(deps.sync(ins, 'latest_call')).rejects.toMatchObject({ failure: { kind: 'transient' } });
    expect(await deps.sync(ins, 'latest_call')).toEqual({ outcome: 'written', opportunityId: OPP });
    expect(deps.opportunities.writes).toHaveLength(1);
  });

  it('two calls of one deal at once: one at a time, and the later call wins whichever finishes first', async () => {
    const deps = setup();
    const laterCall = { ...ins, sourceRecordId: '9', recordingStartTime: '2024-09-06T10:00:00.000Z', insights: { ...ins.insights, NextSteps: [{ value: 'Later step.' }] } };
    await Promise.all([deps.sync(laterCall, 'latest_call'), deps.sync(ins, 'latest_call')]);
    expect(deps.opportunities.rows.get(OPP)?.nextStep).toBe('Later step.');
  });

  const callAt = (n: number, step: string) => ({ ...ins, sourceRecordId: String(1000 + n), recordingStartTime: `2024-09-${String(10 + n).padStart(2, '0')}T10:00:00.000Z`, insights: { ...ins.insights, NextSteps: [{ value: step }] } });

  it('calls of one deal arriving together share a turn: one read, one update with the latest call, the others superseded', async () => {
    const deps = setup();
    const calls = [3, 1, 4, 0, 2].map((n) => callAt(n, `Step of call ${n}.`));
    const outcomes = await Promise.all(calls.map((c) => deps.sync(c, 'latest_call')));
    expect(deps.opportunities.writes).toEqual([{ id: OPP, value: 'Step of call 4.' }]);
    expect(outcomes.map((o) => (o.outcome === 'kept' ? o.reason : o.outcome))).toEqual(['older_call', 'older_call', 'written', 'older_call', 'older_call']);
    expect((await deps.ledger.read(OPP))?.sourceRecordId).toBe('1004');
    // A replay of an older call afterwards changes nothing.
    expect(await deps.sync(calls[0]!, 'latest_call')).toMatchObject({ outcome: 'kept', reason: 'older_call' });
    expect(deps.opportunities.writes).toHaveLength(1);
  });

  it('fill_if_empty in a shared turn: the earliest call fills the field, the later ones find it filled', async () => {
    const deps = setup();
    const outcomes = await Promise.all([2, 0, 1].map((n) => deps.sync(callAt(n, `Step ${n}.`), 'fill_if_empty')));
    expect(deps.opportunities.writes).toEqual([{ id: OPP, value: 'Step 0.' }]);
    expect(outcomes.map((o) => (o.outcome === 'kept' ? o.reason : o.outcome))).toEqual(['not_empty', 'written', 'not_empty']);
  });

  it('a failed update in a shared turn fails every call of it for a retry; the retries write once', async () => {
    const deps = setup();
    deps.opportunities.script.push({ throw: { kind: 'transient', code: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access' } });
    const calls = [0, 1, 2].map((n) => callAt(n, `Step ${n}.`));
    const first = await Promise.allSettled(calls.map((c) => deps.sync(c, 'latest_call')));
    expect(first.every((r) => r.status === 'rejected')).toBe(true);
    await Promise.all(calls.map((c) => deps.sync(c, 'latest_call')));
    expect(deps.opportunities.writes).toEqual([{ id: OPP, value: 'Step 2.' }]);
  });
});

describe('planTurn: a turn decides as the calls one after another would', () => {
  const cand = (call: typeof later, value: string, policy: NextStepPolicy = 'latest_call') => ({ policy, value, call });
  it('a field holding an earlier call\'s value (the sync wrote it, its record was lost) is taken over by the later call', () => {
    const plan = planTurn([cand(earlier, 'Earlier.'), cand(later, 'Later.')], { nextStep: 'Earlier.', isClosed: false }, undefined);
    expect(plan.decisions).toEqual([{ action: 'record', value: 'Earlier.' }, { action: 'write', value: 'Later.' }]);
    expect(plan).toMatchObject({ winner: 1, update: true });
  });
  it('a person\'s value keeps every call of the turn out', () => {
    const plan = planTurn([cand(earlier, 'Earlier.'), cand(later, 'Later.')], { nextStep: PERSON_VALUE, isClosed: false }, last);
    expect(plan).toEqual({ decisions: [keep('person_edit'), keep('person_edit')], winner: undefined, update: false });
  });
  it('the winner\'s value already in the field is recorded, not written again', () => {
    const plan = planTurn([cand(later, SYNC_VALUE)], { nextStep: SYNC_VALUE, isClosed: false }, undefined);
    expect(plan).toMatchObject({ winner: 0, update: false });
  });
});
